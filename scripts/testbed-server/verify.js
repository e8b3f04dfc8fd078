#!/usr/bin/env node
'use strict';
// Offline verification of a Sigstore bundle with @sigstore/verify against a
// trusted_root.json (no TUF, no network).
//
//   node verify.js --trusted-root TR --bundle B
//                  (--certificate-identity ID | --certificate-identity-regexp RE)
//                  --certificate-oidc-issuer ISS
//   node verify.js --trusted-root TR --bundle B --key PUB.pem   (a managed key)
//                  [--tlog-threshold N] [--ctlog-threshold N] [--timestamp-threshold N]
//                  [--json] [FILE]
//
// FILE is required for message signatures; for DSSE bundles it is optional
// (when given, its SHA-256 must be an in-toto subject digest).
// Exit 0 verified, 1 verification failed, 2 usage or unreadable input.
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { toTrustMaterial, toSignedEntity, Verifier } = require('@sigstore/verify');

function usage(msg) {
  if (msg) console.error(`verify.js: ${msg}`);
  console.error('usage: node verify.js --trusted-root TR --bundle B (--certificate-identity ID | --certificate-identity-regexp RE)\n' +
    '       --certificate-oidc-issuer ISS [--tlog-threshold N] [--ctlog-threshold N] [--timestamp-threshold N] [--json] [FILE]');
  process.exit(2);
}

const o = { tlog: 1, ctlog: 1, ts: 1 };
const vals = {
  '--trusted-root': 'root', '--bundle': 'bundle', '--certificate-identity': 'identity',
  '--certificate-identity-regexp': 'identityRe', '--certificate-oidc-issuer': 'issuer',
  '--tlog-threshold': 'tlog', '--ctlog-threshold': 'ctlog', '--timestamp-threshold': 'ts',
  '--key': 'key',
};
const rest = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (vals[a]) {
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    o[vals[a]] = argv[++i];
  } else if (a === '--json') o.json = true;
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else rest.push(a);
}
if (!o.root || !o.bundle) usage('--trusted-root and --bundle are required');
if (!o.key && !o.identity && !o.identityRe) usage('--certificate-identity or --certificate-identity-regexp (or --key) is required');
if (!o.key && !o.issuer) usage('--certificate-oidc-issuer is required');
if (rest.length > 1) usage('at most one FILE');
for (const k of ['tlog', 'ctlog', 'ts']) {
  o[k] = Number(o[k]);
  if (!Number.isInteger(o[k]) || o[k] < 0) usage('thresholds are non-negative integers');
}

let bundleJSON;
let rootJSON;
let data;
try {
  bundleJSON = JSON.parse(fs.readFileSync(o.bundle, 'utf8'));
  rootJSON = JSON.parse(fs.readFileSync(o.root, 'utf8'));
  if (rest[0]) data = fs.readFileSync(rest[0]);
  if (o.key) o.keyPem = fs.readFileSync(o.key, 'utf8');
} catch (e) {
  console.error(`verify.js: ${e.message}`);
  process.exit(2);
}

function fail(e) {
  const msg = `${e.code ? e.code + ': ' : ''}${e.message}${e.cause && e.cause.message ? ` (${e.cause.message})` : ''}`;
  if (o.json) console.log(JSON.stringify({ verified: false, error: msg }));
  console.error(`verify.js: verification failed: ${msg}`);
  process.exit(1);
}

try {
  const bundle = bundleFromJSON(bundleJSON);
  // A managed key answers to any hint: the bundle must be signed by it.
  const keyFinder = o.keyPem === undefined ? undefined : () => ({
    publicKey: crypto.createPublicKey(o.keyPem), validFor: () => true });
  const trust = toTrustMaterial(TrustedRoot.fromJSON(rootJSON), keyFinder);
  const isDSSE = bundle.content.$case === 'dsseEnvelope';
  if (!isDSSE && !data) usage('FILE is required for a message-signature bundle');
  const verifier = new Verifier(trust, { tlogThreshold: o.tlog, ctlogThreshold: o.ctlog, timestampThreshold: o.ts });
  if (o.keyPem !== undefined) {
    verifier.verify(toSignedEntity(bundle, isDSSE ? undefined : data));
    const out = { verified: true, key: o.key, mediaType: bundleJSON.mediaType };
    console.log(o.json ? JSON.stringify(out) : `verified: signed by ${o.key}`);
    process.exit(0);
  }
  const policy = { extensions: { issuer: o.issuer } };
  if (o.identity !== undefined) policy.subjectAlternativeName = o.identity;
  const signer = verifier.verify(toSignedEntity(bundle, isDSSE ? undefined : data), policy);
  const id = signer.identity || {};
  const san = id.subjectAlternativeName;
  const iss = id.extensions && id.extensions.issuer;
  if (o.identity !== undefined && san !== o.identity) {
    fail({ code: 'UNTRUSTED_SIGNER_ERROR', message: `certificate identity mismatch: expected ${o.identity}, got ${san}` });
  }
  if (o.identityRe !== undefined && !new RegExp(`^(?:${o.identityRe})$`).test(san || '')) {
    fail({ code: 'UNTRUSTED_SIGNER_ERROR', message: `certificate identity ${san} does not match /${o.identityRe}/` });
  }
  if (iss !== o.issuer) fail({ code: 'UNTRUSTED_SIGNER_ERROR', message: `certificate issuer mismatch: expected ${o.issuer}, got ${iss}` });
  if (isDSSE && data) {
    const digest = crypto.createHash('sha256').update(data).digest('hex');
    let stmt;
    try {
      stmt = JSON.parse(bundle.content.dsseEnvelope.payload.toString('utf8'));
    } catch (e) {
      fail({ code: 'DSSE_PAYLOAD', message: 'DSSE payload is not JSON' });
    }
    const subjects = (stmt && Array.isArray(stmt.subject)) ? stmt.subject : [];
    if (!subjects.some((s) => s && s.digest && s.digest.sha256 === digest)) {
      fail({ code: 'SUBJECT_MISMATCH', message: `no in-toto subject has sha256 ${digest}` });
    }
  }
  const out = { verified: true, identity: san, issuer: iss, mediaType: bundleJSON.mediaType };
  console.log(o.json ? JSON.stringify(out) : `verified: ${san} (${iss})`);
} catch (e) {
  fail(e);
}
