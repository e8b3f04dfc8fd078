'use strict';
// RFC 3161 time-stamp authority: DER TimeStampReq (application/timestamp-
// query) or the Sigstore TSA's JSON form -> DER TimeStampResp.
const crypto = require('crypto');
const der = require('./der');
const pki = require('./pki');
const { HttpError } = require('./http');
const { decodeB64 } = require('./util');

const { OID } = pki;
const POLICY = '1.3.6.1.4.1.57264.2';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TSTINFO = '1.2.840.113549.1.9.16.1.4';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';
const HASHES = { [OID.sha256]: ['sha256', 32], [OID.sha384]: ['sha384', 48], [OID.sha512]: ['sha512', 64] };
const HASH_OIDS = { sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 };

const bad = (msg) => new HttpError(400, msg);

function createTSAKeys(now) {
  const rootKey = crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const leafKey = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rootSpki = pki.spkiDer(rootKey.publicKey);
  const leafSpki = pki.spkiDer(leafKey.publicKey);
  const rootName = pki.name('signet-testbed', 'signet-testbed TSA root');
  const leafName = pki.name('signet-testbed', 'signet-testbed TSA');
  const nb = new Date((now - 86400) * 1000);
  const na = new Date((now + 5 * 365 * 86400) * 1000);
  const root = pki.makeCert({
    subject: rootName, issuer: rootName, spki: rootSpki, signKey: rootKey.privateKey, notBefore: nb, notAfter: na,
    extensions: [pki.keyUsage([5, 6]), pki.basicConstraints(true, 0), pki.ski(rootSpki)],
  });
  const serial = pki.randomSerial();
  const leaf = pki.makeCert({
    subject: leafName, issuer: rootName, spki: leafSpki, signKey: rootKey.privateKey, notBefore: nb, notAfter: na, serial,
    extensions: [pki.keyUsage([0]), pki.extKeyUsage([OID.timeStamping], true), pki.basicConstraints(false),
      pki.ski(leafSpki), pki.aki(rootSpki)],
  });
  return { rootKey, leafKey, rootName, leafSerial: serial, root: root.der, leaf: leaf.der };
}

// -> {imprint (raw MessageImprint DER), hashName, digest, nonce (raw INTEGER DER or null), certReq}
function parseDERRequest(buf) {
  let top;
  try {
    top = der.parseExact(buf);
    if (top.tag !== 0x30) throw new Error('not a SEQUENCE');
    const kids = der.children(top);
    if (kids.length < 2) throw new Error('too few fields');
    if (der.readInt(kids[0]) !== 1n) throw new Error('version must be 1');
    const mi = kids[1];
    if (mi.tag !== 0x30) throw new Error('messageImprint is not a SEQUENCE');
    const [algNode, hashNode] = der.children(mi);
    const algOid = der.readOID(der.children(algNode)[0]);
    const h = HASHES[algOid];
    if (!h) throw new Error(`unsupported hash algorithm ${algOid}`);
    if (hashNode.tag !== 0x04 || hashNode.content.length !== h[1]) throw new Error('hashedMessage has the wrong length');
    const out = { imprint: Buffer.from(mi.raw), hashName: h[0], digest: Buffer.from(hashNode.content), nonce: null, certReq: false };
    for (const k of kids.slice(2)) {
      if (k.tag === 0x06) {
        const pol = der.readOID(k);
        if (pol !== POLICY) throw new Error(`unsupported policy ${pol}`);
      } else if (k.tag === 0x02) {
        der.readInt(k);
        out.nonce = Buffer.from(k.raw);
      } else if (k.tag === 0x01) {
        out.certReq = k.content.length === 1 && k.content[0] !== 0;
      } else if (k.tag === 0xa0) {
        throw new Error('request extensions are not supported');
      } else {
        throw new Error(`unexpected field tag 0x${k.tag.toString(16)}`);
      }
    }
    return out;
  } catch (e) {
    throw bad(`invalid TimeStampReq: ${e.message}`);
  }
}

function parseJSONRequest(buf) {
  let j;
  try {
    j = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw bad('request body is not JSON');
  }
  if (!j || typeof j !== 'object') throw bad('request body must be a JSON object');
  const hashName = String(j.hashAlgorithm || 'sha256').toLowerCase().replace('-', '');
  if (!HASH_OIDS[hashName]) throw bad(`unsupported hashAlgorithm ${j.hashAlgorithm}`);
  let digest;
  try {
    digest = decodeB64(j.artifactHash, 'artifactHash');
  } catch (e) {
    throw bad(e.message);
  }
  if (digest.length !== HASHES[HASH_OIDS[hashName]][1]) throw bad('artifactHash has the wrong length');
  if (j.tsaPolicyOID && j.tsaPolicyOID !== POLICY) throw bad(`unsupported policy ${j.tsaPolicyOID}`);
  const imprint = der.seq(der.seq(der.oid(HASH_OIDS[hashName]), der.nul()), der.octet(digest));
  let nonce = null;
  if (j.nonce !== undefined && j.nonce !== null) {
    if (!Number.isSafeInteger(j.nonce) || j.nonce < 0) throw bad('nonce must be a non-negative integer');
    nonce = der.int(j.nonce);
  }
  return { imprint, hashName, digest, nonce, certReq: j.certificates === true };
}

