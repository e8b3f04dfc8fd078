'use strict';
// One HTTP listener per service on 127.0.0.1, with fault injection.
const http = require('http');
const crypto = require('crypto');
const { sleep } = require('./util');

const MAX_BODY = 4 * 1024 * 1024;

class HttpError extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

function toBuffer(body) {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function contentTypeOf(body) {
  if (Buffer.isBuffer(body)) return 'application/octet-stream';
  if (typeof body === 'string') return 'text/plain; charset=utf-8';
  return 'application/json';
}

// Error body in each service's own dialect.
function errorBody(service, status, message) {
  if (service === 'oidc' || service === 'gha' || service === 'gce') {
    return { error: status === 429 || status >= 500 ? 'temporarily_unavailable' : 'invalid_request', error_description: message };
  }
  if (service === 'fulcio' || service === 'rekor2') {
    const grpc = { 400: 3, 401: 16, 403: 7, 404: 5, 405: 9, 409: 6, 429: 8, 500: 13, 501: 12, 503: 14, 504: 4 }[status] || 2;
    return { code: grpc, message, details: [] };
  }
  return { code: status, message };
}

function defaultMessage(service, status) {
  if (service === 'rekor2' && status === 405) return 'This log has been frozen, please switch to the latest log.';
  if (status === 429) return 'rate limited (injected fault)';
  if (status === 503) return 'service unavailable (injected fault)';
  return `injected fault: HTTP ${status}`;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let n = 0;
    req.on('data', (c) => {
      n += c.length;
      if (n > MAX_BODY) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function write(res, status, headers, buf, fault) {
  if (fault && fault.fault === 'truncate' && buf.length > 0) {
    const half = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
    if (fault.mode === 'short') {
      res.writeHead(status, { ...headers, 'Content-Length': half.length });
      res.end(half);
    } else {
      res.writeHead(status, { ...headers, 'Content-Length': buf.length });
      res.write(half, () => setTimeout(() => res.socket && res.socket.destroy(), 20));
    }
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Length': buf.length });
  res.end(buf);
}

// handler(req) -> {status, headers, body}; req = {method, path, query,
// headers, body, lie, url}.  `exempt(path)` requests never take faults.
function listen(ctx, service, handler, exempt = () => false) {
  const server = http.createServer(async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname;
    let fault = null;
    let status = 0;
    try {
      const body = await readBody(req);
      fault = exempt(path) ? null : ctx.faults.take(service, req.method, path);
      if (fault && fault.fault === 'delay') {
        await sleep(fault.seconds * 1000);
        if (req.socket.destroyed) return;
      }
      if (fault && fault.fault === 'status') {
        status = fault.status;
        const msg = fault.message || defaultMessage(service, status);
        const headers = { 'Content-Type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
        write(res, status, headers, toBuffer(errorBody(service, status, msg)), null);
        return;
      }
      const lie = fault && !['delay', 'garbage', 'truncate'].includes(fault.fault) ? fault.fault : null;
      let r;
      try {
        r = await handler({ method: req.method, path, query: url.searchParams, headers: req.headers, body, lie, url });
      } catch (e) {
        if (!(e instanceof HttpError)) {
          if (!ctx.quiet) console.error(`${service}: internal error:`, e);
          throw new HttpError(500, `internal error: ${e.message}`);
        }
        throw e;
      }
      status = r.status || 200;
      const headers = { 'Content-Type': contentTypeOf(r.body), ...(r.headers || {}) };
      let buf = toBuffer(r.body);
      if (fault && fault.fault === 'garbage') {
        // Neither JSON, nor DER, nor PEM, nor a JWT.
        buf = Buffer.concat([Buffer.from('<!-- garbage -->\n{"'), crypto.randomBytes(48), Buffer.from([0, 0xff])]);
      }
      write(res, status, headers, buf, fault);
    } catch (e) {
      status = e.status || 500;
      const headers = { 'Content-Type': 'application/json', ...((e.extra && e.extra.headers) || {}) };
      const b = e.extra && e.extra.body ? e.extra.body : errorBody(service, status, e.message);
      if (!res.headersSent) write(res, status, headers, toBuffer(b), fault && fault.fault === 'truncate' ? fault : null);
    } finally {
      ctx.faults.record({
        t: started, ms: Date.now() - started, service, method: req.method, path, status,
        fault: fault ? fault.fault : undefined,
      });
    }
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ server, port, url: `http://127.0.0.1:${port}` });
    });
  });
}

module.exports = { listen, HttpError, errorBody };
