'use strict';
// Rekor v1: hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2.
const crypto = require('crypto');
const pki = require('./pki');
const { Log, checkpoint, spoilProof } = require('./tlog');
// Loaded when a lie is told (keeps start-up as it was).
const lies = () => require('./audit-lies');
const { HttpError } = require('./http');
const { canonicalize, decodeB64 } = require('./util');

const bad = (msg) => new HttpError(400, msg);
const HASH_LEN = { sha256: 32, sha384: 48, sha512: 64 };

function pae(type, payload) {
  const t = Buffer.from(type, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${t.length} `), t, Buffer.from(` ${payload.length} `), payload]);
}

// A PEM certificate or public key -> KeyObject.
function keyFromPem(pemBytes, what) {
  const block = pki.pemDecode(pemBytes.toString('utf8'));
  if (!block) throw bad(`${what}: not PEM`);
  try {
    if (block.label === 'CERTIFICATE') return new crypto.X509Certificate(block.der).publicKey;
    if (block.label === 'PUBLIC KEY') return crypto.createPublicKey({ key: block.der, format: 'der', type: 'spki' });
  } catch (e) {
    throw bad(`${what}: ${e.message}`);
  }
  throw bad(`${what}: unsupported PEM type ${block.label}`);
}

function verifyMessage(key, data, sig) {
  try {
    return crypto.verify(pki.defaultHash(key), data, key, sig);
  } catch (e) {
    return false;
  }
}

const obj = (v, what) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad(`${what}: expected an object`);
  return v;
};
const str = (v, what) => {
  if (typeof v !== 'string' || v === '') throw bad(`${what}: expected a non-empty string`);
  return v;
};
const b64field = (v, what) => {
  try {
    return decodeB64(str(v, what), what);
  } catch (e) {
    throw bad(e.message);
  }
};
const randomHex = (n = 32) => crypto.randomBytes(n).toString('hex');

function hashedrekord(spec, lie) {
  obj(spec, 'spec');
  const hash = obj(obj(spec.data, 'spec.data').hash, 'spec.data.hash');
  const alg = str(hash.algorithm, 'spec.data.hash.algorithm');
  if (!HASH_LEN[alg]) throw bad('spec.data.hash.algorithm must be sha256, sha384 or sha512');
  const value = str(hash.value, 'spec.data.hash.value');
  if (!/^[0-9a-fA-F]+$/.test(value) || value.length !== 2 * HASH_LEN[alg]) throw bad(`spec.data.hash.value is not a hex ${alg} digest`);
  const sigObj = obj(spec.signature, 'spec.signature');
  const sig = b64field(sigObj.content, 'spec.signature.content');
  const pemBytes = b64field(obj(sigObj.publicKey, 'spec.signature.publicKey').content, 'spec.signature.publicKey.content');
  const key = keyFromPem(pemBytes, 'spec.signature.publicKey.content');
  const d = pki.describeKey(key);
  if (d.type === 'ed25519') throw bad('ed25519 keys cannot sign a hashedrekord digest; use a DSSE or ECDSA key');
  let ok;
  try {
    ok = pki.verifyDigest(key, alg, Buffer.from(value, 'hex'), sig);
  } catch (e) {
    throw bad(e.message);
  }
  if (!ok) throw bad('verifying signature: invalid signature when validating ASN.1 encoded signature');
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: alg, value: lie === 'wrong_body' ? randomHex(HASH_LEN[alg]) : value.toLowerCase() } },
      signature: { content: sig.toString('base64'), publicKey: { content: pemBytes.toString('base64') } },
    },
  };
}

function dsse(spec, lie) {
  const pc = obj(obj(spec, 'spec').proposedContent, 'spec.proposedContent');
  const envText = str(pc.envelope, 'spec.proposedContent.envelope');
  let env;
  try {
    env = JSON.parse(envText);
  } catch (e) {
    throw bad('spec.proposedContent.envelope is not JSON');
  }
  obj(env, 'envelope');
  const type = str(env.payloadType, 'envelope.payloadType');
  const payload = b64field(env.payload, 'envelope.payload');
  if (!Array.isArray(env.signatures) || env.signatures.length === 0) throw bad('envelope.signatures: at least one signature');
  if (!Array.isArray(pc.verifiers) || pc.verifiers.length === 0) throw bad('spec.proposedContent.verifiers: at least one verifier');
  const verifiers = pc.verifiers.map((v, i) => {
    const pemBytes = b64field(v, `verifiers[${i}]`);
    return { pemBytes, key: keyFromPem(pemBytes, `verifiers[${i}]`) };
  });
  const m = pae(type, payload);
  const sigs = env.signatures.map((s, i) => {
    const sig = b64field(obj(s, `envelope.signatures[${i}]`).sig, `envelope.signatures[${i}].sig`);
    const v = verifiers.find((x) => verifyMessage(x.key, m, sig));
    if (!v) throw bad(`envelope.signatures[${i}] could not be verified by any verifier`);
    return { signature: sig.toString('base64'), verifier: v.pemBytes.toString('base64') };
  });
  sigs.sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: pki.sha256(Buffer.from(envText, 'utf8')).toString('hex') },
      payloadHash: { algorithm: 'sha256', value: lie === 'wrong_body' ? randomHex() : pki.sha256(payload).toString('hex') },
      signatures: sigs,
    },
  };
}

// Legacy intoto 0.0.2: payload and signatures base64 twice; the stored
// body keeps the envelope without its payload.
function intoto(spec, lie) {
  const content = obj(obj(spec, 'spec').content, 'spec.content');
  const env = obj(content.envelope, 'spec.content.envelope');
  const type = str(env.payloadType, 'envelope.payloadType');
  const payload = decodeB64(b64field(env.payload, 'envelope.payload').toString('ascii'), 'envelope.payload');
  if (!Array.isArray(env.signatures) || env.signatures.length === 0) throw bad('envelope.signatures: at least one signature');
  const m = pae(type, payload);
  const sigs = env.signatures.map((s, i) => {
    obj(s, `signatures[${i}]`);
    const sig = decodeB64(b64field(s.sig, `signatures[${i}].sig`).toString('ascii'), 'sig');
    const pemBytes = b64field(s.publicKey, `signatures[${i}].publicKey`);
    if (!verifyMessage(keyFromPem(pemBytes, `signatures[${i}].publicKey`), m, sig)) throw bad(`signatures[${i}] does not verify`);
    const out = { publicKey: s.publicKey, sig: s.sig };
    if (s.keyid) out.keyid = s.keyid;
    return out;
  });
  const ph = obj(content.payloadHash, 'spec.content.payloadHash');
  if (ph.algorithm !== 'sha256' || ph.value !== pki.sha256(payload).toString('hex')) throw bad('spec.content.payloadHash does not match the payload');
  const h = obj(content.hash, 'spec.content.hash');
  if (h.algorithm !== 'sha256' || !/^[0-9a-f]{64}$/.test(String(h.value))) throw bad('spec.content.hash must be a sha256 hex digest');
  return {
    apiVersion: '0.0.2',
    kind: 'intoto',
    spec: {
      content: {
        envelope: { payloadType: type, signatures: sigs },
        hash: { algorithm: 'sha256', value: h.value },
        payloadHash: { algorithm: 'sha256', value: lie === 'wrong_body' ? randomHex() : ph.value },
      },
    },
  };
}

function canonicalBody(entry, lie) {
  obj(entry, 'request');
  const kind = entry.kind;
  const v = entry.apiVersion;
  if (kind === 'hashedrekord' && v === '0.0.1') return hashedrekord(entry.spec, lie);
  if (kind === 'dsse' && v === '0.0.1') return dsse(entry.spec, lie);
  if (kind === 'intoto' && v === '0.0.2') return intoto(entry.spec, lie);
  throw bad(`unsupported entry kind/apiVersion ${kind}/${v} (hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2)`);
}

function createRekor(ctx, prefill, shardOffset) {
  const key = ctx.keys.rekor;
  const host = new URL(ctx.urls.rekor).hostname;
  const logIdHex = key.logId.toString('hex');
  const noteKey = { privateKey: key.privateKey, name: host, keyId: key.logId, type: 'ecdsa' };
  const treeId = BigInt('0x' + crypto.randomBytes(8).toString('hex')) & ((1n << 62n) - 1n);
  // An inactive (frozen) shard before this one: global index = offset + tree index.
  const shard = new Log(shardOffset);
  const shardTreeId = treeId ^ 0x1234567n;
  const shardSize = shard.size;
  const shardCheckpoint = checkpoint(`${host} - ${shardTreeId}`, shardSize, shard.tree.root(), noteKey);
  const log = new Log(prefill);
  const origin = `${host} - ${treeId}`;
  const entryId = (uuid) => treeId.toString(16).padStart(16, '0') + uuid;

  function entryView(idx, lie) {
    const body = log.bodies[idx];
    const size = log.size;
    const root = log.tree.root(size);
    let hashes = log.tree.inclusionProof(idx, size);
    if (lie === 'bad_proof' || lie === 'bad_entry_proof') hashes = spoilProof(hashes);
    const logIndex = shardSize + idx;
    const integratedTime = log.times[idx];
    const bodyB64 = body.toString('base64');
    const setPayload = canonicalize({
      body: bodyB64, integratedTime, logID: logIdHex, logIndex: lie === 'bad_set' ? logIndex + 1 : logIndex,
    });
    const set = crypto.sign('sha256', Buffer.from(setPayload), key.privateKey).toString('base64');
    const uuid = pki.sha256(Buffer.from([0]), body).toString('hex');
    return {
      [entryId(uuid)]: {
        body: bodyB64,
        integratedTime,
        logID: logIdHex,
        logIndex,
        verification: {
          inclusionProof: {
            checkpoint: checkpoint(lie === 'wrong_origin' ? `rekor.evil.example - ${treeId}` : origin, size, root, noteKey,
              { tamper: lie === 'bad_checkpoint', witnesses: ctx.witnesses.slice(0, ctx.config.witness_cosignatures) }),
            hashes: hashes.map((h) => h.toString('hex')),
            logIndex: idx,
            rootHash: root.toString('hex'),
            treeSize: size,
          },
          signedEntryTimestamp: set,
        },
      },
    };
  }

  function create(req) {
    let entry;
    try {
      entry = JSON.parse(req.body.toString('utf8'));
    } catch (e) {
      throw bad('request body is not JSON');
    }
    const body = Buffer.from(canonicalize(canonicalBody(entry, req.lie)), 'utf8');
    const existing = log.indexOf(body);
    if (existing >= 0) {
      const uuid = pki.sha256(Buffer.from([0]), body).toString('hex');
      throw new HttpError(409, `an equivalent entry already exists in the transparency log with UUID ${entryId(uuid)}`, {
        headers: { Location: `/api/v1/log/entries/${entryId(uuid)}`, ETag: entryId(uuid) },
      });
    }
    const idx = log.addEntry(body);
    if (req.lie === 'wrong_time') log.times[idx] += 3600; // an hour ahead: after the certificate expired
    const view = entryView(idx, req.lie);
    const id = Object.keys(view)[0];
    return { status: 201, headers: { Location: `/api/v1/log/entries/${id}`, ETag: id }, body: view };
  }

  function byId(id) {
    const s = String(id).toLowerCase();
    let uuid;
    if (/^[0-9a-f]{64}$/.test(s)) uuid = s;
    else if (/^[0-9a-f]{80}$/.test(s)) {
      if (s.slice(0, 16) !== treeId.toString(16).padStart(16, '0')) throw new HttpError(404, 'entry not found in the active shard');
      uuid = s.slice(16);
    } else throw bad('entry ID must be 64 or 80 hex characters');
    const idx = log.byLeaf.get(uuid);
    if (idx === undefined) throw new HttpError(404, 'entry not found');
    return idx;
  }

  function byLogIndex(v) {
    if (!/^\d+$/.test(String(v))) throw bad('logIndex must be a non-negative integer');
    const g = Number(v);
    if (g < shardSize) throw new HttpError(404, 'entry is in an inactive shard not served by the testbed');
    if (g - shardSize >= log.size) throw new HttpError(404, 'entry not found');
    return g - shardSize;
  }

  function logInfo(lie) {
    if (lie === 'keeps_growing') log.filler();
    const size = log.size;
    const cl = lies().checkpointLie(lie, log.tree.root(size), noteKey);
    const root = cl.root;
    const tid = lie === 'new_tree_id' ? treeId + 1n : treeId;
    return {
      rootHash: root.toString('hex'),
      signedTreeHead: checkpoint(`${host} - ${tid}`, size, root, cl.key),
      treeID: tid.toString(),
      treeSize: size,
      inactiveShards: [{
        rootHash: shard.tree.root().toString('hex'), signedTreeHead: shardCheckpoint, treeID: shardTreeId.toString(), treeSize: shardSize,
      }],
    };
  }

  function proof(q) {
    const first = Number(q.get('firstSize') || 1);
    const last = Number(q.get('lastSize'));
    if (q.get('treeID') && q.get('treeID') !== treeId.toString()) throw bad('unknown treeID');
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || first > last || last > log.size) {
      throw bad(`need 1 <= firstSize <= lastSize <= ${log.size}`);
    }
    return { rootHash: log.tree.root(last).toString('hex'), hashes: log.tree.consistencyProof(first, last).map((h) => h.toString('hex')) };
  }

  function retrieve(req) {
    let q;
    try {
      q = JSON.parse(req.body.toString('utf8'));
    } catch (e) {
      throw bad('request body is not JSON');
    }
    const out = [];
    const add = (idx) => idx >= 0 && out.push(entryView(idx));
    for (const u of (q && q.entryUUIDs) || []) {
      try {
        add(byId(u));
      } catch (e) { /* not found: skipped */ }
    }
    for (const i of (q && q.logIndexes) || []) {
      try {
        add(byLogIndex(i));
      } catch (e) { /* skipped */ }
    }
    for (const e of (q && q.entries) || []) {
      try {
        add(log.indexOf(Buffer.from(canonicalize(canonicalBody(e)))));
      } catch (err) { /* skipped */ }
    }
    return { status: 200, body: out };
  }

  const handler = async (req) => {
    const p = req.path;
    if (p === '/api/v1/log/entries' && req.method === 'POST') return create(req);
    if (p === '/api/v1/log/entries' && req.method === 'GET') {
      if (!req.query.has('logIndex')) throw bad('logIndex is required');
      return { status: 200, body: entryView(byLogIndex(req.query.get('logIndex')), req.lie) };
    }
    if (p === '/api/v1/log/entries/retrieve' && req.method === 'POST') return retrieve(req);
    if (p.startsWith('/api/v1/log/entries/') && req.method === 'GET') {
      return { status: 200, body: entryView(byId(p.slice('/api/v1/log/entries/'.length)), req.lie) };
    }
    if (p === '/api/v1/log' && req.method === 'GET') return { status: 200, body: logInfo(req.lie) };
    if (p === '/api/v1/log/proof' && req.method === 'GET') return { status: 200, body: proof(req.query) };
    if (p === '/api/v1/log/publicKey' && req.method === 'GET') {
      return { status: 200, headers: { 'Content-Type': 'application/x-pem-file' }, body: pki.pem(key.spki, 'PUBLIC KEY') };
    }
    throw new HttpError(404, `no such endpoint ${req.method} ${p}`);
  };
  handler.log = log;
  handler.info = () => ({ treeID: treeId.toString(), treeSize: log.size, shardOffset: shardSize });
  return handler;
}

module.exports = { createRekor, pae, keyFromPem };
