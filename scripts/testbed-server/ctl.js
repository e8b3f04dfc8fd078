#!/usr/bin/env node
'use strict';
// Client side of scripts/testbed: readiness check and the control API.
//
//   node ctl.js ping DIR                       every service answers (bounded retries)
//   node ctl.js fault DIR SERVICE FAULT [k=v ...]   queue a fault (see README.md)
//   node ctl.js reset DIR                      clear faults and configuration
//   node ctl.js config DIR [k=v ...]           set configuration, print it
//   node ctl.js token DIR [k=v ...]            print a token from /test/token
//   node ctl.js state DIR                      print the control API's /state
//   node ctl.js tuf-publish DIR [NAME=FILE ...] [timestamp_expires_in=S]
//                                              re-sign the TUF repository
const fs = require('fs');
const path = require('path');

function die(msg, code = 2) {
  console.error(`testbed: ${msg}`);
  process.exit(code);
}

const [cmd, dir, ...args] = process.argv.slice(2);
if (!cmd || !dir) die('usage: node ctl.js ping|fault|reset|config|token|state DIR ...');
let info;
try {
  info = JSON.parse(fs.readFileSync(path.join(dir, 'testbed.json'), 'utf8'));
} catch (e) {
  die(`no testbed in ${dir} (${e.code || e.message})`, 3);
}
const { urls } = info;

async function request(url, opts = {}, timeoutMs = 10000) {
  const r = await fetch(url, { ...opts, signal: AbortSignal.timeout(timeoutMs) });
  return { status: r.status, text: await r.text() };
}

// k=v pairs; integers become numbers unless the key is textual.
function kv(list, textual = []) {
  const o = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i <= 0) die(`expected key=value, got "${a}"`);
    const k = a.slice(0, i);
    const v = a.slice(i + 1);
    if (!textual.includes(k) && /^-?\d+(\.\d+)?$/.test(v)) o[k] = Number(v);
    else if (!textual.includes(k) && /^[{[]/.test(v)) {
      try {
        o[k] = JSON.parse(v);
      } catch (e) {
        die(`${k}: not JSON: ${v}`);
      }
    } else o[k] = v;
  }
  return o;
}

async function control(method, p, body) {
  const r = await request(`${urls.control}${p}`, {
    method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status !== 200) die(`control ${method} ${p}: HTTP ${r.status}: ${r.text.trim()}`, 1);
  return r.text;
}

async function ping() {
  const checks = [
    `${urls.oidc}/.well-known/openid-configuration`,
    `${urls.gha}/.well-known/openid-configuration`,
    `${urls.gce}/.well-known/openid-configuration`,
    `${urls.fulcio}/api/v2/configuration`,
    `${urls.rekor}/api/v1/log`,
    `${urls.rekor2}/api/v2/checkpoint`,
    `${urls.tsa}/api/v1/timestamp/certchain`,
    `${urls.tuf}/timestamp.json`,
    `${urls.control}/health`,
  ];
  const deadline = Date.now() + 15000;
  for (const u of checks) {
    let ok = false;
    let last = '';
    for (let i = 0; i < 100 && !ok && Date.now() < deadline; i++) {
      try {
        const r = await request(u, {}, 1000);
        ok = r.status === 200;
        last = `HTTP ${r.status}`;
      } catch (e) {
        last = e.message;
      }
      if (!ok) await new Promise((res) => setTimeout(res, 100));
    }
    if (!ok) die(`${u} does not answer (${last})`, 1);
  }
}

async function main() {
  switch (cmd) {
    case 'ping':
      return ping();
    case 'fault': {
      const [service, fault, ...rest] = args;
      if (!service || !fault) die('usage: testbed fault DIR SERVICE FAULT [key=value ...]');
      const spec = { service, fault, ...kv(rest, ['path', 'message', 'mode', 'method']) };
      return process.stdout.write(await control('POST', '/faults', spec) + '\n');
    }
    case 'reset':
      await control('POST', '/reset');
      return undefined;
    case 'config':
      return process.stdout.write(await control(args.length ? 'POST' : 'GET', '/config', args.length ? kv(args, ['email', 'sub', 'gce_email', 'id_token_alg']) : undefined) + '\n');
    case 'tuf-publish': {
      const body = {};
      for (const a of args) {
        const i = a.indexOf('=');
        if (i <= 0) die(`expected key=value, got "${a}"`);
        const k = a.slice(0, i);
        const v = a.slice(i + 1);
        if (k === 'timestamp_expires_in') body[k] = Number(v);
        else {
          body.targets = body.targets || {};
          try {
            body.targets[k] = fs.readFileSync(v).toString('base64');
          } catch (e) {
            die(`${v}: ${e.code || e.message}`);
          }
        }
      }
      return process.stdout.write(await control('POST', '/tuf/publish', body) + '\n');
    }
    case 'state':
      return process.stdout.write(await control('GET', '/state') + '\n');
    case 'token': {
      const q = new URLSearchParams(args.map((a) => {
        const i = a.indexOf('=');
        if (i <= 0) die(`expected key=value, got "${a}"`);
        return [a.slice(0, i), a.slice(i + 1)];
      }));
      const r = await request(`${urls.test_token}?${q}`);
      if (r.status !== 200) die(`token: HTTP ${r.status}: ${r.text.trim()}`, 1);
      return process.stdout.write(r.text);
    }
    default:
      return die(`unknown command ${cmd}`);
  }
}

main().catch((e) => die(e.message, 1));
