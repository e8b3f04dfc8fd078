'use strict';
// Keys, signatures over pre-computed digests, X.509 certificate building,
// PKCS#10 parsing.  Node's crypto signs and verifies messages; Rekor's
// hashedrekord needs verification over a digest the client supplies, so
// ECDSA verification over a digest is done here with BigInt arithmetic
// (public data only: constant time does not matter).
const crypto = require('crypto');
const der = require('./der');

const sha256 = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

function pem(derBytes, label) {
  const b64 = Buffer.from(derBytes).toString('base64').match(/.{1,64}/g).join('\n');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

// Returns {label, der} of the first PEM block, or null.
function pemDecode(text) {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----/.exec(text);
  if (!m) return null;
  return { label: m[1], der: Buffer.from(m[2].replace(/[\r\n]/g, ''), 'base64') };
}

const spkiDer = (key) => key.export({ type: 'spki', format: 'der' });

// ---------------------------------------------------------------------------
// ECDSA verification over a digest (FIPS 186-4 §6.4), curves P-256/384/521.

const CURVES = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  },
  'P-521': {
    p: (1n << 521n) - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
  },
};

const mod = (a, m) => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

function modInv(a, m) {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return mod(s0, m);
}

// Jacobian coordinates, a = -3.
function jDouble(P, p) {
  const [X, Y, Z] = P;
  if (Y === 0n || Z === 0n) return [0n, 1n, 0n];
  const ZZ = (Z * Z) % p;
  const YY = (Y * Y) % p;
  const M = mod(3n * (X - ZZ) * (X + ZZ), p);
  const S = (4n * X * YY) % p;
  const X3 = mod(M * M - 2n * S, p);
  const Y3 = mod(M * (S - X3) - 8n * YY * YY, p);
  const Z3 = (2n * Y * Z) % p;
  return [X3, Y3, Z3];
}

function jAdd(P, Q, p) {
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const Z1Z1 = (P[2] * P[2]) % p;
  const Z2Z2 = (Q[2] * Q[2]) % p;
  const U1 = (P[0] * Z2Z2) % p;
  const U2 = (Q[0] * Z1Z1) % p;
  const S1 = (P[1] * Q[2] * Z2Z2) % p;
  const S2 = (Q[1] * P[2] * Z1Z1) % p;
  if (U1 === U2) return S1 === S2 ? jDouble(P, p) : [0n, 1n, 0n];
  const H = mod(U2 - U1, p);
  const R = mod(S2 - S1, p);
  const HH = (H * H) % p;
  const HHH = (H * HH) % p;
  const V = (U1 * HH) % p;
  const X3 = mod(R * R - HHH - 2n * V, p);
  const Y3 = mod(R * (V - X3) - S1 * HHH, p);
  const Z3 = (P[2] * Q[2] * H) % p;
  return [X3, Y3, Z3];
}

// u1*G + u2*Q (Shamir's trick).
function mulAdd(G, u1, Q, u2, p) {
  const GQ = jAdd(G, Q, p);
  let R = [0n, 1n, 0n];
  const bits = Math.max(u1.toString(2).length, u2.toString(2).length);
  for (let i = bits - 1; i >= 0; i--) {
    R = jDouble(R, p);
    const b1 = (u1 >> BigInt(i)) & 1n;
    const b2 = (u2 >> BigInt(i)) & 1n;
    if (b1 && b2) R = jAdd(R, GQ, p);
    else if (b1) R = jAdd(R, G, p);
    else if (b2) R = jAdd(R, Q, p);
  }
  return R;
}

const b64uToBig = (s) => BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));

// DER Ecdsa-Sig-Value -> {r, s}
function parseEcdsaSig(sig) {
  const top = der.parseExact(sig);
  if (top.tag !== 0x30) throw new Error('bad ECDSA signature');
  const kids = der.children(top);
  if (kids.length !== 2) throw new Error('bad ECDSA signature');
  return { r: der.readInt(kids[0]), s: der.readInt(kids[1]) };
}

