'use strict';
const crypto = require('crypto');

const b64u = (b) => Buffer.from(b).toString('base64url');
const b64 = (b) => Buffer.from(b).toString('base64');
const randomToken = (n = 32) => crypto.randomBytes(n).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);

// RFC 8785 (JCS) for the values the logs sign: objects, arrays, strings,
// integers, booleans, null.  Key order is by UTF-16 code units, which is
// what Array.prototype.sort does; JSON.stringify gives the JCS string and
// number forms.
function canonicalize(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(canonicalize).join(',') + ']';
  const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalize(v[k])).join(',') + '}';
}

// Strict standard base64 (padding optional, URL-safe alphabet accepted as
// protobuf-JSON parsers do).  Throws on anything else.
function decodeB64(s, what) {
  if (typeof s !== 'string') throw new Error(`${what}: expected a base64 string`);
  const t = s.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.replace(/=+$/, '').length % 4 === 1) {
    throw new Error(`${what}: invalid base64`);
  }
  return Buffer.from(t, 'base64');
}

// ---- JWT ----

function jwtSign(claims, { key, kid, alg }) {
  const header = { alg, kid, typ: 'JWT' };
  const input = b64u(JSON.stringify(header)) + '.' + b64u(JSON.stringify(claims));
  let sig;
  if (alg === 'RS256') sig = crypto.sign('sha256', Buffer.from(input), key);
  else if (alg === 'ES256') sig = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  else throw new Error(`unsupported alg ${alg}`);
  return input + '.' + b64u(sig);
}

function jwtDecode(token) {
  if (typeof token !== 'string') throw new Error('token is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('token is not a JWS compact serialization');
  for (const p of parts) if (!/^[A-Za-z0-9_-]*$/.test(p)) throw new Error('token is not base64url');
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch (e) {
    throw new Error('token header or payload is not JSON');
  }
  if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new Error('token header or payload is not a JSON object');
  }
  return { header, claims, input: Buffer.from(parts[0] + '.' + parts[1]), sig: Buffer.from(parts[2], 'base64url') };
}

function jwtVerifySig(dec, key) {
  const { alg } = dec.header;
  if (alg === 'RS256') {
    return key.asymmetricKeyType === 'rsa' && crypto.verify('sha256', dec.input, key, dec.sig);
  }
  if (alg === 'ES256') {
    return key.asymmetricKeyType === 'ec' && dec.sig.length === 64 &&
      crypto.verify('sha256', dec.input, { key, dsaEncoding: 'ieee-p1363' }, dec.sig);
  }
  return false;
}

// A signing key for an issuer: {kid, alg, privateKey, publicKey, jwk}.
function makeJwk(privateKey, alg) {
  const publicKey = crypto.createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = crypto.createHash('sha256').update(JSON.stringify(jwk)).digest('hex').slice(0, 16);
  return { kid, alg, privateKey, publicKey, jwk: { ...jwk, kid, alg, use: 'sig' } };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = {
  b64u, b64, randomToken, nowSec, canonicalize, decodeB64, jwtSign, jwtDecode, jwtVerifySig, makeJwk, sleep,
};
