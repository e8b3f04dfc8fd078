'use strict';
// OIDC provider (authorization code + PKCE, device flow, discovery, JWKS,
// /test/token), and the ambient-credential fakes: GitHub Actions' ID-token
// endpoint and the Google Compute Engine metadata server.
const crypto = require('crypto');
const { HttpError } = require('./http');
const { b64u, randomToken, nowSec, jwtSign, jwtDecode } = require('./util');

const CLIENT_ID = 'sigstore';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

const html = (title, body) => ({
  status: 200,
  headers: { 'Content-Type': 'text/html; charset=utf-8' },
  body: `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>\n`,
});
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function oauthError(status, error, description, headers) {
  return new HttpError(status, description, { body: { error, error_description: description }, headers });
}

// ---- token minting (shared by the provider, the CI fakes and /test/token)

function signToken(ctx, issuerName, claims, { alg, rogue } = {}) {
  const iss = ctx.issuers[issuerName];
  const key = iss.keys.find((k) => k.alg === (alg || iss.defaultAlg)) || iss.keys[0];
  if (alg && key.alg !== alg) throw new HttpError(400, `issuer ${issuerName} has no ${alg} key`);
  // A rogue key signs under the real key's kid: the signature cannot verify.
  const signer = rogue ? ctx.rogueKeys[key.alg] : key.privateKey;
  return jwtSign(claims, { key: signer, kid: key.kid, alg: key.alg });
}

// Applies a token lie (fault) to claims/options.
function applyTokenLie(lie, claims, opts) {
  if (lie === 'expired_token') {
    claims.iat = nowSec() - 1200;
    claims.exp = nowSec() - 600;
    if (claims.nbf) claims.nbf = claims.iat;
  } else if (lie === 'wrong_audience') {
    claims.aud = 'not-sigstore';
  } else if (lie === 'bad_token_signature') {
    opts.rogue = true;
  } else if (lie === 'wrong_nonce' && claims.nonce !== undefined) {
    claims.nonce = randomToken(12);
  }
}

function githubClaims(ctx, audience) {
  const repo = 'signet-testbed/demo';
  const ref = 'refs/heads/main';
  const sha = crypto.createHash('sha1').update('signet-testbed').digest('hex');
  const now = nowSec();
  return {
    jti: crypto.randomUUID(),
    sub: `repo:${repo}:ref:${ref}`,
    aud: audience,
    ref,
    sha,
    repository: repo,
    repository_owner: 'signet-testbed',
    repository_owner_id: '1000001',
    repository_visibility: 'public',
    repository_id: '2000002',
    actor_id: '3000003',
    actor: 'octocat',
    workflow: 'Release',
    head_ref: '',
    base_ref: '',
    event_name: 'push',
    ref_protected: 'false',
    ref_type: 'branch',
    workflow_ref: `${repo}/.github/workflows/release.yml@${ref}`,
    workflow_sha: sha,
    job_workflow_ref: `${repo}/.github/workflows/release.yml@${ref}`,
    job_workflow_sha: sha,
    runner_environment: 'github-hosted',
    run_id: '4000004',
    run_number: '7',
    run_attempt: '1',
    iss: ctx.urls.gha,
    nbf: now - 5,
    iat: now,
    exp: now + ctx.config.token_lifetime,
    ...(ctx.config.gha_claims || {}),
  };
}

function googleClaims(ctx, audience, full) {
  const now = nowSec();
  const id = '112233445566778899000';
  const c = {
    aud: audience,
    azp: id,
    email: ctx.config.gce_email,
    email_verified: true,
    exp: now + ctx.config.token_lifetime,
    iat: now,
    iss: ctx.urls.gce,
    sub: id,
  };
  if (full) {
    c.google = { compute_engine: { project_id: 'signet-testbed', project_number: 1234567890, zone: 'local-a', instance_id: '42', instance_name: 'testbed' } };
  }
  return c;
}

