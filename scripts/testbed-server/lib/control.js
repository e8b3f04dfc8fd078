'use strict';
// Control API (JSON over HTTP): fault injection, configuration, state.
const { HttpError } = require('./http');
const { FaultError, SERVICES, TRANSPORT, LIES } = require('./faults');
const { publish } = require('./tuf');

const DEFAULT_CONFIG = {
  email: 'alice@example.com',
  sub: 'alice',
  gce_email: 'signer@signet-testbed.iam.gserviceaccount.com',
  gha_claims: {},
  token_lifetime: 600,
  device_interval: 1,
  device_expires_in: 300,
  device_slow_down_increment: 5,
  witness_cosignatures: 0,
  id_token_alg: 'RS256',
};

const CONFIG_TYPES = {
  email: 'string', sub: 'string', gce_email: 'string', gha_claims: 'object',
  token_lifetime: 'int', device_interval: 'int', device_expires_in: 'int', device_slow_down_increment: 'int',
  witness_cosignatures: 'int',
  id_token_alg: ['RS256', 'ES256'],
};

function parseJSON(req) {
  if (req.body.length === 0) return {};
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, 'body is not JSON');
  }
}

function setConfig(ctx, patch) {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new HttpError(400, 'config is a JSON object');
  for (const [k, v] of Object.entries(patch)) {
    const t = CONFIG_TYPES[k];
    if (!t) throw new HttpError(400, `unknown config key "${k}" (known: ${Object.keys(CONFIG_TYPES).join(', ')})`);
    const max = k === 'witness_cosignatures' ? 3 : 86400;
    const ok = Array.isArray(t) ? t.includes(v) : t === 'int' ? Number.isInteger(v) && v >= 0 && v <= max
      : t === 'object' ? v && typeof v === 'object' && !Array.isArray(v) : typeof v === 'string' && v !== '';
    const want = Array.isArray(t) ? `one of ${t.join(', ')}` : t === 'int' ? `an integer 0..${max}` : `a ${t}`;
    if (!ok) throw new HttpError(400, `config ${k}: expected ${want}`);
  }
  Object.assign(ctx.config, patch);
}

// POST /tuf/publish {"targets": {"NAME": "<base64>"}, "timestamp_expires_in": S}:
// re-sign the TUF repository with these target contents (added or
// replaced) and a timestamp that expires S seconds from now (negative:
// already expired).
function tufPublish(ctx, j) {
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new HttpError(400, 'a JSON object');
  const change = {};
  for (const k of Object.keys(j)) {
    if (!['targets', 'timestamp_expires_in'].includes(k)) throw new HttpError(400, `unknown field "${k}"`);
  }
  if (j.targets !== undefined) {
    if (!j.targets || typeof j.targets !== 'object' || Array.isArray(j.targets)) throw new HttpError(400, 'targets: an object');
    change.targets = {};
    for (const [n, v] of Object.entries(j.targets)) {
      if (!/^[A-Za-z0-9._-]+$/.test(n) || n.startsWith('.')) throw new HttpError(400, `target name "${n}"`);
      if (typeof v !== 'string') throw new HttpError(400, `targets.${n}: base64`);
      change.targets[n] = Buffer.from(v, 'base64');
    }
  }
  if (j.timestamp_expires_in !== undefined) {
    const e = j.timestamp_expires_in;
    if (!Number.isInteger(e) || Math.abs(e) > 365 * 86400) throw new HttpError(400, 'timestamp_expires_in: seconds');
    change.timestampExpiresIn = e;
  }
  return { versions: publish(ctx.tuf, change) };
}

function createControl(ctx) {
  return async (req) => {
    const p = req.path;
    if (p === '/health') return { status: 200, body: { ok: true } };
    if (p === '/state' && req.method === 'GET') {
      return {
        status: 200,
        body: {
          urls: ctx.urls,
          faults: ctx.faults.queues,
          requests: ctx.faults.counts,
          config: ctx.config,
          logs: { rekor: ctx.rekor.info(), rekor2: ctx.rekor2.info() },
        },
      };
    }
    if (p === '/requests' && req.method === 'GET') {
      const svc = req.query.get('service');
      const since = Number(req.query.get('since') || 0);
      return { status: 200, body: ctx.faults.log.filter((e) => (!svc || e.service === svc) && e.t >= since) };
    }
    if (p === '/faults' && req.method === 'GET') {
      return { status: 200, body: { queued: ctx.faults.queues, services: SERVICES, transport: TRANSPORT, lies: Object.fromEntries(Object.entries(LIES).map(([s, l]) => [s, Object.keys(l)])) } };
    }
    if (p === '/faults' && req.method === 'POST') {
      const j = parseJSON(req);
      const specs = Array.isArray(j) ? j : [j];
      const added = [];
      try {
        // Validate all before queueing any.
        const { Faults } = require('./faults');
        const probe = new Faults();
        for (const s of specs) probe.add(s);
        for (const s of specs) added.push(ctx.faults.add(s));
      } catch (e) {
        if (e instanceof FaultError) throw new HttpError(400, e.message);
        throw e;
      }
      return { status: 200, body: { queued: added } };
    }
    if ((p === '/faults' && req.method === 'DELETE') || (p === '/reset' && req.method === 'POST')) {
      ctx.faults.reset();
      if (p === '/reset') {
        for (const k of Object.keys(ctx.config)) delete ctx.config[k];
        Object.assign(ctx.config, JSON.parse(JSON.stringify(DEFAULT_CONFIG)), ctx.configOverrides);
      }
      return { status: 200, body: { ok: true } };
    }
    if (p === '/config' && req.method === 'GET') return { status: 200, body: ctx.config };
    if (p === '/config' && req.method === 'POST') {
      setConfig(ctx, parseJSON(req));
      return { status: 200, body: ctx.config };
    }
    if (p === '/tuf/publish' && req.method === 'POST') return { status: 200, body: tufPublish(ctx, parseJSON(req)) };
    throw new HttpError(404, `no such endpoint ${req.method} ${p}`);
  };
}

module.exports = { createControl, DEFAULT_CONFIG, setConfig };
