'use strict';
// Lies for auditors (signet tlog): answers to read requests that are
// well-formed and signed, but false.
//   fork         a checkpoint of the current size over another root, signed
//                by the log's key: a history rewritten after some size
//   rogue_key    the checkpoint signed by another key under the log's name
//                and key hint
//   new_tree_id  (Rekor v1) the active shard under another tree ID, the
//                old one not listed among the inactive shards
//   bad_entry_proof, bad_tile  one hash of an inclusion proof / a tile
//                flipped
//   keeps_growing  the log takes one more entry (another client's, integrated
//                now) before it answers: a retired log still accepting
//                entries, its checkpoint true and validly signed
const crypto = require('crypto');

const rogue = new Map();

// A key of the same type, name and key hint as noteKey, unknown to clients.
function rogueKey(noteKey) {
  if (!rogue.has(noteKey)) {
    const k = noteKey.type === 'ed25519'
      ? crypto.generateKeyPairSync('ed25519')
      : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    rogue.set(noteKey, { ...noteKey, privateKey: k.privateKey });
  }
  return rogue.get(noteKey);
}

// The root a forked log would show at the same size.
function forkedRoot(root) {
  return crypto.createHash('sha256').update('fork').update(root).digest();
}

// The checkpoint arguments (root, key) after the lie, if any.
function checkpointLie(lie, root, noteKey) {
  if (lie === 'fork') return { root: forkedRoot(root), key: noteKey };
  if (lie === 'rogue_key') return { root, key: rogueKey(noteKey) };
  return { root, key: noteKey };
}

// Flips one bit of hash i (of 32 bytes each) in a tile.
function spoilTile(buf) {
  const b = Buffer.from(buf);
  const i = Math.floor(b.length / 64) * 32;
  b[i] ^= 0x01;
  return b;
}

module.exports = { checkpointLie, spoilTile };
