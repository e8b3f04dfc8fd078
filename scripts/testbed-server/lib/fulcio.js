'use strict';
// Fulcio v2: POST /api/v2/signingCert, GET /api/v2/trustBundle,
// GET /api/v2/configuration.  Certificates carry an embedded SCT from the
// testbed CT log (RFC 6962 precertificate entry).
const crypto = require('crypto');
const der = require('./der');
const pki = require('./pki');
const { HttpError } = require('./http');
const { jwtDecode, jwtVerifySig, nowSec, decodeB64 } = require('./util');

const { OID } = pki;
const FULCIO = '1.3.6.1.4.1.57264.1.';
const CERT_LIFETIME = 600; // seconds

const unauth = (msg) => new HttpError(401, `There was an error processing the identity token: ${msg}`);
const invalid = (msg) => new HttpError(400, msg);

// Verifies the token; returns {claims, issuer} or throws 401.
function authenticate(ctx, token) {
  let dec;
  try {
    dec = jwtDecode(token);
  } catch (e) {
    throw unauth(e.message);
  }
  const { header, claims } = dec;
  if (!['RS256', 'ES256'].includes(header.alg)) throw unauth(`unsupported JWS algorithm "${header.alg}"`);
  const iss = Object.values(ctx.issuers).find((i) => i.url === claims.iss);
  if (!iss) throw unauth(`unknown issuer "${claims.iss}"`);
  const keys = iss.keys.filter((k) => k.alg === header.alg && (!header.kid || k.kid === header.kid));
  if (!keys.some((k) => jwtVerifySig(dec, k.publicKey))) throw unauth('failed to verify signature');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes('sigstore')) throw unauth(`expected audience "sigstore" got ${JSON.stringify(claims.aud)}`);
  const now = nowSec();
  if (typeof claims.exp !== 'number') throw unauth('token has no exp claim');
  if (now >= claims.exp) throw unauth(`token is expired (exp ${new Date(claims.exp * 1000).toISOString()})`);
  if (typeof claims.iat === 'number' && claims.iat > now + 60) throw unauth('token issued in the future');
  if (typeof claims.nbf === 'number' && claims.nbf > now + 60) throw unauth('token not yet valid (nbf)');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw unauth('token has no sub claim');
  return { claims, issuer: iss };
}

// The principal: what the proof of possession signs, the SAN and extensions.
function principal(issuer, claims) {
  const exts = [];
  const raw = (n, v) => v !== undefined && v !== '' && exts.push({ oid: FULCIO + n, value: Buffer.from(String(v), 'utf8') });
  const utf = (n, v) => v !== undefined && v !== '' && exts.push({ oid: FULCIO + n, value: der.utf8(String(v)) });
  if (issuer.type === 'email') {
    if (typeof claims.email !== 'string' || !claims.email.includes('@')) throw unauth('token has no email claim');
    if (claims.email_verified !== true) throw unauth('email_verified claim is not true');
    raw(1, claims.iss);
    utf(8, claims.iss);
    utf(24, claims.sub);
    return { challenge: claims.email, san: { type: 'email', value: claims.email }, exts };
  }
  // github-workflow (a ci-provider issuer): identity is the job workflow.
  const c = claims;
  if (typeof c.job_workflow_ref !== 'string' || !c.job_workflow_ref) throw unauth('token has no job_workflow_ref claim');
  const url = 'https://github.com';
  raw(1, c.iss);
  raw(2, c.event_name);
  raw(3, c.sha);
  raw(4, c.workflow);
  raw(5, c.repository);
  raw(6, c.ref);
  utf(8, c.iss);
  utf(9, `${url}/${c.job_workflow_ref}`);
  utf(10, c.job_workflow_sha);
  utf(11, c.runner_environment);
  utf(12, `${url}/${c.repository}`);
  utf(13, c.sha);
  utf(14, c.ref);
  utf(15, c.repository_id);
  utf(16, `${url}/${c.repository_owner}`);
  utf(17, c.repository_owner_id);
  utf(18, `${url}/${c.workflow_ref}`);
  utf(19, c.workflow_sha);
  utf(20, c.event_name);
  utf(21, `${url}/${c.repository}/actions/runs/${c.run_id}/attempts/${c.run_attempt}`);
  utf(22, c.repository_visibility);
  utf(23, c.environment);
  utf(24, c.sub);
  return { challenge: c.sub, san: { type: 'uri', value: `${url}/${c.job_workflow_ref}` }, exts };
}