function timestampResponse(keys, req, lie) {
  if (lie === 'rejection') {
    return der.seq(der.seq(der.int(2), der.seq(der.utf8('request rejected (injected fault)')), der.bitstr(Buffer.from([0x20]), 5)));
  }
  let { imprint, nonce } = req;
  if (lie === 'wrong_imprint') {
    imprint = der.seq(der.seq(der.oid(HASH_OIDS[req.hashName]), der.nul()), der.octet(crypto.randomBytes(req.digest.length)));
  }
  if (lie === 'wrong_nonce') {
    nonce = nonce ? der.int(der.readInt(der.parseExact(nonce)) + 1n) : der.int(BigInt('0x' + crypto.randomBytes(8).toString('hex')));
  }
  // wrong_time: an hour ahead, when the 10-minute signing certificate has expired.
  const now = new Date(Date.now() + (lie === 'wrong_time' ? 3600000 : 0));
  const serial = BigInt('0x' + crypto.randomBytes(16).toString('hex'));
  const tstInfo = der.seq(
    der.int(1),
    der.oid(POLICY),
    imprint,
    der.int(serial),
    der.genTime(now), // whole seconds: sigstore-js accepts only 0 or 3 fraction digits
    der.seq(der.int(1)), // accuracy: 1 s
    ...(nonce ? [nonce] : []),
  );
  const certHash = pki.sha256(keys.leaf);
  const attrs = [
    der.seq(der.oid(OID_CONTENT_TYPE), der.set(der.oid(OID_TSTINFO))),
    der.seq(der.oid(OID_SIGNING_TIME), der.set(der.utcTime(now))),
    der.seq(der.oid(OID_MESSAGE_DIGEST), der.set(der.octet(pki.sha256(tstInfo)))),
    der.seq(der.oid(OID_SIGNING_CERT_V2), der.set(der.seq(der.seq(der.seq(der.octet(certHash)))))),
  ];
  const signedAttrsSet = der.setOf(attrs);
  const toSign = lie === 'bad_signature' ? Buffer.concat([signedAttrsSet, Buffer.from([0])]) : signedAttrsSet;
  const sig = crypto.sign('sha256', toSign, keys.leafKey.privateKey);
  const signerInfo = der.seq(
    der.int(1),
    der.seq(keys.rootName, der.int(keys.leafSerial)),
    der.seq(der.oid(OID.sha256)),
    der.tlv(0xa0, der.parseExact(signedAttrsSet).content),
    der.seq(der.oid(OID.ecdsaSha256)),
    der.octet(sig),
  );
  const signedData = der.seq(
    der.int(3),
    der.set(der.seq(der.oid(OID.sha256))),
    der.seq(der.oid(OID_TSTINFO), der.explicit(0, der.octet(tstInfo))),
    ...(req.certReq ? [der.implicitCons(0, keys.leaf)] : []),
    der.set(signerInfo),
  );
  const token = der.seq(der.oid(OID_SIGNED_DATA), der.explicit(0, signedData));
  return der.seq(der.seq(der.int(0)), token);
}

function createTSA(ctx) {
  const keys = ctx.tsaKeys;
  return async (req) => {
    if (req.path === '/api/v1/timestamp/certchain' && req.method === 'GET') {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/pem-certificate-chain' },
        body: pki.pem(keys.leaf, 'CERTIFICATE') + pki.pem(keys.root, 'CERTIFICATE'),
      };
    }
    if (req.path !== '/api/v1/timestamp') throw new HttpError(404, `no such endpoint ${req.path}`);
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    const ct = String(req.headers['content-type'] || '');
    let parsed;
    if (ct.startsWith('application/timestamp-query')) parsed = parseDERRequest(req.body);
    else if (ct.startsWith('application/json')) parsed = parseJSONRequest(req.body);
    else throw bad('Content-Type must be application/timestamp-query or application/json');
    return {
      status: 201,
      headers: { 'Content-Type': 'application/timestamp-reply' },
      body: timestampResponse(keys, parsed, req.lie),
    };
  };
}

module.exports = { createTSA, createTSAKeys };