function ecdsaVerifyDigest(key, digest, sig) {
  const jwk = key.export({ format: 'jwk' });
  const c = CURVES[jwk.crv];
  if (!c) throw new Error(`unsupported curve ${jwk.crv}`);
  let rs;
  try {
    rs = parseEcdsaSig(sig);
  } catch (e) {
    return false;
  }
  const { r, s } = rs;
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const nBits = c.n.toString(2).length;
  let e = BigInt('0x' + (Buffer.from(digest).toString('hex') || '0'));
  const dBits = digest.length * 8;
  if (dBits > nBits) e >>= BigInt(dBits - nBits);
  const w = modInv(s, c.n);
  const u1 = (e * w) % c.n;
  const u2 = (r * w) % c.n;
  const Q = [b64uToBig(jwk.x), b64uToBig(jwk.y), 1n];
  const R = mulAdd([c.gx, c.gy, 1n], u1, Q, u2, c.p);
  if (R[2] === 0n) return false;
  const zi = modInv(R[2], c.p);
  const x = (R[0] * zi * zi) % c.p;
  return x % c.n === r;
}

const DIGEST_INFO_PREFIX = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

function rsaVerifyDigest(key, hashName, digest, sig) {
  try {
    const out = crypto.publicDecrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
    return out.equals(Buffer.concat([DIGEST_INFO_PREFIX[hashName], digest]));
  } catch (e) {
    return false;
  }
}

// The hash a key signs with by default (Fulcio's proof of possession rule).
function defaultHash(key) {
  if (key.asymmetricKeyType === 'ec') {
    return { 'P-256': 'sha256', 'P-384': 'sha384', 'P-521': 'sha512' }[key.export({ format: 'jwk' }).crv];
  }
  if (key.asymmetricKeyType === 'rsa') return 'sha256';
  return null; // ed25519: pure
}

// Describes a public key: {type:'ec'|'rsa'|'ed25519', curve, bits}.
function describeKey(key) {
  const t = key.asymmetricKeyType;
  if (t === 'ec') return { type: 'ec', curve: key.export({ format: 'jwk' }).crv };
  if (t === 'rsa') return { type: 'rsa', bits: key.asymmetricKeyDetails.modulusLength };
  if (t === 'ed25519') return { type: 'ed25519' };
  return { type: t };
}

// Verifies `sig` by `key` over a digest computed with `hashName`.
function verifyDigest(key, hashName, digest, sig) {
  const d = describeKey(key);
  if (d.type === 'ec') return ecdsaVerifyDigest(key, digest, sig);
  if (d.type === 'rsa') return rsaVerifyDigest(key, hashName, digest, sig);
  throw new Error(`${d.type} keys cannot verify a pre-computed digest`);
}

// ---------------------------------------------------------------------------
// X.509

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  rsaSha256: '1.2.840.113549.1.1.11',
  rsaSha384: '1.2.840.113549.1.1.12',
  rsaSha512: '1.2.840.113549.1.1.13',
  ed25519: '1.3.101.112',
  cn: '2.5.4.3',
  o: '2.5.4.10',
  ski: '2.5.29.14',
  ku: '2.5.29.15',
  san: '2.5.29.17',
  bc: '2.5.29.19',
  aki: '2.5.29.35',
  eku: '2.5.29.37',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  sctList: '1.3.6.1.4.1.11129.2.4.2',
  ctPoison: '1.3.6.1.4.1.11129.2.4.3',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};

// Signature algorithm (OID, hash) a CA key signs with.
function sigAlgFor(key) {
  const d = describeKey(key);
  if (d.type === 'ec') {
    const h = defaultHash(key);
    return { oid: { sha256: OID.ecdsaSha256, sha384: OID.ecdsaSha384, sha512: OID.ecdsaSha512 }[h], hash: h };
  }
  if (d.type === 'rsa') return { oid: OID.rsaSha256, hash: 'sha256', params: true };
  if (d.type === 'ed25519') return { oid: OID.ed25519, hash: null };
  throw new Error('unsupported CA key');
}

const algId = (alg) => (alg.params ? der.seq(der.oid(alg.oid), der.nul()) : der.seq(der.oid(alg.oid)));

function name(o, cn) {
  const rdns = [];
  if (o) rdns.push(der.set(der.seq(der.oid(OID.o), der.utf8(o))));
  if (cn) rdns.push(der.set(der.seq(der.oid(OID.cn), der.utf8(cn))));
  return der.seq(...rdns);
}

