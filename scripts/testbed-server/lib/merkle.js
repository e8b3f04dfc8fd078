'use strict';
// RFC 6962 / RFC 9162 Merkle tree over SHA-256 with every level stored, so
// roots, inclusion and consistency proofs at any earlier size cost O(log n).
const crypto = require('crypto');

const H = (...parts) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const ZERO = Buffer.from([0]);
const ONE = Buffer.from([1]);
const leafHash = (data) => H(ZERO, data);
const nodeHash = (l, r) => H(ONE, l, r);

// Largest power of two strictly less than n (n >= 2).
function splitPoint(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

class MerkleTree {
  constructor() {
    this.levels = [[]]; // levels[l][i] = hash of the perfect subtree of 2^l leaves at i*2^l
  }

  get size() {
    return this.levels[0].length;
  }

  appendLeafHash(h) {
    let idx = this.levels[0].length;
    this.levels[0].push(h);
    let l = 0;
    while (idx % 2 === 1) {
      const parent = nodeHash(this.levels[l][idx - 1], this.levels[l][idx]);
      if (!this.levels[l + 1]) this.levels[l + 1] = [];
      this.levels[l + 1].push(parent);
      idx = (idx - 1) / 2;
      l++;
    }
    return this.levels[0].length - 1;
  }

  append(data) {
    return this.appendLeafHash(leafHash(data));
  }

  // MTH(D[start:start+n]) where the subtree lies within the stored leaves.
  mth(start, n) {
    if (n === 0) return H();
    if ((n & (n - 1)) === 0 && start % n === 0) {
      const l = Math.log2(n);
      return this.levels[l][start / n];
    }
    const k = splitPoint(n);
    return nodeHash(this.mth(start, k), this.mth(start + k, n - k));
  }

  root(n = this.size) {
    if (n > this.size) throw new Error('tree size beyond the log');
    return this.mth(0, n);
  }

  // Audit path for leaf m in the tree of size n, leaf to root.
  inclusionProof(m, n = this.size) {
    if (m >= n || n > this.size) throw new Error('index out of range');
    const path = [];
    const rec = (idx, start, size) => {
      if (size <= 1) return;
      const k = splitPoint(size);
      if (idx < k) {
        rec(idx, start, k);
        path.push(this.mth(start + k, size - k));
      } else {
        rec(idx - k, start + k, size - k);
        path.push(this.mth(start, k));
      }
    };
    rec(m, 0, n);
    return path;
  }

  // RFC 6962 §2.1.2 consistency proof between sizes m <= n.
  consistencyProof(m, n = this.size) {
    if (m > n || n > this.size) throw new Error('sizes out of range');
    if (m === 0 || m === n) return [];
    const proof = [];
    const sub = (mm, start, size, b) => {
      if (mm === size) {
        if (!b) proof.push(this.mth(start, size));
        return;
      }
      const k = splitPoint(size);
      if (mm <= k) {
        sub(mm, start, k, b);
        proof.push(this.mth(start + k, size - k));
      } else {
        sub(mm - k, start + k, size - k, false);
        proof.push(this.mth(start, k));
      }
    };
    sub(m, 0, n, true);
    return proof;
  }
}

// RFC 9162 §2.1.3.2, for self-checks.
function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

module.exports = { MerkleTree, leafHash, nodeHash, verifyInclusion };
