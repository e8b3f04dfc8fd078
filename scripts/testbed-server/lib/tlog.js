'use strict';
// The parts Rekor v1 and v2 share: a Merkle log of entry bodies that other
// (simulated) clients also write to, and C2SP signed-note checkpoints.
const crypto = require('crypto');
const { MerkleTree, leafHash } = require('./merkle');
const pki = require('./pki');

const MIN_PROOF = 8; // every returned inclusion proof has at least 8 hashes
const MAX_FILLERS = 300;

// Number of hashes in the audit path of leaf m in a tree of size n.
function pathLength(m, n) {
  let len = 0;
  let start = 0;
  let size = n;
  while (size > 1) {
    let k = 1;
    while (k * 2 < size) k *= 2;
    if (m - start < k) size = k;
    else {
      start += k;
      size -= k;
    }
    len++;
  }
  return len;
}

class Log {
  constructor(prefill) {
    this.tree = new MerkleTree();
    this.bodies = [];
    this.times = [];
    this.byLeaf = new Map(); // hex leaf hash -> index
    for (let i = 0; i < prefill; i++) this.filler();
  }

  get size() {
    return this.tree.size;
  }

  // An entry of some other client of the log.
  filler() {
    const body = Buffer.from(JSON.stringify({ apiVersion: '0.0.0', kind: 'testbed-filler', spec: { nonce: crypto.randomBytes(16).toString('hex') } }));
    return this.add(body);
  }

  add(body) {
    const lh = leafHash(body);
    const idx = this.tree.appendLeafHash(lh);
    this.bodies.push(body);
    this.times.push(Math.floor(Date.now() / 1000));
    this.byLeaf.set(lh.toString('hex'), idx);
    return idx;
  }

  indexOf(body) {
    const i = this.byLeaf.get(leafHash(body).toString('hex'));
    return i === undefined ? -1 : i;
  }

  // Appends a client's entry, then lets other clients' entries land after
  // it until its audit path has MIN_PROOF hashes (a busy log).
  addEntry(body) {
    const idx = this.add(body);
    for (let i = 0; i < MAX_FILLERS && pathLength(idx, this.size) < MIN_PROOF; i++) this.filler();
    return idx;
  }
}

// C2SP signed note.  `key` = {privateKey, name, keyId(4+ bytes), type}.
function signNote(text, key, tamper = false) {
  const signed = tamper ? text.replace(/\n(\d+)\n/, (m, n) => `\n${BigInt(n) + 1n}\n`) : text;
  let sig;
  if (key.type === 'ed25519') sig = crypto.sign(null, Buffer.from(signed, 'utf8'), key.privateKey);
  else sig = crypto.sign('sha256', Buffer.from(signed, 'utf8'), key.privateKey);
  const line = `\u2014 ${key.name} ${Buffer.concat([key.keyId.subarray(0, 4), sig]).toString('base64')}\n`;
  return `${text}\n${line}`;
}

// Witness cosignature lines (C2SP tlog-cosignature, type 0x04) after the
// log's own line, as production Rekor v2 checkpoints may carry.
function cosign(text, w) {
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000)));
  const msg = Buffer.concat([Buffer.from(`cosignature/v1\ntime ${ts.readBigUInt64BE()}\n`), Buffer.from(text, 'utf8')]);
  const sig = crypto.sign(null, msg, w.privateKey);
  return `\u2014 ${w.name} ${Buffer.concat([w.keyId.subarray(0, 4), ts, sig]).toString('base64')}\n`;
}

function witnessKey(name) {
  const k = crypto.generateKeyPairSync('ed25519');
  const raw = pki.spkiDer(k.publicKey).subarray(-32);
  return { name, privateKey: k.privateKey, keyId: pki.sha256(Buffer.from(name + '\n'), Buffer.from([0x04]), raw) };
}

// opts: {tamper: sign other text, witnesses: [witnessKey]}
function checkpoint(origin, size, root, key, opts = {}) {
  const text = `${origin}\n${size}\n${root.toString('base64')}\n`;
  let note = signNote(text, key, opts.tamper);
  for (const w of opts.witnesses || []) note += cosign(text, w);
  return note;
}

// Flips one bit of one audit-path hash.
function spoilProof(hashes) {
  const h = hashes.map((x) => Buffer.from(x));
  const i = Math.floor(h.length / 2);
  h[i][0] ^= 0x01;
  return h;
}

// The C2SP Ed25519 key ID: H(name || 0x0A || 0x01 || raw key).
function ed25519KeyId(name, publicKey) {
  const raw = pki.spkiDer(publicKey).subarray(-32);
  return pki.sha256(Buffer.from(name + '\n', 'utf8'), Buffer.from([0x01]), raw);
}

module.exports = { Log, signNote, checkpoint, witnessKey, spoilProof, ed25519KeyId, pathLength, MIN_PROOF };
