#!/usr/bin/env node
'use strict';
// Signs a file (message signature) or a DSSE statement with sigstore-js
// against the testbed (or any Sigstore deployment): Fulcio, Rekor v1 or v2,
// and a TSA.  Writes a Sigstore bundle.
//
//   node sign.js --signing-config SC.json (--token-file F | --token JWT)
//                [--dsse [--payload-type T]] [--intoto] [--no-tlog] [--no-tsa]
//                [--retries N] [--timeout MS] [--out BUNDLE] FILE
//   node sign.js --fulcio URL [--rekor URL --rekor-version 1|2] [--tsa URL] ...
//
// The token may also come from $SIGSTORE_ID_TOKEN.  With --signing-config
// the first CA, the Rekor with the highest majorApiVersion and the first TSA
// are used.  DSSE with Rekor v2 is logged as hashedrekord 0.0.2 over the
// SHA-256 of the PAE, as current rekor-tiles requires.  Output defaults to
// FILE.sigstore.json.  Exit 0 on success, 1 on a signing failure, 2 on usage.
const fs = require('fs');
const crypto = require('crypto');
const sign = require('@sigstore/sign');
const { bundleToJSON } = require('@sigstore/bundle');
const { TransparencyLogEntry } = require('@sigstore/protobuf-specs');

function usage(msg) {
  if (msg) console.error(`sign.js: ${msg}`);
  console.error('usage: node sign.js (--signing-config SC | --fulcio URL [--rekor URL --rekor-version N] [--tsa URL])\n' +
    '       (--token-file F | --token JWT) [--dsse [--payload-type T]] [--intoto] [--no-tlog] [--no-tsa]\n' +
    '       [--retries N] [--timeout MS] [--out BUNDLE] FILE');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { payloadType: 'application/vnd.in-toto+json', retries: 0, timeout: 20000, rekorVersion: 1 };
  const flags = { '--dsse': 'dsse', '--intoto': 'intoto', '--no-tlog': 'noTlog', '--no-tsa': 'noTsa' };
  const vals = {
    '--signing-config': 'signingConfig', '--fulcio': 'fulcio', '--rekor': 'rekor', '--rekor-version': 'rekorVersion',
    '--tsa': 'tsa', '--token-file': 'tokenFile', '--token': 'token', '--payload-type': 'payloadType',
    '--retries': 'retries', '--timeout': 'timeout', '--out': 'out',
  };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (flags[a]) o[flags[a]] = true;
    else if (vals[a]) {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      o[vals[a]] = argv[++i];
    } else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 1) usage('exactly one FILE');
  o.file = rest[0];
  for (const k of ['retries', 'timeout', 'rekorVersion']) {
    o[k] = Number(o[k]);
    if (!Number.isInteger(o[k]) || o[k] < 0) usage(`--${k} must be a non-negative integer`);
  }
  return o;
}

function fromSigningConfig(o) {
  const sc = JSON.parse(fs.readFileSync(o.signingConfig, 'utf8'));
  if (sc.mediaType !== 'application/vnd.dev.sigstore.signingconfig.v0.2+json') usage('signing config must be v0.2');
  if (!o.fulcio) o.fulcio = (sc.caUrls || [])[0] && sc.caUrls[0].url;
  if (!o.rekor) {
    const logs = (sc.rekorTlogUrls || []).filter((s) => [1, 2].includes(s.majorApiVersion));
    logs.sort((a, b) => b.majorApiVersion - a.majorApiVersion);
    if (logs[0]) {
      o.rekor = logs[0].url;
      o.rekorVersion = logs[0].majorApiVersion;
    }
  }
  if (!o.tsa) o.tsa = (sc.tsaUrls || [])[0] && sc.tsaUrls[0].url;
}

// Rekor v2 witness for DSSE envelopes: hashedrekord over SHA-256(PAE).
class RekorV2DSSEWitness {
  constructor({ rekorBaseURL, timeout }) {
    this.url = `${rekorBaseURL}/api/v2/log/entries`;
    this.timeout = timeout;
  }

  async testify(content, publicKey) {
    const env = content.dsseEnvelope;
    const type = Buffer.from(env.payloadType, 'utf8');
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${env.payload.length} `), env.payload]);
    const certDer = Buffer.from(publicKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const request = {
      hashedRekordRequestV002: {
        digest: crypto.createHash('sha256').update(pae).digest('base64'),
        signature: {
          content: Buffer.from(env.signatures[0].sig).toString('base64'),
          verifier: { x509Certificate: { rawBytes: certDer.toString('base64') }, keyDetails: 'PKIX_ECDSA_P256_SHA_256' },
        },
      },
    };
    const r = await fetch(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(this.timeout),
    });
    const text = await r.text();
    if (r.status !== 201 && r.status !== 200) throw new Error(`Rekor v2: HTTP ${r.status}: ${text.slice(0, 300)}`);
    return { tlogEntries: [TransparencyLogEntry.fromJSON(JSON.parse(text))] };
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.signingConfig) fromSigningConfig(o);
  if (!o.fulcio) usage('no Fulcio URL (--fulcio or --signing-config)');
  let token = o.token;
  if (!token && o.tokenFile) token = fs.readFileSync(o.tokenFile, 'utf8').trim();
  if (!token) token = process.env.SIGSTORE_ID_TOKEN;
  if (!token) usage('no identity token (--token-file, --token or $SIGSTORE_ID_TOKEN)');
  const data = fs.readFileSync(o.file);
  const retry = { retries: o.retries, minTimeout: 200, maxTimeout: 1000 };
  const signer = new sign.FulcioSigner({
    fulcioBaseURL: o.fulcio, identityProvider: { getToken: async () => token }, retry, timeout: o.timeout,
  });
  const witnesses = [];
  if (!o.noTlog && o.rekor) {
    if (o.rekorVersion === 2 && o.dsse) {
      witnesses.push(new RekorV2DSSEWitness({ rekorBaseURL: o.rekor, timeout: o.timeout }));
    } else {
      witnesses.push(new sign.RekorWitness({
        rekorBaseURL: o.rekor, majorApiVersion: o.rekorVersion, entryType: o.intoto ? 'intoto' : 'dsse',
        fetchOnConflict: true, retry, timeout: o.timeout,
      }));
    }
  }
  if (!o.noTsa && o.tsa) witnesses.push(new sign.TSAWitness({ tsaBaseURL: o.tsa, retry, timeout: o.timeout }));
  const builder = o.dsse
    ? new sign.DSSEBundleBuilder({ signer, witnesses })
    : new sign.MessageSignatureBundleBuilder({ signer, witnesses });
  const bundle = await builder.create(o.dsse ? { data, type: o.payloadType } : { data });
  const out = o.out || `${o.file}.sigstore.json`;
  fs.writeFileSync(out, JSON.stringify(bundleToJSON(bundle), null, 2) + '\n');
  console.log(`signed ${o.file} -> ${out} (${bundle.mediaType}; Rekor v${o.noTlog || !o.rekor ? '-' : o.rekorVersion}${!o.noTsa && o.tsa ? ' + TSA' : ''})`);
}

main().catch((e) => {
  let msg = e && e.message ? e.message : String(e);
  if (e && e.cause && e.cause.message) msg += `: ${e.cause.message}`;
  console.error(`sign.js: signing failed: ${msg}`);
  process.exit(1);
});