function userClaims(ctx, identity, extra = {}) {
  const now = nowSec();
  return {
    iss: ctx.urls.oidc,
    sub: identity.sub,
    aud: CLIENT_ID,
    exp: now + ctx.config.token_lifetime,
    iat: now,
    email: identity.email,
    email_verified: true,
    ...extra,
  };
}

function tokenResponse(ctx, identity, { nonce, lie }) {
  const opts = { alg: ctx.config.id_token_alg };
  const access = userClaims(ctx, identity);
  applyTokenLie(lie === 'wrong_nonce' ? null : lie, access, opts);
  const accessToken = signToken(ctx, 'oidc', access, opts);
  const idClaims = userClaims(ctx, identity, nonce !== undefined ? { nonce } : {});
  idClaims.at_hash = b64u(crypto.createHash('sha256').update(accessToken).digest().subarray(0, 16));
  applyTokenLie(lie, idClaims, opts);
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    body: {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ctx.config.token_lifetime,
      id_token: signToken(ctx, 'oidc', idClaims, opts),
      scope: 'openid email',
    },
  };
}

// ---- the OIDC provider

function parseForm(req) {
  const ct = String(req.headers['content-type'] || '');
  if (req.body.length && !ct.startsWith('application/x-www-form-urlencoded')) {
    throw oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  return new URLSearchParams(req.body.toString('utf8'));
}

// Client authentication: client_id in the form or HTTP Basic (empty secret).
function clientOf(req, form) {
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const auth = req.headers.authorization;
  if (auth && /^basic /i.test(auth)) {
    const dec = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = dec.indexOf(':');
    const bid = decodeURIComponent(i < 0 ? dec : dec.slice(0, i));
    if (id && id !== bid) throw oauthError(401, 'invalid_client', 'client_id in the body and the header differ');
    id = bid;
    secret = i < 0 ? '' : decodeURIComponent(dec.slice(i + 1));
  }
  if (id !== CLIENT_ID) throw oauthError(401, 'invalid_client', `unknown client_id "${id || ''}"`);
  if (secret) throw oauthError(401, 'invalid_client', 'the sigstore client has no secret');
  return id;
}

function loopbackRedirect(uri) {
  if (uri === 'urn:ietf:wg:oauth:2.0:oob') return true;
  let u;
  try {
    u = new URL(uri);
  } catch (e) {
    return false;
  }
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && !u.hash &&
    !u.username && !u.password;
}

const S256 = (verifier) => b64u(crypto.createHash('sha256').update(verifier, 'ascii').digest());
const validVerifier = (v) => typeof v === 'string' && /^[A-Za-z0-9\-._~]{43,128}$/.test(v);

function newUserCode() {
  let s = '';
  for (let i = 0; i < 8; i++) s += USER_CODE_ALPHABET[crypto.randomInt(USER_CODE_ALPHABET.length)];
  return s.slice(0, 4) + '-' + s.slice(4);
}
const normUserCode = (c) => String(c || '').toUpperCase().replace(/[^A-Z]/g, '');

function identityFrom(ctx, hint) {
  const email = hint && /^[^@\s]+@[^@\s]+$/.test(hint) ? hint : ctx.config.email;
  const sub = email === ctx.config.email ? ctx.config.sub : `user-${crypto.createHash('sha256').update(email).digest('hex').slice(0, 12)}`;
  return { email, sub };
}

function createProvider(ctx) {
  const codes = new Map();
  const devices = new Map();
  const userCodes = new Map();

  const discovery = () => {
    const i = ctx.urls.oidc;
    return {
      issuer: i,
      authorization_endpoint: `${i}/auth`,
      token_endpoint: `${i}/token`,
      jwks_uri: `${i}/keys`,
      userinfo_endpoint: `${i}/userinfo`,
      device_authorization_endpoint: `${i}/device/code`,
      grant_types_supported: ['authorization_code', DEVICE_GRANT],
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'email', 'email_verified', 'nonce', 'at_hash'],
    };
  };

  function authorize(req) {
    const q = req.query;
    const clientId = q.get('client_id');
    const redirect = q.get('redirect_uri');
    if (clientId !== CLIENT_ID) {
      return { ...html('Bad request', `<p>unknown client_id ${esc(clientId || '')}</p>`), status: 400 };
    }
    if (!redirect || !loopbackRedirect(redirect)) {
      return { ...html('Bad request', '<p>redirect_uri must be an http loopback URI (127.0.0.1, localhost, [::1]) or urn:ietf:wg:oauth:2.0:oob</p>'), status: 400 };
    }
    const state = q.get('state');
    const back = (params) => {
      if (redirect === 'urn:ietf:wg:oauth:2.0:oob') {
        return params.code
          ? html('Login approved', `<p>Your code: <code id="code">${esc(params.code)}</code></p>`)
          : { ...html('Login failed', `<p>${esc(params.error)}: ${esc(params.error_description || '')}</p>`), status: 400 };
      }
      const u = new URL(redirect);
      for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) u.searchParams.set(k, v);
      if (state !== null) u.searchParams.set('state', state);
      return { status: 302, headers: { Location: u.toString(), 'Content-Type': 'text/plain' }, body: 'redirecting\n' };
    };
    const fail = (error, desc) => back({ error, error_description: desc });
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const scopes = (q.get('scope') || '').split(/\s+/);
    if (!scopes.includes('openid')) return fail('invalid_scope', 'scope must include openid');
    if (q.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
    const challenge = q.get('code_challenge');
    if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return fail('invalid_request', 'code_challenge must be a base64url SHA-256');
    if (!state) return fail('invalid_request', 'state is required');
    const nonce = q.get('nonce');
    if (!nonce) return fail('invalid_request', 'nonce is required');
    if (req.lie === 'deny') return fail('access_denied', 'the user denied the request');
    const code = randomToken(24);
    codes.set(code, {
      redirect, challenge, nonce, identity: identityFrom(ctx, q.get('login_hint')), exp: Date.now() + 60000,
    });
    return back({ code });
  }

  function tokenAuthCode(req, form) {
    const code = form.get('code');
    const c = code && codes.get(code);
    if (!c) throw oauthError(400, 'invalid_grant', 'unknown, expired or used authorization code');
    codes.delete(code); // single use, even when the exchange fails
    if (Date.now() > c.exp) throw oauthError(400, 'invalid_grant', 'authorization code expired');
    if (form.get('redirect_uri') !== c.redirect) throw oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorization request');
    const v = form.get('code_verifier');
    if (!validVerifier(v)) throw oauthError(400, 'invalid_grant', 'code_verifier missing or malformed (43-128 unreserved characters)');
    if (S256(v) !== c.challenge) throw oauthError(400, 'invalid_grant', 'PKCE verification failed: code_verifier does not match code_challenge');
    return tokenResponse(ctx, c.identity, { nonce: c.nonce, lie: req.lie });
  }

  function tokenDevice(req, form) {
    const dc = form.get('device_code');
    const d = dc && devices.get(dc);
    if (!d || d.consumed) throw oauthError(400, 'invalid_grant', 'unknown or used device_code');
    const now = Date.now();
    if (now > d.exp) throw oauthError(400, 'expired_token', 'the device code has expired');
    if (d.status === 'denied') throw oauthError(400, 'access_denied', 'the user denied the request');
    if (d.lastPoll && now - d.lastPoll + 200 < d.interval * 1000) {
      d.lastPoll = now;
      d.interval += ctx.config.device_slow_down_increment;
      throw oauthError(400, 'slow_down', `polling too fast; interval is now ${d.interval} s`);
    }
    d.lastPoll = now;
    if (d.status === 'pending') throw oauthError(400, 'authorization_pending', 'the user has not yet approved the request');
    if (d.challenge) {
      const v = form.get('code_verifier');
      if (!validVerifier(v) || S256(v) !== d.challenge) throw oauthError(400, 'invalid_grant', 'PKCE verification failed');
    }
    d.consumed = true;
    userCodes.delete(d.userCode);
    return tokenResponse(ctx, d.identity, { lie: req.lie });
  }

  function token(req) {
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    const form = parseForm(req);
    clientOf(req, form);
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') return tokenAuthCode(req, form);
    if (grant === DEVICE_GRANT) return tokenDevice(req, form);
    throw oauthError(400, 'unsupported_grant_type', `unsupported grant_type "${grant || ''}"`);
  }

  function deviceCode(req) {
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    const form = parseForm(req);
    clientOf(req, form);
    const scope = form.get('scope') || 'openid';
    if (!scope.split(/\s+/).includes('openid')) throw oauthError(400, 'invalid_scope', 'scope must include openid');
    const challenge = form.get('code_challenge');
    if (challenge !== null) {
      if ((form.get('code_challenge_method') || 'plain') !== 'S256') throw oauthError(400, 'invalid_request', 'code_challenge_method must be S256');
      if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw oauthError(400, 'invalid_request', 'malformed code_challenge');
    }
    let userCode;
    do userCode = newUserCode(); while (userCodes.has(normUserCode(userCode)));
    const deviceCodeValue = randomToken(32);
    const expiresIn = ctx.config.device_expires_in;
    devices.set(deviceCodeValue, {
      userCode: normUserCode(userCode), status: 'pending', exp: Date.now() + expiresIn * 1000,
      interval: ctx.config.device_interval, lastPoll: 0, challenge, identity: identityFrom(ctx, form.get('login_hint')),
    });
    userCodes.set(normUserCode(userCode), deviceCodeValue);
    const v = `${ctx.urls.oidc}/device`;
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store' },
      body: {
        device_code: deviceCodeValue,
        user_code: userCode,
        verification_uri: v,
        verification_uri_complete: `${v}?user_code=${encodeURIComponent(userCode)}`,
        expires_in: expiresIn,
        interval: ctx.config.device_interval,
      },
    };
  }

  // The person's side: fetching the page with a user code approves it.
  function devicePage(req) {
    let params = req.query;
    if (req.method === 'POST') params = new URLSearchParams(req.body.toString('utf8'));
    const uc = params.get('user_code');
    if (!uc) {
      return html('Device login', '<form method="get" action="/device"><label>Code <input name="user_code"></label> <button>Approve</button></form>');
    }
    const dc = userCodes.get(normUserCode(uc));
    const d = dc && devices.get(dc);
    if (!d) return { ...html('Unknown code', `<p>No pending login for code ${esc(uc)}.</p>`), status: 404 };
    if (Date.now() > d.exp) return { ...html('Code expired', '<p>This code has expired.</p>'), status: 400 };
    if (d.status !== 'pending') return html('Already answered', `<p>This code was already ${esc(d.status)}.</p>`);
    if (req.lie === 'deny' || params.get('action') === 'deny') {
      d.status = 'denied';
      return html('Access denied', '<p>You denied the login request.</p>');
    }
    d.status = 'approved';
    return html('Login approved', `<p>Signed in as ${esc(d.identity.email)}. You may close this page.</p>`);
  }

  function userinfo(req) {
    const auth = req.headers.authorization || '';
    const m = /^bearer\s+(\S+)$/i.exec(auth);
    if (!m) throw new HttpError(401, 'missing bearer token');
    let dec;
    try {
      dec = jwtDecode(m[1]);
    } catch (e) {
      throw new HttpError(401, 'invalid bearer token');
    }
    return { status: 200, body: { sub: dec.claims.sub, email: dec.claims.email, email_verified: dec.claims.email_verified } };
  }

  return async (req) => {
    switch (req.path) {
      case '/.well-known/openid-configuration':
        return { status: 200, body: discovery() };
      case '/keys':
        return { status: 200, body: { keys: ctx.issuers.oidc.keys.map((k) => k.jwk) } };
      case '/auth':
        return authorize(req);
      case '/token':
        return token(req);
      case '/device/code':
        return deviceCode(req);
      case '/device':
        return devicePage(req);
      case '/userinfo':
        return userinfo(req);
      case '/test/token':
        return testToken(ctx, req);
      default:
        throw new HttpError(404, `no such endpoint ${req.path}`);
    }
  };
}