const ext = (oidStr, critical, value) =>
  critical ? der.seq(der.oid(oidStr), der.bool(true), der.octet(value)) : der.seq(der.oid(oidStr), der.octet(value));

// SubjectKeyIdentifier: SHA-1 of the subjectPublicKey BIT STRING contents.
function keyId(spki) {
  const kids = der.children(der.parseExact(spki));
  return crypto.createHash('sha1').update(kids[1].content.subarray(1)).digest();
}

const ski = (spki) => ext(OID.ski, false, der.octet(keyId(spki)));
const aki = (issuerSpki) => ext(OID.aki, false, der.seq(der.implicitPrim(0, keyId(issuerSpki))));
const basicConstraints = (ca, pathLen) =>
  ext(OID.bc, true, ca ? der.seq(der.bool(true), ...(pathLen === undefined ? [] : [der.int(pathLen)])) : der.seq());
// KeyUsage bits: 0 digitalSignature, 5 keyCertSign, 6 cRLSign.
function keyUsage(bits) {
  let v = 0;
  for (const b of bits) v |= 0x80 >> b;
  let unused = 0;
  while (unused < 7 && !(v & (1 << unused))) unused++;
  return ext(OID.ku, true, der.bitstr(Buffer.from([v]), unused));
}
const extKeyUsage = (oids, critical = false) => ext(OID.eku, critical, der.seq(...oids.map((o) => der.oid(o))));

function randomSerial() {
  const b = crypto.randomBytes(20);
  b[0] &= 0x7f;
  b[0] |= 0x01;
  return b;
}

function tbsCertificate({ serial, issuer, subject, notBefore, notAfter, spki, extensions, alg }) {
  return der.seq(
    der.explicit(0, der.int(2)),
    der.int(serial),
    algId(alg),
    issuer,
    der.seq(der.x509Time(notBefore), der.x509Time(notAfter)),
    subject,
    spki,
    der.explicit(3, der.seq(...extensions)),
  );
}

function signCertificate(tbs, alg, signKey) {
  const sig = crypto.sign(alg.hash, tbs, signKey);
  return der.seq(tbs, algId(alg), der.bitstr(sig));
}

// A self-signed CA or a CA-signed certificate.
function makeCert({ subject, issuer, spki, issuerSpki, signKey, notBefore, notAfter, extensions, serial }) {
  const alg = sigAlgFor(signKey);
  const tbs = tbsCertificate({
    serial: serial || randomSerial(), issuer, subject, notBefore, notAfter, spki, extensions, alg,
  });
  return { der: signCertificate(tbs, alg, signKey), tbs, issuerSpki };
}

// PKCS#10: returns {spki, key} after checking the self-signature.
function parseCSR(derBytes) {
  const top = der.parseExact(derBytes);
  const [cri, algNode, sigNode] = der.children(top);
  if (!cri || !algNode || !sigNode || cri.tag !== 0x30 || sigNode.tag !== 0x03) throw new Error('malformed CSR');
  const criKids = der.children(cri);
  if (criKids.length < 3) throw new Error('malformed CSR');
  const spki = Buffer.from(criKids[2].raw);
  const key = crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const algOid = der.readOID(der.children(algNode)[0]);
  const hash = {
    [OID.ecdsaSha256]: 'sha256', [OID.ecdsaSha384]: 'sha384', [OID.ecdsaSha512]: 'sha512',
    [OID.rsaSha256]: 'sha256', [OID.rsaSha384]: 'sha384', [OID.rsaSha512]: 'sha512', [OID.ed25519]: null,
  }[algOid];
  if (hash === undefined) throw new Error(`unsupported CSR signature algorithm ${algOid}`);
  const sig = sigNode.content.subarray(1);
  if (!crypto.verify(hash, cri.raw, key, sig)) throw new Error('CSR signature does not verify');
  return { spki, key };
}

module.exports = {
  sha256, pem, pemDecode, spkiDer, CURVES, mulAdd, modInv, ecdsaVerifyDigest, rsaVerifyDigest, verifyDigest,
  defaultHash, describeKey, OID, sigAlgFor, algId, name, ext, keyId, ski, aki, basicConstraints,
  keyUsage, extKeyUsage, randomSerial, tbsCertificate, signCertificate, makeCert, parseCSR,
};
