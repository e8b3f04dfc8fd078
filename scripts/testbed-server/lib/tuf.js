'use strict';
// A TUF repository shaped like Sigstore's (root-signing), whose targets are
// the testbed's own trusted root and signing configs, made with
// @tufjs/models (the metadata classes of tuf-js, which also produce the
// canonical JSON that is signed):
//
// - consistent snapshots; ECDSA P-256 keys (keytype "ecdsa", scheme
//   "ecdsa-sha2-nistp256", PEM SPKI), key IDs the SHA-256 of the key's
//   canonical JSON; signatures hex DER;
// - root and targets 3 of 5 (the same five keys, as Sigstore's keyholders
//   sign both); snapshot and timestamp 1 of 1 with one online key;
// - one terminating delegation, "registry.npmjs.org", paths
//   "registry.npmjs.org/*", 1 of 1, with one target;
// - a root rotation: 1.root.json is the root a client starts from
//   (DIR/tuf-root.json), 2.root.json swaps one of the five keys and is
//   signed by a threshold of both;
// - the timestamp names the snapshot version only, the snapshot the targets
//   versions only, as Sigstore's do.
//
// The files are written to DIR/tuf (the layout a mirror serves:
// N.root.json, timestamp.json, V.snapshot.json, V.targets.json,
// V.registry.npmjs.org.json, targets/<sha256>.<name>) and served from
// there as they are on disk, so that a test may tamper with them.
// `publish` re-signs: new target contents and/or another timestamp expiry;
// the versions of what changed go up by one.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const {
  Metadata, Root, Timestamp, Snapshot, Targets, MetaFile, TargetFile, Signature,
} = require('@tufjs/models');
const { canonicalize } = require('@tufjs/canonical-json');
const { HttpError } = require('./http');

const DELEGATE = 'registry.npmjs.org';
const DAY = 86400;

const iso = (sec) => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

function makeKey(privateKey) {
  const pem = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  const json = { keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: { public: pem } };
  return { privateKey, keyID: sha256(Buffer.from(canonicalize(json))), json };
}

function signer(k) {
  return (bytes) => new Signature({ keyID: k.keyID, sig: crypto.sign('sha256', bytes, k.privateKey).toString('hex') });
}

function writeAtomic(file, buf) {
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, buf, { mode: 0o644 });
  fs.renameSync(tmp, file);
}

function serialize(md) {
  return Buffer.from(JSON.stringify(md.toJSON(), null, 2) + '\n');
}

