#!/usr/bin/env node
'use strict';
// Fetches TUF targets with tuf-js (the TUF client sigstore-js uses), for
// cross-checks against signet's own client:
//
//   node tuf-fetch.js --url URL --root ROOT.json --cache DIR --out DIR NAME...
//
// Starts from ROOT.json (copied into DIR/metadata/root.json when that is
// absent), refreshes the metadata from URL (root chain, timestamp,
// snapshot, targets), then downloads each target NAME, verified against
// its hashes and length, into OUT/NAME; prints "NAME SHA256 LENGTH" per
// target and the versions it trusts.  Exit 0 done, 1 a check failed, 2
// usage.
const fs = require('fs');
const path = require('path');
const { Updater } = require('tuf-js');

function usage(msg) {
  if (msg) console.error(`tuf-fetch: ${msg}`);
  console.error('usage: node tuf-fetch.js --url URL --root ROOT.json --cache DIR --out DIR NAME...');
  process.exit(2);
}

const opts = {};
const names = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (['--url', '--root', '--cache', '--out'].includes(a)) {
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    opts[a.slice(2)] = argv[++i];
  } else if (a.startsWith('--')) {
    usage(`unknown option ${a}`);
  } else {
    names.push(a);
  }
}
if (!opts.url || !opts.root || !opts.cache || !opts.out || names.length === 0) usage();
// The testbed is on loopback: no proxy.
process.env.NO_PROXY = '127.0.0.1,localhost';
process.env.no_proxy = process.env.NO_PROXY;

async function main() {
  const metadataDir = path.join(opts.cache, 'metadata');
  const targetDir = path.join(opts.cache, 'targets');
  fs.mkdirSync(metadataDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  fs.mkdirSync(opts.out, { recursive: true });
  if (!fs.existsSync(path.join(metadataDir, 'root.json'))) {
    fs.copyFileSync(opts.root, path.join(metadataDir, 'root.json'));
  }
  const base = opts.url.replace(/\/+$/, '');
  const updater = new Updater({
    metadataBaseUrl: base,
    targetBaseUrl: `${base}/targets`,
    metadataDir,
    targetDir,
  });
  await updater.refresh();
  for (const n of names) {
    const info = await updater.getTargetInfo(n);
    if (!info) throw new Error(`${n}: no such target`);
    const out = path.join(opts.out, path.basename(n));
    await updater.downloadTarget(info, out);
    console.log(`${n} ${info.hashes.sha256} ${info.length}`);
  }
  const trusted = updater.trustedSet;
  if (trusted) {
    console.log(`root ${trusted.root.signed.version} timestamp ${trusted.timestamp.signed.version} ` +
      `snapshot ${trusted.snapshot.signed.version} targets ${trusted.targets.signed.version}`);
  }
}

main().catch((e) => {
  console.error(`tuf-fetch: ${e.name}: ${e.message}`);
  process.exit(1);
});