// ---- /test/token: mint a token with chosen claims

function testToken(ctx, req) {
  const p = new URLSearchParams(req.query);
  if (req.method === 'POST' && req.body.length) {
    const ct = String(req.headers['content-type'] || '');
    if (ct.startsWith('application/json')) {
      let j;
      try {
        j = JSON.parse(req.body.toString('utf8'));
      } catch (e) {
        throw new HttpError(400, 'body is not JSON');
      }
      for (const [k, v] of Object.entries(j)) p.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    } else {
      for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) p.set(k, v);
    }
  }
  const issuer = p.get('issuer') || 'oidc';
  if (!ctx.issuers[issuer]) throw new HttpError(400, 'issuer must be oidc, gha or gce');
  const aud = p.has('aud') ? p.get('aud') : 'sigstore';
  let claims;
  if (issuer === 'gha') claims = githubClaims(ctx, 'sigstore');
  else if (issuer === 'gce') claims = googleClaims(ctx, 'sigstore', false);
  else claims = userClaims(ctx, { sub: ctx.config.sub, email: ctx.config.email });
  const now = nowSec();
  const num = (k) => {
    const v = Number(p.get(k));
    if (!Number.isFinite(v) || !Number.isInteger(v)) throw new HttpError(400, `${k} must be an integer`);
    return v;
  };
  if (aud === '') delete claims.aud;
  else claims.aud = aud.includes(',') ? aud.split(',') : aud;
  if (p.has('iss')) claims.iss = p.get('iss');
  if (p.has('sub')) claims.sub = p.get('sub');
  if (p.has('email')) {
    if (p.get('email') === '') delete claims.email;
    else claims.email = p.get('email');
  }
  if (p.has('email_verified')) claims.email_verified = p.get('email_verified') === 'true';
  if (p.has('iat')) claims.iat = num('iat');
  if (p.has('nbf')) claims.nbf = num('nbf');
  if (p.has('expires_in')) claims.exp = now + num('expires_in');
  if (p.has('exp')) claims.exp = num('exp');
  if (p.has('nonce')) claims.nonce = p.get('nonce');
  if (p.has('claims')) {
    let extra;
    try {
      extra = JSON.parse(p.get('claims'));
    } catch (e) {
      throw new HttpError(400, 'claims must be a JSON object');
    }
    if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw new HttpError(400, 'claims must be a JSON object');
    Object.assign(claims, extra);
  }
  for (const k of (p.get('omit') || '').split(',').filter(Boolean)) delete claims[k];
  const alg = p.get('alg') || undefined;
  if (alg && !['RS256', 'ES256'].includes(alg)) throw new HttpError(400, 'alg must be RS256 or ES256');
  const key = p.get('key') || 'good';
  if (!['good', 'rogue'].includes(key)) throw new HttpError(400, 'key must be good or rogue');
  const jwt = signToken(ctx, issuer, claims, { alg, rogue: key === 'rogue' });
  if (p.get('format') === 'json') return { status: 200, body: { token: jwt, claims } };
  return { status: 200, headers: { 'Content-Type': 'application/jwt' }, body: jwt + '\n' };
}

