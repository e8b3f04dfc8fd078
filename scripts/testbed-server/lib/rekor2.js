'use strict';
// Rekor v2 (rekor-tiles): POST /api/v2/log/entries with
// hashedRekordRequestV002, hashedrekord 0.0.2 bodies, Ed25519 checkpoints,
// C2SP tlog-tiles read API.
const crypto = require('crypto');
const pki = require('./pki');
const { Log, checkpoint, spoilProof, ed25519KeyId } = require('./tlog');
// Loaded when a lie is told (keeps start-up as it was).
const lies = () => require('./audit-lies');
const { HttpError } = require('./http');
const { canonicalize, decodeB64 } = require('./util');

const invalid = (msg) => new HttpError(400, msg);

// keyDetails -> the key it requires and the digest it implies.
const KEY_DETAILS = {
  PKIX_ECDSA_P256_SHA_256: { type: 'ec', curve: 'P-256', hash: 'sha256', alg: 'SHA2_256' },
  PKIX_ECDSA_P384_SHA_384: { type: 'ec', curve: 'P-384', hash: 'sha384', alg: 'SHA2_384' },
  PKIX_ECDSA_P521_SHA_512: { type: 'ec', curve: 'P-521', hash: 'sha512', alg: 'SHA2_512' },
  PKIX_RSA_PKCS1V15_2048_SHA256: { type: 'rsa', bits: 2048, hash: 'sha256', alg: 'SHA2_256' },
  PKIX_RSA_PKCS1V15_3072_SHA256: { type: 'rsa', bits: 3072, hash: 'sha256', alg: 'SHA2_256' },
  PKIX_RSA_PKCS1V15_4096_SHA256: { type: 'rsa', bits: 4096, hash: 'sha256', alg: 'SHA2_256' },
};
const ENUM_NUMBERS = {
  5: 'PKIX_ECDSA_P256_SHA_256', 12: 'PKIX_ECDSA_P384_SHA_384', 13: 'PKIX_ECDSA_P521_SHA_512',
  9: 'PKIX_RSA_PKCS1V15_2048_SHA256', 10: 'PKIX_RSA_PKCS1V15_3072_SHA256', 11: 'PKIX_RSA_PKCS1V15_4096_SHA256',
  7: 'PKIX_ED25519', 8: 'PKIX_ED25519_PH', 0: 'PUBLIC_KEY_DETAILS_UNSPECIFIED',
};
const HASH_LEN = { sha256: 32, sha384: 48, sha512: 64 };

// protojson-style strict object reading: each field by its JSON name or its
// proto name, unknown fields rejected, a field given twice rejected.
function fields(v, where, names) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalid(`proto: ${where}: expected a JSON object`);
  const out = {};
  for (const [k, val] of Object.entries(v)) {
    const canon = Object.keys(names).find((n) => n === k || names[n] === k);
    if (!canon) throw invalid(`proto: (line 1:1): unknown field "${k}"`);
    if (canon in out) throw invalid(`proto: duplicate field "${k}"`);
    out[canon] = val;
  }
  return out;
}

function bytes(v, what) {
  if (v === undefined || v === null) return Buffer.alloc(0);
  try {
    return decodeB64(v, what);
  } catch (e) {
    throw invalid(`proto: invalid value for bytes field ${what}`);
  }
}