// opts: { dir (the testbed directory), keysDir, now, targets: {name: Buffer},
// timestampExpiresIn (seconds, default one day) }.
function createTufRepo(opts) {
  const repo = path.join(opts.dir, 'tuf');
  fs.mkdirSync(path.join(repo, 'targets', DELEGATE), { recursive: true });
  const gen = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const keys = { root: [], online: null, delegate: null };
  for (let i = 0; i < 6; i++) keys.root.push(makeKey(gen()));
  keys.online = makeKey(gen());
  keys.delegate = makeKey(gen());
  const save = (name, k) => fs.writeFileSync(path.join(opts.keysDir, name),
    k.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  keys.root.forEach((k, i) => save(`tuf-root${i + 1}.pem`, k));
  save('tuf-online.pem', keys.online);
  save(`tuf-${DELEGATE}.pem`, keys.delegate);

  const st = {
    repo,
    keys,
    now: opts.now,
    targets: { ...opts.targets },
    delegated: { [`${DELEGATE}/keys.json`]: Buffer.from(JSON.stringify({ keys: [] }) + '\n') },
    versions: { targets: 0, snapshot: 0, timestamp: 0, delegate: 0 },
    timestampExpiresIn: opts.timestampExpiresIn === undefined ? DAY : opts.timestampExpiresIn,
    rootExpires: iso(opts.now + 365 * DAY),
    publishes: 0,
  };

  // Roots 1 and 2: keys 1-5, then 1-4 and 6.
  const rootMd = (version, rk) => {
    const ids = rk.map((k) => k.keyID);
    const online = { keyids: [keys.online.keyID], threshold: 1 };
    return new Metadata(Root.fromJSON({
      _type: 'root',
      spec_version: '1.0.31',
      version,
      expires: st.rootExpires,
      consistent_snapshot: true,
      keys: Object.fromEntries([...rk, keys.online].map((k) => [k.keyID, k.json])),
      roles: {
        root: { keyids: ids, threshold: 3 },
        targets: { keyids: ids, threshold: 3 },
        snapshot: online,
        timestamp: online,
      },
    }));
  };
  const r1keys = keys.root.slice(0, 5);
  const r2keys = [...keys.root.slice(0, 4), keys.root[5]];
  const r1 = rootMd(1, r1keys);
  for (const k of r1keys.slice(0, 3)) r1.sign(signer(k));
  const r2 = rootMd(2, r2keys);
  // a threshold of the old root (keys 1, 2, 3) and of the new (and key 6)
  for (const k of [keys.root[0], keys.root[1], keys.root[2], keys.root[5]]) r2.sign(signer(k));
  st.rootKeys = r2keys;
  writeAtomic(path.join(repo, '1.root.json'), serialize(r1));
  writeAtomic(path.join(repo, '2.root.json'), serialize(r2));
  writeAtomic(path.join(opts.dir, 'tuf-root.json'), serialize(r1));
  publish(st, {});
  return st;
}

function targetFile(repo, name, buf) {
  const hash = sha256(buf);
  const dir = path.join(repo, 'targets', path.dirname(name));
  fs.mkdirSync(dir, { recursive: true });
  writeAtomic(path.join(dir, `${hash}.${path.basename(name)}`), buf);
  return new TargetFile({ path: name, length: buf.length, hashes: { sha256: hash } });
}

// Re-signs the repository.  change: { targets: {name: Buffer} (replaced or
// added), timestampExpiresIn: seconds from now (may be negative) }.
function publish(st, change) {
  const now = Math.floor(Date.now() / 1000);
  const first = st.publishes === 0;
  let targetsChanged = first;
  if (change.targets) {
    for (const [n, b] of Object.entries(change.targets)) {
      if (!st.targets[n] || !st.targets[n].equals(b)) targetsChanged = true;
      st.targets[n] = b;
    }
  }
  if (change.timestampExpiresIn !== undefined) st.timestampExpiresIn = change.timestampExpiresIn;
  const far = iso(now + 365 * DAY);
  if (first) {
    st.versions.delegate = 1;
    const del = new Targets({ version: 1, specVersion: '1.0.31', expires: far });
    for (const [n, b] of Object.entries(st.delegated)) del.addTarget(targetFile(st.repo, n, b));
    const md = new Metadata(del);
    md.sign(signer(st.keys.delegate));
    writeAtomic(path.join(st.repo, `1.${DELEGATE}.json`), serialize(md));
  }
  if (targetsChanged) {
    st.versions.targets++;
    const t = Targets.fromJSON({
      _type: 'targets',
      spec_version: '1.0.31',
      version: st.versions.targets,
      expires: far,
      targets: {},
      delegations: {
        keys: { [st.keys.delegate.keyID]: st.keys.delegate.json },
        roles: [{
          name: DELEGATE, keyids: [st.keys.delegate.keyID], threshold: 1, terminating: true,
          paths: [`${DELEGATE}/*`],
        }],
      },
    });
    for (const [n, b] of Object.entries(st.targets)) t.addTarget(targetFile(st.repo, n, b));
    const md = new Metadata(t);
    for (const k of st.rootKeys.slice(0, 3)) md.sign(signer(k));
    writeAtomic(path.join(st.repo, `${st.versions.targets}.targets.json`), serialize(md));
  }
  if (targetsChanged) {
    st.versions.snapshot++;
    const s = new Snapshot({
      version: st.versions.snapshot,
      specVersion: '1.0.31',
      expires: far,
      meta: {
        'targets.json': new MetaFile({ version: st.versions.targets }),
        [`${DELEGATE}.json`]: new MetaFile({ version: st.versions.delegate }),
      },
    });
    const md = new Metadata(s);
    md.sign(signer(st.keys.online));
    writeAtomic(path.join(st.repo, `${st.versions.snapshot}.snapshot.json`), serialize(md));
  }
  st.versions.timestamp++;
  const ts = new Timestamp({
    version: st.versions.timestamp,
    specVersion: '1.0.31',
    expires: iso(now + st.timestampExpiresIn),
    snapshotMeta: new MetaFile({ version: st.versions.snapshot }),
  });
  const md = new Metadata(ts);
  md.sign(signer(st.keys.online));
  writeAtomic(path.join(st.repo, 'timestamp.json'), serialize(md));
  st.publishes++;
  return { ...st.versions };
}

// GET/HEAD of the files in DIR/tuf, as they are on disk (a static mirror).
function createTufServer(st) {
  const root = path.resolve(st.repo);
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'GET only');
    const rel = decodeURIComponent(req.path).replace(/^\/+/, '');
    if (!/^[A-Za-z0-9._\-/]+$/.test(rel) || rel.split('/').some((c) => c === '' || c === '.' || c === '..')) {
      throw new HttpError(404, 'not found');
    }
    const file = path.join(root, rel);
    let buf;
    try {
      if (!fs.statSync(file).isFile()) throw new Error('not a file');
      buf = fs.readFileSync(file);
    } catch (e) {
      throw new HttpError(404, 'not found');
    }
    return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: buf };
  };
}

module.exports = { createTufRepo, createTufServer, publish, DELEGATE };