// ---- GitHub Actions ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL)

function createGitHub(ctx) {
  return async (req) => {
    if (req.path === '/.well-known/openid-configuration') {
      return {
        status: 200,
        body: {
          issuer: ctx.urls.gha,
          jwks_uri: `${ctx.urls.gha}/.well-known/jwks`,
          subject_types_supported: ['public', 'pairwise'],
          response_types_supported: ['id_token'],
          claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'sha', 'repository', 'repository_id', 'repository_owner', 'repository_owner_id', 'run_id', 'run_number', 'run_attempt', 'actor', 'actor_id', 'workflow', 'workflow_ref', 'workflow_sha', 'head_ref', 'base_ref', 'event_name', 'ref_type', 'environment', 'job_workflow_ref', 'job_workflow_sha', 'repository_visibility', 'runner_environment'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid'],
        },
      };
    }
    if (req.path === '/.well-known/jwks') return { status: 200, body: { keys: ctx.issuers.gha.keys.map((k) => k.jwk) } };
    if (req.path.endsWith('/idtoken')) {
      if (req.method !== 'GET') throw new HttpError(405, 'use GET');
      const m = /^bearer (.+)$/i.exec(req.headers.authorization || '');
      if (!m || m[1] !== ctx.secrets.ghaRequestToken) {
        throw new HttpError(401, 'Unauthorized', { body: { message: 'Bad credentials: ACTIONS_ID_TOKEN_REQUEST_TOKEN required as "Authorization: bearer <token>"' } });
      }
      const audience = req.query.get('audience') || 'https://github.com/signet-testbed';
      const claims = githubClaims(ctx, audience);
      const opts = {};
      applyTokenLie(req.lie, claims, opts);
      const jwt = signToken(ctx, 'gha', claims, opts);
      return { status: 200, body: { count: jwt.length, value: jwt } };
    }
    throw new HttpError(404, `no such endpoint ${req.path}`);
  };
}