function parseRequest(text) {
  let j;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw invalid('proto: syntax error: request body is not JSON');
  }
  const root = fields(j, 'CreateEntryRequest', {
    hashedRekordRequestV002: 'hashed_rekord_request_v002', dsseRequestV002: 'dsse_request_v002',
  });
  if (root.dsseRequestV002 !== undefined) {
    throw invalid('proto: (line 1:2): unknown field "dsseRequestV002" (rekor-tiles logs DSSE envelopes as hashedrekord over the PAE digest)');
  }
  if (root.hashedRekordRequestV002 === undefined || root.hashedRekordRequestV002 === null) {
    throw invalid('missing hashedRekordRequestV002');
  }
  const hr = fields(root.hashedRekordRequestV002, 'hashedRekordRequestV002', { digest: 'digest', signature: 'signature' });
  const sig = fields(hr.signature || {}, 'signature', { content: 'content', verifier: 'verifier' });
  const ver = fields(sig.verifier || {}, 'verifier', { publicKey: 'public_key', x509Certificate: 'x509_certificate', keyDetails: 'key_details' });
  let keyDetails = ver.keyDetails;
  if (typeof keyDetails === 'number') keyDetails = ENUM_NUMBERS[keyDetails];
  if (keyDetails !== undefined && typeof keyDetails !== 'string') throw invalid('proto: invalid value for enum field keyDetails');
  const out = { digest: bytes(hr.digest, 'digest'), content: bytes(sig.content, 'signature.content'), keyDetails };
  if (ver.publicKey !== undefined && ver.x509Certificate !== undefined) throw invalid('proto: oneof verifier is already set');
  if (ver.publicKey !== undefined) {
    out.verifierKind = 'publicKey';
    out.raw = bytes(fields(ver.publicKey, 'publicKey', { rawBytes: 'raw_bytes' }).rawBytes, 'publicKey.rawBytes');
  } else if (ver.x509Certificate !== undefined) {
    out.verifierKind = 'x509Certificate';
    out.raw = bytes(fields(ver.x509Certificate, 'x509Certificate', { rawBytes: 'raw_bytes' }).rawBytes, 'x509Certificate.rawBytes');
  }
  return out;
}

function validate(r) {
  if (r.digest.length === 0) throw invalid('invalid hashedrekord request: missing digest');
  if (r.content.length === 0) throw invalid('invalid hashedrekord request: missing signature');
  if (!r.verifierKind || r.raw.length === 0) throw invalid('invalid hashedrekord request: missing verifier');
  if (!r.keyDetails || r.keyDetails === 'PUBLIC_KEY_DETAILS_UNSPECIFIED') throw invalid('invalid hashedrekord request: missing key details');
  if (r.keyDetails === 'PKIX_ED25519') throw invalid('invalid hashedrekord request: unsupported key algorithm PKIX_ED25519: ed25519 signatures cannot be verified against a digest, use PKIX_ED25519_PH');
  const kd = KEY_DETAILS[r.keyDetails];
  if (!kd) throw invalid(`invalid hashedrekord request: unsupported key details ${r.keyDetails}`);
  let key;
  try {
    key = r.verifierKind === 'x509Certificate'
      ? new crypto.X509Certificate(r.raw).publicKey
      : crypto.createPublicKey({ key: r.raw, format: 'der', type: 'spki' });
  } catch (e) {
    throw invalid(`invalid hashedrekord request: parsing ${r.verifierKind}: ${e.message}`);
  }
  const d = pki.describeKey(key);
  if (d.type !== kd.type || (kd.curve && d.curve !== kd.curve) || (kd.bits && d.bits !== kd.bits)) {
    throw invalid(`invalid hashedrekord request: key does not match key details ${r.keyDetails}`);
  }
  if (r.digest.length !== HASH_LEN[kd.hash]) throw invalid(`invalid hashedrekord request: digest length ${r.digest.length} does not match ${kd.alg}`);
  if (!pki.verifyDigest(key, kd.hash, r.digest, r.content)) throw invalid('invalid hashedrekord request: verifying signature: invalid signature');
  return kd;
}

