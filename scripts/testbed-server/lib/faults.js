'use strict';
// Fault injection: per service, a queue of faults; each request takes the
// first queued fault that matches it (service, method, path) and uses up
// one of its `count`.

const SERVICES = ['oidc', 'fulcio', 'rekor', 'rekor2', 'tsa', 'gha', 'gce', 'tuf'];

// Faults the HTTP layer applies to any request of the service.
const TRANSPORT = ['status', 'delay', 'garbage', 'truncate'];

// Semantic lies, and the requests they apply to by default.
const TOKEN_LIES = ['expired_token', 'wrong_audience', 'bad_token_signature'];
const LIES = {
  oidc: {
    deny: { method: 'GET', paths: ['/auth', '/device'] },
    expired_token: { method: 'POST', paths: ['/token'] },
    wrong_audience: { method: 'POST', paths: ['/token'] },
    bad_token_signature: { method: 'POST', paths: ['/token'] },
    wrong_nonce: { method: 'POST', paths: ['/token'] },
  },
  // body_token_only: reads the token from the body alone, as servers
  // built on @sigstore/mock do (not a lie: a stricter server).
  fulcio: Object.fromEntries(['wrong_identity', 'wrong_issuer', 'bad_sct', 'no_sct', 'untrusted_ca', 'body_token_only']
    .map((f) => [f, { method: 'POST', paths: ['/api/v2/signingCert'] }])),
  rekor: {
    ...Object.fromEntries(['bad_proof', 'bad_set', 'bad_checkpoint', 'wrong_origin', 'wrong_body', 'wrong_time']
      .map((f) => [f, { method: 'POST', paths: ['/api/v1/log/entries'] }])),
    // Auditor lies (reads): see lib/audit-lies.js.
    ...Object.fromEntries(['fork', 'rogue_key', 'new_tree_id', 'keeps_growing']
      .map((f) => [f, { method: 'GET', paths: ['/api/v1/log'] }])),
    bad_entry_proof: { method: 'GET', prefix: '/api/v1/log/entries' },
  },
  rekor2: {
    ...Object.fromEntries(['bad_proof', 'bad_checkpoint', 'wrong_origin', 'wrong_body']
      .map((f) => [f, { method: 'POST', paths: ['/api/v2/log/entries'] }])),
    ...Object.fromEntries(['fork', 'rogue_key', 'keeps_growing']
      .map((f) => [f, { method: 'GET', paths: ['/api/v2/checkpoint', '/checkpoint'] }])),
    bad_tile: { method: 'GET', prefix: '/tile/' },
  },
  tsa: Object.fromEntries(['wrong_imprint', 'wrong_nonce', 'bad_signature', 'wrong_time', 'rejection']
    .map((f) => [f, { method: 'POST', paths: null }])),
  gha: Object.fromEntries(TOKEN_LIES.map((f) => [f, { method: 'GET', paths: null }])),
  gce: Object.fromEntries(TOKEN_LIES.map((f) => [f, { method: 'GET', paths: null }])),
  tuf: {},
};

class FaultError extends Error {}

function validate(spec) {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new FaultError('a fault is a JSON object');
  const known = ['service', 'fault', 'count', 'status', 'retryAfter', 'message', 'seconds', 'mode', 'path', 'method'];
  for (const k of Object.keys(spec)) if (!known.includes(k)) throw new FaultError(`unknown fault field "${k}"`);
  const { service, fault } = spec;
  if (!SERVICES.includes(service)) throw new FaultError(`service must be one of ${SERVICES.join(', ')}`);
  const lies = Object.keys(LIES[service]);
  if (!TRANSPORT.includes(fault) && !lies.includes(fault)) {
    throw new FaultError(`fault for ${service} must be one of ${[...TRANSPORT, ...lies].join(', ')}`);
  }
  const f = { service, fault, count: 1 };
  if (spec.count !== undefined) {
    if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > 1000) throw new FaultError('count: 1..1000');
    f.count = spec.count;
  }
  if (spec.path !== undefined) {
    if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) throw new FaultError('path: must start with /');
    f.path = spec.path;
  }
  if (spec.method !== undefined) {
    if (!['GET', 'POST'].includes(spec.method)) throw new FaultError('method: GET or POST');
    f.method = spec.method;
  }
  if (spec.message !== undefined) {
    if (typeof spec.message !== 'string') throw new FaultError('message: string');
    f.message = spec.message;
  }
  if (fault === 'status') {
    const st = spec.status === undefined ? 503 : spec.status;
    if (!Number.isInteger(st) || st < 400 || st > 599) throw new FaultError('status: 400..599');
    f.status = st;
    if (spec.retryAfter !== undefined) {
      if (!Number.isInteger(spec.retryAfter) || spec.retryAfter < 0 || spec.retryAfter > 3600) {
        throw new FaultError('retryAfter: 0..3600 seconds');
      }
      f.retryAfter = spec.retryAfter;
    } else if (st === 429) {
      f.retryAfter = 1;
    }
  }
  if (fault === 'delay') {
    const s = spec.seconds === undefined ? 1 : spec.seconds;
    if (typeof s !== 'number' || !(s >= 0) || s > 300) throw new FaultError('seconds: 0..300');
    f.seconds = s;
  }
  if (fault === 'truncate') {
    const m = spec.mode === undefined ? 'close' : spec.mode;
    if (!['close', 'short'].includes(m)) throw new FaultError('mode: close or short');
    f.mode = m;
  }
  return f;
}

class Faults {
  constructor() {
    this.queues = {};
    this.counts = {};
    this.log = [];
    this.reset();
  }

  reset() {
    for (const s of SERVICES) this.queues[s] = [];
  }

  add(spec) {
    const f = validate(spec);
    this.queues[f.service].push(f);
    return f;
  }

  matches(f, method, path) {
    if (f.method && f.method !== method) return false;
    if (f.path) return path === f.path || path.startsWith(f.path.endsWith('/') ? f.path : f.path + '/');
    const lie = LIES[f.service][f.fault];
    if (!lie) return true;
    if (lie.method && lie.method !== method) return false;
    if (lie.prefix) return path.startsWith(lie.prefix) || path.startsWith('/api/v2' + lie.prefix);
    return lie.paths === null || lie.paths.includes(path);
  }

  take(service, method, path) {
    const q = this.queues[service];
    if (!q) return null;
    const i = q.findIndex((f) => this.matches(f, method, path));
    if (i < 0) return null;
    const f = q[i];
    f.count--;
    if (f.count <= 0) q.splice(i, 1);
    return f;
  }

  record(entry) {
    this.counts[entry.service] = (this.counts[entry.service] || 0) + 1;
    this.log.push(entry);
    if (this.log.length > 1000) this.log.splice(0, this.log.length - 1000);
  }
}

module.exports = { Faults, FaultError, SERVICES, TRANSPORT, LIES };
