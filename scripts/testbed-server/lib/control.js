'use strict';
// Control API (JSON over HTTP): fault injection, configuration, state.
const { HttpError } = require('./http');
const { FaultError, SERVICES, TRANSPORT, LIES } = require('./faults');

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
    throw new HttpError(404, `no such endpoint ${req.method} ${p}`);
  };
}

module.exports = { createControl, DEFAULT_CONFIG, setConfig };