// ---- Google Compute Engine metadata server

function createGoogle(ctx) {
  const MD = '/computeMetadata/v1/instance/service-accounts/default';
  const needFlavor = (req) => {
    if (req.headers['metadata-flavor'] !== 'Google') {
      throw new HttpError(403, 'Missing Metadata-Flavor:Google header.', {
        headers: { 'Content-Type': 'text/html' }, body: 'Missing Metadata-Flavor:Google header.\n',
      });
    }
  };
  const text = (s) => ({ status: 200, headers: { 'Content-Type': 'application/text', 'Metadata-Flavor': 'Google' }, body: s });
  return async (req) => {
    if (req.path === '/.well-known/openid-configuration') {
      return {
        status: 200,
        body: {
          issuer: ctx.urls.gce,
          jwks_uri: `${ctx.urls.gce}/oauth2/v3/certs`,
          id_token_signing_alg_values_supported: ['RS256'],
          subject_types_supported: ['public'],
          response_types_supported: ['id_token'],
        },
      };
    }
    if (req.path === '/oauth2/v3/certs') return { status: 200, body: { keys: ctx.issuers.gce.keys.map((k) => k.jwk) } };
    if (req.path === '/' || req.path === '/computeMetadata/v1/') {
      needFlavor(req);
      return text('instance/\nproject/\n');
    }
    if (req.path === `${MD}/email`) {
      needFlavor(req);
      return text(ctx.config.gce_email);
    }
    if (req.path === `${MD}/identity`) {
      needFlavor(req);
      const audience = req.query.get('audience');
      if (!audience) throw new HttpError(400, 'non-empty audience parameter required', { headers: { 'Content-Type': 'text/plain' }, body: 'non-empty audience parameter required\n' });
      const claims = googleClaims(ctx, audience, req.query.get('format') === 'full');
      const opts = {};
      applyTokenLie(req.lie, claims, opts);
      return text(signToken(ctx, 'gce', claims, opts));
    }
    throw new HttpError(404, `no such endpoint ${req.path}`, { headers: { 'Content-Type': 'text/html' }, body: 'Not Found\n' });
  };
}

module.exports = { createProvider, createGitHub, createGoogle, signToken, CLIENT_ID };