function createRekorV2(ctx, prefill) {
  const key = ctx.keys.rekor2;
  const host = new URL(ctx.urls.rekor2).hostname;
  const keyId = ed25519KeyId(host, key.publicKey);
  const noteKey = { privateKey: key.privateKey, name: host, keyId, type: 'ed25519' };
  const log = ctx.rekor2Log || new Log(prefill); // lib/bigtree.js for make bench

  function entryView(idx, lie) {
    const size = log.size;
    const root = log.tree.root(size);
    let hashes = log.tree.inclusionProof(idx, size);
    if (lie === 'bad_proof') hashes = spoilProof(hashes);
    return {
      logIndex: String(idx),
      logId: { keyId: keyId.toString('base64') },
      kindVersion: { kind: 'hashedrekord', version: '0.0.2' },
      integratedTime: '0',
      inclusionPromise: null,
      inclusionProof: {
        logIndex: String(idx),
        rootHash: root.toString('base64'),
        treeSize: String(size),
        hashes: hashes.map((h) => h.toString('base64')),
        checkpoint: {
          envelope: checkpoint(lie === 'wrong_origin' ? 'rekor.evil.example' : host, size, root, noteKey,
            { tamper: lie === 'bad_checkpoint', witnesses: ctx.witnesses.slice(0, ctx.config.witness_cosignatures) }),
        },
      },
      canonicalizedBody: log.bodies[idx].toString('base64'),
    };
  }

  function create(req) {
    const ct = String(req.headers['content-type'] || '');
    if (!ct.startsWith('application/json')) throw invalid('Content-Type must be application/json');
    const r = parseRequest(req.body.toString('utf8'));
    const kd = validate(r);
    const digest = req.lie === 'wrong_body' ? crypto.randomBytes(r.digest.length) : r.digest;
    const entry = {
      apiVersion: '0.0.2',
      kind: 'hashedrekord',
      spec: {
        hashedRekordV002: {
          data: { algorithm: kd.alg, digest: digest.toString('base64') },
          signature: {
            content: r.content.toString('base64'),
            verifier: { keyDetails: r.keyDetails, [r.verifierKind]: { rawBytes: r.raw.toString('base64') } },
          },
        },
      },
    };
    const body = Buffer.from(canonicalize(entry), 'utf8');
    const existing = log.indexOf(body);
    if (existing >= 0) {
      throw new HttpError(409, `an equivalent entry already exists in the transparency log at index ${existing}`, {
        headers: { 'X-Log-Index': String(existing) },
      });
    }
    const idx = log.addEntry(body);
    return { status: 201, body: entryView(idx, req.lie) };
  }

  // C2SP tlog-tiles: /api/v2/tile/<L>/<N>[.p/<W>], /api/v2/tile/entries/<N>[.p/<W>]
  function tile(rest, lie) {
    const m = /^(entries|\d+)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d+))?$/.exec(rest);
    if (!m) throw new HttpError(404, 'bad tile path');
    const n = Number(m[2].replace(/x/g, '').replace(/\//g, ''));
    const w = m[3] === undefined ? 256 : Number(m[3]);
    if (w < 1 || w > 256) throw new HttpError(404, 'bad tile width');
    const start = n * 256;
    if (m[1] === 'entries') {
      if (start + w > log.size) throw new HttpError(404, 'tile not found');
      const parts = [];
      for (let i = start; i < start + w; i++) {
        const b = log.bodies[i];
        parts.push(Buffer.from([(b.length >> 8) & 0xff, b.length & 0xff]), b);
      }
      return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.concat(parts) };
    }
    const level = Number(m[1]) * 8;
    const hashes = log.tree.levels[level] || [];
    if (start + w > hashes.length) throw new HttpError(404, 'tile not found');
    const body = Buffer.concat(hashes.slice(start, start + w));
    return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: lie === 'bad_tile' ? lies().spoilTile(body) : body };
  }

  const handler = async (req) => {
    const p = req.path;
    if (p === '/api/v2/log/entries') {
      if (req.method !== 'POST') throw new HttpError(405, 'Method Not Allowed');
      return create(req);
    }
    // The read API at the prefix (as rekor-tiles serves it) and under /api/v2.
    if ((p === '/api/v2/checkpoint' || p === '/checkpoint') && req.method === 'GET') {
      if (req.lie === 'keeps_growing') log.filler();
      const size = log.size;
      const cl = lies().checkpointLie(req.lie, log.tree.root(size), noteKey);
      return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: checkpoint(host, size, cl.root, cl.key, { witnesses: ctx.witnesses.slice(0, ctx.config.witness_cosignatures) }) };
    }
    if (p.startsWith('/api/v2/tile/') && req.method === 'GET') return tile(p.slice('/api/v2/tile/'.length), req.lie);
    if (p.startsWith('/tile/') && req.method === 'GET') return tile(p.slice('/tile/'.length), req.lie);
    throw new HttpError(404, `no such endpoint ${req.method} ${p}`);
  };
  handler.log = log;
  handler.keyId = keyId;
  handler.info = () => ({ treeSize: log.size });
  return handler;
}

module.exports = { createRekorV2 };
