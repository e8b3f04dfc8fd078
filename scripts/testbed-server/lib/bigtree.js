'use strict';
// A Rekor v2 log of up to 1,000,000 entries for make bench, fast and small:
// the first n entries are synthetic fillers whose bodies are made from
// their index when asked for (never stored), and the tree's levels over
// them live in one flat Buffer (32 bytes a node) instead of one Buffer
// object a node.  The levels are computed once and cached in
// CACHE/rekor2-synthetic-<n>.bin; a later start with the same n reads
// them back (a file of another length is rebuilt).  Entries logged after
// start-up are appended as usual, after the synthetic ones.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { leafHash } = require('./merkle');
const { Log } = require('./tlog');

const HL = 32;

// The body of synthetic entry i: a filler, distinct for each i.
function syntheticBody(i) {
  const nonce = i.toString(16).padStart(32, '0');
  return Buffer.from(`{"apiVersion":"0.0.0","kind":"testbed-filler","spec":{"nonce":"${nonce}"}}`);
}

// Number of nodes on each level of a tree of n leaves (complete subtrees).
function levelSizes(n) {
  const s = [n];
  while (s[s.length - 1] > 1) s.push(Math.floor(s[s.length - 1] / 2));
  return s;
}

function build(n) {
  const sizes = levelSizes(n);
  const total = sizes.reduce((a, b) => a + b, 0);
  const flat = Buffer.allocUnsafe(total * HL);
  let off = 0;
  for (let i = 0; i < n; i++, off += HL) leafHash(syntheticBody(i)).copy(flat, off);
  let prev = 0;
  for (let l = 1; l < sizes.length; l++) {
    for (let j = 0; j < sizes[l]; j++, off += HL) {
      const h = crypto.createHash('sha256');
      h.update(Buffer.from([1]));
      h.update(flat.subarray(prev + 2 * j * HL, prev + (2 * j + 2) * HL));
      h.digest().copy(flat, off);
    }
    prev += sizes[l - 1] * HL;
  }
  return flat;
}

// An array-like level: the first `base` nodes from flat, the rest pushed.
function level(flat, start, base) {
  const extra = [];
  const at = (i) => (i < base ? flat.subarray(start + i * HL, start + (i + 1) * HL) : extra[i - base]);
  const methods = {
    push: (h) => extra.push(h),
    slice: (a, b) => {
      const out = [];
      for (let i = a; i < Math.min(b, base + extra.length); i++) out.push(at(i));
      return out;
    },
  };
  return new Proxy(extra, {
    get(t, p) {
      if (typeof p === 'string' && /^[0-9]+$/.test(p)) return at(Number(p));
      if (p === 'length') return base + extra.length;
      if (p in methods) return methods[p];
      return undefined;
    },
  });
}

// bodies (or times): synthetic below n, pushed above.
function tail(n, synth) {
  const extra = [];
  return new Proxy(extra, {
    get(t, p) {
      if (typeof p === 'string' && /^[0-9]+$/.test(p)) {
        const i = Number(p);
        return i < n ? synth(i) : extra[i - n];
      }
      if (p === 'length') return n + extra.length;
      if (p === 'push') return (v) => extra.push(v);
      return undefined;
    },
    set(t, p, v) {
      if (typeof p === 'string' && /^[0-9]+$/.test(p) && Number(p) >= n) {
        extra[Number(p) - n] = v;
        return true;
      }
      return false;
    },
  });
}

// A Log whose first n entries are synthetic; cacheDir holds the levels.
function bigLog(n, cacheDir) {
  const file = path.join(cacheDir, `rekor2-synthetic-${n}.bin`);
  const sizes = levelSizes(n);
  const bytes = sizes.reduce((a, b) => a + b, 0) * HL;
  let flat = null;
  try {
    flat = fs.readFileSync(file);
    if (flat.length !== bytes) flat = null;
  } catch (e) {
    flat = null;
  }
  if (flat === null) {
    flat = build(n);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, flat);
    fs.renameSync(tmp, file);
  }
  const log = new Log(0);
  let start = 0;
  log.tree.levels = sizes.map((s) => {
    const lv = level(flat, start, s);
    start += s * HL;
    return lv;
  });
  const t = Math.floor(Date.now() / 1000);
  log.bodies = tail(n, syntheticBody);
  log.times = tail(n, () => t);
  return log;
}

// The fewest tiles (level, index) from which a client can hash the roots
// of sizes m and n and the consistency proof between them: every hash is
// split into perfect subtrees, and the subtree of height h at j lies in
// tile (h >> 3, (j << (h & 7)) >> 8) (levels below h within a tile are
// rehashed from it).
function minTiles(m, n) {
  const { MerkleTree } = require('./merkle');
  const tiles = new Set();
  const split = (k) => {
    let p = 1;
    while (p * 2 < k) p *= 2;
    return p;
  };
  const cover = (start, size) => {
    if ((size & (size - 1)) === 0 && start % size === 0) {
      const h = Math.log2(size);
      const j = start / size;
      tiles.add(`${h >> 3}/${Math.floor((j * 2 ** (h & 7)) / 256)}`);
      return;
    }
    const k = split(size);
    cover(start, k);
    cover(start + k, size - k);
  };
  cover(0, m);
  cover(0, n);
  // the proof's hashes, as MerkleTree.consistencyProof walks them
  const t = new MerkleTree();
  t.mth = (start, size) => {
    cover(start, size);
    return Buffer.alloc(32);
  };
  t.levels = [{ length: n }];
  t.consistencyProof(m, n);
  return tiles.size;
}

module.exports = { bigLog, syntheticBody, minTiles };

// node bigtree.js build N DIR | min-tiles M N  (scripts/bench.sh)
if (require.main === module) {
  const [cmd, a, b] = process.argv.slice(2);
  if (cmd === 'build') bigLog(Number(a), b);
  else if (cmd === 'min-tiles') console.log(minTiles(Number(a), Number(b)));
  else {
    console.error('usage: node bigtree.js build N DIR | min-tiles M N');
    process.exit(2);
  }
}