function checkKey(key) {
  const d = pki.describeKey(key);
  if (d.type === 'ec' && ['P-256', 'P-384', 'P-521'].includes(d.curve)) return;
  if (d.type === 'rsa' && d.bits >= 2048 && d.bits <= 8192) return;
  if (d.type === 'ed25519') return;
  throw invalid(`unsupported public key: ${d.type}${d.curve ? ' ' + d.curve : ''}${d.bits ? ' ' + d.bits : ''}`);
}

// ---- certificates

function createCA(now) {
  const gen = (curve) => crypto.generateKeyPairSync('ec', { namedCurve: curve });
  const mk = (label, curve) => {
    const rootKey = gen(curve);
    const intKey = gen(curve);
    const rootSpki = pki.spkiDer(rootKey.publicKey);
    const intSpki = pki.spkiDer(intKey.publicKey);
    const rootName = pki.name('signet-testbed', 'signet-testbed Fulcio root');
    const intName = pki.name('signet-testbed', 'signet-testbed Fulcio intermediate');
    const nb = new Date((now - 86400) * 1000);
    const na = new Date((now + 10 * 365 * 86400) * 1000);
    const root = pki.makeCert({
      subject: rootName, issuer: rootName, spki: rootSpki, signKey: rootKey.privateKey, notBefore: nb, notAfter: na,
      extensions: [pki.keyUsage([5, 6]), pki.basicConstraints(true, 1), pki.ski(rootSpki)],
    });
    const inter = pki.makeCert({
      subject: intName, issuer: rootName, spki: intSpki, signKey: rootKey.privateKey, notBefore: nb, notAfter: na,
      extensions: [pki.keyUsage([5, 6]), pki.extKeyUsage([OID.codeSigning]), pki.basicConstraints(true, 0),
        pki.ski(intSpki), pki.aki(rootSpki)],
    });
    return { label, rootKey, intKey, rootSpki, intSpki, intName, root: root.der, intermediate: inter.der };
  };
  return { real: mk('real', 'secp384r1'), rogue: mk('rogue', 'prime256v1') };
}

function createCTLog() {
  const k = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = pki.spkiDer(k.publicKey);
  return { privateKey: k.privateKey, publicKey: k.publicKey, spki, logId: pki.sha256(spki) };
}

const u16 = (n) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
function u64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

// RFC 6962 §3.2 SCT over the precertificate TBS (without the SCT list).
function makeSCT(ct, issuerSpki, precertTbs, bad) {
  const ts = Date.now();
  const signed = Buffer.concat([
    Buffer.from([0, 0]), u64(bad ? ts + 1 : ts), u16(1), pki.sha256(issuerSpki), u24(precertTbs.length), precertTbs, u16(0),
  ]);
  const sig = crypto.sign('sha256', signed, ct.privateKey);
  const sct = Buffer.concat([Buffer.from([0]), ct.logId, u64(ts), u16(0), Buffer.from([4, 3]), u16(sig.length), sig]);
  const list = Buffer.concat([u16(sct.length + 2), u16(sct.length), sct]);
  return der.octet(list);
}

function issueLeaf(ctx, { spki, principal: p, lie }) {
  const ca = lie === 'untrusted_ca' ? ctx.ca.rogue : ctx.ca.real;
  const now = nowSec();
  let san = p.san;
  if (lie === 'wrong_identity') {
    san = san.type === 'email'
      ? { type: 'email', value: 'mallory@evil.example' }
      : { type: 'uri', value: 'https://github.com/evil/repo/.github/workflows/release.yml@refs/heads/main' };
  }
  let exts = p.exts;
  if (lie === 'wrong_issuer') {
    exts = exts.map((e) => (e.oid === FULCIO + '1' ? { oid: e.oid, value: Buffer.from('https://evil.example') }
      : e.oid === FULCIO + '8' ? { oid: e.oid, value: der.utf8('https://evil.example') } : e));
  }
  const gn = san.type === 'email' ? der.implicitPrim(1, Buffer.from(san.value, 'ascii'))
    : der.implicitPrim(6, Buffer.from(san.value, 'ascii'));
  const extensions = [
    pki.keyUsage([0]),
    pki.extKeyUsage([OID.codeSigning]),
    pki.ski(spki),
    pki.aki(ca.intSpki),
    pki.ext(OID.san, true, der.seq(gn)),
    ...exts.map((e) => pki.ext(e.oid, false, e.value)),
  ];
  const alg = pki.sigAlgFor(ca.intKey.privateKey);
  const tbsArgs = {
    serial: pki.randomSerial(), issuer: ca.intName, subject: der.seq(),
    notBefore: new Date(now * 1000), notAfter: new Date((now + CERT_LIFETIME) * 1000), spki, alg,
  };
  const precertTbs = pki.tbsCertificate({ ...tbsArgs, extensions });
  if (lie !== 'no_sct') {
    const sctExt = pki.ext(OID.sctList, false, makeSCT(ctx.ctlog, ca.intSpki, precertTbs, lie === 'bad_sct'));
    extensions.push(sctExt);
  }
  const tbs = pki.tbsCertificate({ ...tbsArgs, extensions });
  const leaf = pki.signCertificate(tbs, alg, ca.intKey.privateKey);
  return [leaf, ca.intermediate, ca.root].map((d) => pki.pem(d, 'CERTIFICATE'));
}

