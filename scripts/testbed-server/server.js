#!/usr/bin/env node
'use strict';
// signet's local Sigstore testbed: one process, one 127.0.0.1 listener per
// service (OIDC provider, GitHub Actions and GCE token fakes, Fulcio, Rekor
// v1, Rekor v2, TSA, control API).  Node built-ins only.
//
//   node server.js DIR
//
// Writes DIR/keys/*.pem (0600), DIR/trusted_root.json,
// DIR/signing_config.json, DIR/signing_config_rekor_v2.json, the TUF
// repository DIR/tuf and its first root DIR/tuf-root.json,
// DIR/testbed.json and, last, DIR/env; prints "READY DIR/env".
// Environment: SIGNET_TESTBED_PREFILL (leaves already in each log, default
// 600), SIGNET_TESTBED_REKOR_SHARD_OFFSET (size of the inactive Rekor v1
// shard, default 1000), SIGNET_TESTBED_LIFETIME (seconds before the server
// exits on its own, default 7200, 0 = never),
// SIGNET_TESTBED_TUF_TIMESTAMP_EXPIRES (seconds, default 86400),
// SIGNET_TESTBED_REKOR_V2_SYNTHETIC (make bench: the Rekor v2 log starts
// with this many synthetic entries instead, up to 1,000,000, its levels
// cached in SIGNET_TESTBED_TREE_CACHE, default DIR; lib/bigtree.js).
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { Faults } = require('./lib/faults');
const { listen } = require('./lib/http');
const { makeJwk, randomToken, nowSec } = require('./lib/util');
const pki = require('./lib/pki');
const oidc = require('./lib/oidc');
const fulcio = require('./lib/fulcio');
const { createRekor } = require('./lib/rekor');
const { witnessKey } = require('./lib/tlog');
const { createRekorV2 } = require('./lib/rekor2');
const { createTSA, createTSAKeys } = require('./lib/tsa');
const { createControl, DEFAULT_CONFIG } = require('./lib/control');
const { createTufRepo, createTufServer } = require('./lib/tuf');

const DIR = process.argv[2];
if (!DIR) {
  console.error('usage: node server.js DIR');
  process.exit(2);
}
const envInt = (name, def, max) => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    console.error(`${name} must be an integer 0..${max}`);
    process.exit(2);
  }
  return n;
};
const PREFILL = envInt('SIGNET_TESTBED_PREFILL', 600, 100000);
const SHARD_OFFSET = envInt('SIGNET_TESTBED_REKOR_SHARD_OFFSET', 1000, 100000);
const LIFETIME = envInt('SIGNET_TESTBED_LIFETIME', 7200, 30 * 86400);
const TUF_TIMESTAMP_EXPIRES = envInt('SIGNET_TESTBED_TUF_TIMESTAMP_EXPIRES', 86400, 365 * 86400);
const V2_SYNTHETIC = envInt('SIGNET_TESTBED_REKOR_V2_SYNTHETIC', 0, 1000000);

const iso = (sec) => new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
const b64 = (b) => Buffer.from(b).toString('base64');