function createFulcio(ctx) {
  function signingCert(req) {
    if (req.method !== 'POST') throw new HttpError(405, 'method not allowed');
    let body;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch (e) {
      throw invalid('request body is not JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('request body must be a JSON object');
    // The token: credentials.oidcIdentityToken, else "Authorization: Bearer".
    // Like Fulcio, only the exact prefix "Bearer " is stripped.
    let token = body.credentials && body.credentials.oidcIdentityToken;
    if (!token && req.headers.authorization && req.lie !== 'body_token_only') {
      const a = req.headers.authorization;
      token = a.startsWith('Bearer ') ? a.slice(7) : a;
    }
    if (!token) throw unauth('no identity token in the request (credentials.oidcIdentityToken or Authorization: Bearer)');
    const { claims, issuer } = authenticate(ctx, token);
    const p = principal(issuer, claims);

    let spki;
    const pkr = body.publicKeyRequest;
    if (pkr) {
      const content = pkr.publicKey && pkr.publicKey.content;
      if (typeof content !== 'string' || !content) throw invalid('publicKeyRequest.publicKey.content is missing');
      let key;
      try {
        key = crypto.createPublicKey(content);
      } catch (e) {
        throw invalid('publicKeyRequest.publicKey.content is not a PEM public key');
      }
      checkKey(key);
      let sig;
      try {
        sig = decodeB64(pkr.proofOfPossession, 'proofOfPossession');
      } catch (e) {
        throw invalid(e.message);
      }
      let ok = false;
      try {
        ok = crypto.verify(pki.defaultHash(key), Buffer.from(p.challenge, 'utf8'), key, sig);
      } catch (e) {
        ok = false;
      }
      if (!ok) throw invalid(`The signature supplied in the request could not be verified: proof of possession must sign "${p.challenge}"`);
      spki = pki.spkiDer(key);
    } else if (body.certificateSigningRequest) {
      let csr;
      try {
        const text = decodeB64(body.certificateSigningRequest, 'certificateSigningRequest').toString('utf8');
        const block = pki.pemDecode(text);
        if (!block || block.label !== 'CERTIFICATE REQUEST') throw new Error('certificateSigningRequest is not base64 of a PEM CERTIFICATE REQUEST');
        csr = pki.parseCSR(block.der);
      } catch (e) {
        throw invalid(`invalid certificate signing request: ${e.message}`);
      }
      checkKey(csr.key);
      spki = csr.spki;
    } else {
      throw invalid('the request has neither publicKeyRequest nor certificateSigningRequest');
    }
    const chain = issueLeaf(ctx, { spki, principal: p, lie: req.lie });
    return { status: 200, body: { signedCertificateEmbeddedSct: { chain: { certificates: chain } } } };
  }

  return async (req) => {
    switch (req.path) {
      case '/api/v2/signingCert':
        return signingCert(req);
      case '/api/v2/trustBundle':
        return {
          status: 200,
          body: { chains: [{ certificates: [ctx.ca.real.intermediate, ctx.ca.real.root].map((d) => pki.pem(d, 'CERTIFICATE')) }] },
        };
      case '/api/v2/configuration':
        return {
          status: 200,
          body: {
            issuers: Object.values(ctx.issuers).map((i) => ({
              issuerUrl: i.url, audience: 'sigstore', challengeClaim: i.type === 'email' ? 'email' : 'sub',
              issuerType: i.type,
            })),
          },
        };
      default:
        throw new HttpError(404, `no such endpoint ${req.path}`);
    }
  };
}

module.exports = { createFulcio, createCA, createCTLog, authenticate };