function writeSecret(name, key) {
  fs.writeFileSync(path.join(DIR, 'keys', name), key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}

function writeAtomic(file, text, mode = 0o644) {
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}

async function main() {
  fs.mkdirSync(path.join(DIR, 'keys'), { recursive: true, mode: 0o700 });
  fs.chmodSync(path.join(DIR, 'keys'), 0o700);
  const now = nowSec();
  const ctx = {
    faults: new Faults(),
    config: JSON.parse(JSON.stringify(DEFAULT_CONFIG)),
    configOverrides: {},
    urls: {},
    issuers: {},
    keys: {},
    secrets: { ghaRequestToken: randomToken(24) },
    quiet: false,
  };

  // ---- keys
  const rsa = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = (c = 'prime256v1') => crypto.generateKeyPairSync('ec', { namedCurve: c }).privateKey;
  const oidcRsa = rsa();
  const oidcEc = ec();
  const ghaRsa = rsa();
  const gceRsa = rsa();
  ctx.rogueKeys = { RS256: rsa(), ES256: ec() };
  ctx.issuers.oidc = { name: 'oidc', type: 'email', keys: [makeJwk(oidcRsa, 'RS256'), makeJwk(oidcEc, 'ES256')], defaultAlg: 'RS256' };
  ctx.issuers.gha = { name: 'gha', type: 'github-workflow', keys: [makeJwk(ghaRsa, 'RS256')], defaultAlg: 'RS256' };
  ctx.issuers.gce = { name: 'gce', type: 'email', keys: [makeJwk(gceRsa, 'RS256')], defaultAlg: 'RS256' };
  const rekorKey = ec();
  const rekorPub = crypto.createPublicKey(rekorKey);
  const rekorSpki = pki.spkiDer(rekorPub);
  ctx.keys.rekor = { privateKey: rekorKey, publicKey: rekorPub, spki: rekorSpki, logId: pki.sha256(rekorSpki) };
  const r2 = crypto.generateKeyPairSync('ed25519');
  ctx.keys.rekor2 = { privateKey: r2.privateKey, publicKey: r2.publicKey, spki: pki.spkiDer(r2.publicKey) };
  ctx.ca = fulcio.createCA(now);
  ctx.ctlog = fulcio.createCTLog();
  ctx.tsaKeys = createTSAKeys(now);
  ctx.witnesses = ['witness1.testbed.example', 'witness2.testbed.example', 'witness3.testbed.example'].map(witnessKey);
  for (const [n, k] of Object.entries({
    'oidc-rs256.pem': oidcRsa, 'oidc-es256.pem': oidcEc, 'gha-rs256.pem': ghaRsa, 'gce-rs256.pem': gceRsa,
    'rekor.pem': rekorKey, 'rekor2-ed25519.pem': r2.privateKey, 'fulcio-root.pem': ctx.ca.real.rootKey.privateKey,
    'fulcio-intermediate.pem': ctx.ca.real.intKey.privateKey, 'ctlog.pem': ctx.ctlog.privateKey,
    'tsa-root.pem': ctx.tsaKeys.rootKey.privateKey, 'tsa-leaf.pem': ctx.tsaKeys.leafKey.privateKey,
  })) writeSecret(n, k);

  // ---- listeners (handlers are bound once every URL is known)
  const handlers = {};
  const names = ['oidc', 'gha', 'gce', 'fulcio', 'rekor', 'rekor2', 'tsa', 'tuf', 'control'];
  const servers = {};
  const stop = () => {
    for (const s of Object.values(servers)) {
      s.server.close();
      if (s.server.closeAllConnections) s.server.closeAllConnections();
    }
    setTimeout(() => process.exit(0), 100).unref();
  };
  for (const n of names) {
    const exempt = n === 'oidc' ? (p) => p === '/test/token' : () => false;
    servers[n] = await listen(ctx, n === 'control' ? 'control' : n, (req) => handlers[n](req), n === 'control' ? () => true : exempt);
    ctx.urls[n] = servers[n].url;
  }
  ctx.urls.tsa_timestamp = `${ctx.urls.tsa}/api/v1/timestamp`;
  ctx.urls.gha_request = `${ctx.urls.gha}/_apis/distributedtask/hubs/build/plans/testbed/jobs/testbed/idtoken?api-version=2.0`;
  ctx.urls.test_token = `${ctx.urls.oidc}/test/token`;
  for (const i of Object.values(ctx.issuers)) i.url = ctx.urls[i.name];

  handlers.oidc = oidc.createProvider(ctx);
  handlers.gha = oidc.createGitHub(ctx);
  handlers.gce = oidc.createGoogle(ctx);
  handlers.fulcio = fulcio.createFulcio(ctx);
  ctx.rekor = handlers.rekor = createRekor(ctx, PREFILL, SHARD_OFFSET);
  if (V2_SYNTHETIC > 0) {
    const { bigLog } = require('./lib/bigtree');
    ctx.rekor2Log = bigLog(V2_SYNTHETIC, process.env.SIGNET_TESTBED_TREE_CACHE || DIR);
  }
  ctx.rekor2 = handlers.rekor2 = createRekorV2(ctx, PREFILL);
  handlers.tsa = createTSA(ctx);
  handlers.control = createControl(ctx);

  // ---- trust material
  const start = iso(now - 3600);
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: ctx.urls.rekor,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(ctx.keys.rekor.spki), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
        logId: { keyId: b64(ctx.keys.rekor.logId) },
      },
      {
        baseUrl: ctx.urls.rekor2,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(ctx.keys.rekor2.spki), keyDetails: 'PKIX_ED25519', validFor: { start } },
        logId: { keyId: b64(ctx.rekor2.keyId) },
      },
    ],
    certificateAuthorities: [{
      subject: { organization: 'signet-testbed', commonName: 'signet-testbed Fulcio' },
      uri: ctx.urls.fulcio,
      certChain: { certificates: [{ rawBytes: b64(ctx.ca.real.intermediate) }, { rawBytes: b64(ctx.ca.real.root) }] },
      validFor: { start },
    }],
    ctlogs: [{
      baseUrl: `${ctx.urls.fulcio}/ct`,
      hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: b64(ctx.ctlog.spki), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
      logId: { keyId: b64(ctx.ctlog.logId) },
    }],
    timestampAuthorities: [{
      subject: { organization: 'signet-testbed', commonName: 'signet-testbed TSA' },
      uri: ctx.urls.tsa_timestamp,
      certChain: { certificates: [{ rawBytes: b64(ctx.tsaKeys.leaf) }, { rawBytes: b64(ctx.tsaKeys.root) }] },
      validFor: { start },
    }],
  };
  const svc = (url, v) => ({ url, majorApiVersion: v, validFor: { start }, operator: 'signet-testbed' });
  const signingConfig = (rekor) => ({
    mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    caUrls: [svc(ctx.urls.fulcio, 1)],
    oidcUrls: [svc(ctx.urls.oidc, 1)],
    rekorTlogUrls: [rekor],
    rekorTlogConfig: { selector: 'ANY' },
    tsaUrls: [svc(ctx.urls.tsa_timestamp, 1)],
    tsaConfig: { selector: 'ANY' },
  });
  const f = (n) => path.join(DIR, n);
  writeAtomic(f('trusted_root.json'), JSON.stringify(trustedRoot, null, 2) + '\n');
  writeAtomic(f('signing_config.json'), JSON.stringify(signingConfig(svc(ctx.urls.rekor, 1)), null, 2) + '\n');
  writeAtomic(f('signing_config_rekor_v2.json'), JSON.stringify(signingConfig(svc(ctx.urls.rekor2, 2)), null, 2) + '\n');
  // The TUF repository (DIR/tuf, served at SIGNET_TESTBED_TUF_URL) with
  // those three files as its targets, byte for byte.
  ctx.tuf = createTufRepo({
    dir: DIR,
    keysDir: path.join(DIR, 'keys'),
    now,
    targets: {
      'trusted_root.json': fs.readFileSync(f('trusted_root.json')),
      'signing_config.v0.2.json': fs.readFileSync(f('signing_config.json')),
      'signing_config_rekor_v2.v0.2.json': fs.readFileSync(f('signing_config_rekor_v2.json')),
    },
    timestampExpiresIn: TUF_TIMESTAMP_EXPIRES,
  });
  handlers.tuf = createTufServer(ctx.tuf);
  writeAtomic(f('fulcio_chain.pem'), [ctx.ca.real.intermediate, ctx.ca.real.root].map((d) => pki.pem(d, 'CERTIFICATE')).join(''));
  writeAtomic(f('tsa_chain.pem'), [ctx.tsaKeys.leaf, ctx.tsaKeys.root].map((d) => pki.pem(d, 'CERTIFICATE')).join(''));
  writeAtomic(f('rekor.pub'), pki.pem(ctx.keys.rekor.spki, 'PUBLIC KEY'));
  writeAtomic(f('rekor2.pub'), pki.pem(ctx.keys.rekor2.spki, 'PUBLIC KEY'));
  writeAtomic(f('ctlog.pub'), pki.pem(ctx.ctlog.spki, 'PUBLIC KEY'));
  const abs = path.resolve(DIR);
  const vars = {
    SIGNET_TESTBED_DIR: abs,
    SIGNET_TESTBED_PID: String(process.pid),
    SIGNET_TESTBED_OIDC_ISSUER: ctx.urls.oidc,
    SIGNET_TESTBED_OIDC_CLIENT_ID: 'sigstore',
    SIGNET_TESTBED_TOKEN_URL: ctx.urls.test_token,
    SIGNET_TESTBED_FULCIO_URL: ctx.urls.fulcio,
    SIGNET_TESTBED_REKOR_URL: ctx.urls.rekor,
    SIGNET_TESTBED_REKOR_V2_URL: ctx.urls.rekor2,
    SIGNET_TESTBED_TSA_URL: ctx.urls.tsa_timestamp,
    SIGNET_TESTBED_CONTROL_URL: ctx.urls.control,
    SIGNET_TESTBED_GHA_URL: ctx.urls.gha_request,
    SIGNET_TESTBED_GHA_TOKEN: ctx.secrets.ghaRequestToken,
    SIGNET_TESTBED_GHA_ISSUER: ctx.urls.gha,
    SIGNET_TESTBED_GCE_METADATA: ctx.urls.gce,
    SIGNET_TESTBED_GCE_METADATA_HOST: ctx.urls.gce.replace(/^http:\/\//, ''),
    SIGNET_TESTBED_GCE_ISSUER: ctx.urls.gce,
    SIGNET_TESTBED_EMAIL: ctx.config.email,
    SIGNET_TESTBED_TRUSTED_ROOT: path.join(abs, 'trusted_root.json'),
    SIGNET_TESTBED_SIGNING_CONFIG: path.join(abs, 'signing_config.json'),
    SIGNET_TESTBED_SIGNING_CONFIG_V2: path.join(abs, 'signing_config_rekor_v2.json'),
    SIGNET_TESTBED_TUF_URL: ctx.urls.tuf,
    SIGNET_TESTBED_TUF_ROOT: path.join(abs, 'tuf-root.json'),
    SIGNET_TESTBED_TUF_DIR: path.join(abs, 'tuf'),
  };
  writeAtomic(f('testbed.json'), JSON.stringify({ pid: process.pid, urls: ctx.urls, env: vars }, null, 2) + '\n', 0o600);
  const q = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
  const env = Object.entries(vars).map(([k, v]) => `${k}=${q(v)}`).join('\n') + '\n';
  writeAtomic(f('env'), env, 0o600);

  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {});
  if (LIFETIME > 0) {
    setTimeout(() => {
      console.error(`testbed: lifetime of ${LIFETIME} s reached, exiting`);
      stop();
    }, LIFETIME * 1000).unref();
  }
  console.log(`READY ${f('env')}`);
}

main().catch((e) => {
  console.error('testbed: failed to start:', e);
  process.exit(1);
});
