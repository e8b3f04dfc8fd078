'use strict';
// Minimal DER encoder and strict decoder: enough for X.509 certificates,
// PKCS#10 requests, RFC 3161 requests/responses and CMS SignedData.

function encLen(n) {
  if (n < 0x80) return Buffer.from([n]);
  const b = [];
  while (n > 0) {
    b.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | b.length, ...b]);
}

function tlv(tag, content) {
  const c = Array.isArray(content) ? Buffer.concat(content) : content;
  return Buffer.concat([Buffer.from([tag]), encLen(c.length), c]);
}

const seq = (...items) => tlv(0x30, items);
const set = (...items) => tlv(0x31, items);
// SET OF in DER: members sorted by their encodings.
const setOf = (items) => tlv(0x31, [...items].sort(Buffer.compare));

// INTEGER from a number, bigint or an unsigned big-endian Buffer.
function int(v) {
  let b;
  if (Buffer.isBuffer(v)) {
    b = v;
  } else {
    const x = BigInt(v);
    if (x < 0n) throw new Error('negative INTEGER not supported');
    let h = x.toString(16);
    if (h.length % 2) h = '0' + h;
    b = Buffer.from(h, 'hex');
  }
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function b128(n) {
  const out = [n % 128];
  n = Math.floor(n / 128);
  while (n > 0) {
    out.unshift((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  return out;
}

function oid(s) {
  const p = s.split('.').map(Number);
  const out = [...b128(40 * p[0] + p[1])];
  for (const n of p.slice(2)) out.push(...b128(n));
  return tlv(0x06, Buffer.from(out));
}

const utf8 = (s) => tlv(0x0c, Buffer.from(s, 'utf8'));
const printable = (s) => tlv(0x13, Buffer.from(s, 'ascii'));
const ia5 = (s) => tlv(0x16, Buffer.from(s, 'ascii'));
const octet = (b) => tlv(0x04, b);
const bitstr = (b, unused = 0) => tlv(0x03, [Buffer.from([unused]), b]);
const bool = (v) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const nul = () => Buffer.from([0x05, 0x00]);
// [n] EXPLICIT (constructed) or IMPLICIT primitive/constructed wrappers.
const explicit = (n, inner) => tlv(0xa0 | n, inner);
const implicitPrim = (n, content) => tlv(0x80 | n, content);
const implicitCons = (n, content) => tlv(0xa0 | n, content);

const pad = (n, w = 2) => String(n).padStart(w, '0');

function utcTime(d) {
  const s = pad(d.getUTCFullYear() % 100) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) +
    pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds()) + 'Z';
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

function genTime(d, withMillis = false) {
  let s = pad(d.getUTCFullYear(), 4) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) +
    pad(d.getUTCHours()) + pad(d.getUTCMinutes()) + pad(d.getUTCSeconds());
  if (withMillis && d.getUTCMilliseconds() !== 0) {
    s += '.' + pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '');
  }
  return tlv(0x18, Buffer.from(s + 'Z', 'ascii'));
}

// X.509 Time: UTCTime through 2049, GeneralizedTime after (RFC 5280).
const x509Time = (d) => (d.getUTCFullYear() < 2050 ? utcTime(d) : genTime(d));

// ---- decoding ----

class DerError extends Error {}

// Parses one TLV at buf[off]; returns {tag, hdr, len, end, content, raw}.
function parse(buf, off = 0) {
  if (off + 2 > buf.length) throw new DerError('truncated DER');
  const tag = buf[off];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags not supported');
  let p = off + 1;
  let l = buf[p++];
  if (l & 0x80) {
    const nb = l & 0x7f;
    if (nb === 0 || nb > 4) throw new DerError('bad DER length');
    if (p + nb > buf.length) throw new DerError('truncated DER length');
    l = 0;
    for (let i = 0; i < nb; i++) l = l * 256 + buf[p++];
    if (l < 0x80 || (nb > 1 && buf[p - nb] === 0)) throw new DerError('non-minimal DER length');
  }
  const end = p + l;
  if (end > buf.length) throw new DerError('truncated DER value');
  return { tag, hdr: p - off, len: l, end, content: buf.subarray(p, end), raw: buf.subarray(off, end) };
}

// Parses a whole buffer that must hold exactly one TLV.
function parseExact(buf) {
  const n = parse(buf, 0);
  if (n.end !== buf.length) throw new DerError('trailing data after DER value');
  return n;
}

function children(node) {
  const out = [];
  const c = node.content;
  let p = 0;
  while (p < c.length) {
    const n = parse(c, p);
    out.push(n);
    p = n.end;
  }
  return out;
}

function readOID(node) {
  if (node.tag !== 0x06) throw new DerError('expected OID');
  const b = node.content;
  if (b.length === 0) throw new DerError('empty OID');
  const arcs = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      arcs.push(v);
      v = 0;
    } else if (i === b.length - 1) {
      throw new DerError('truncated OID');
    }
  }
  const first = arcs.shift();
  const a0 = first < 80 ? Math.floor(first / 40) : 2;
  return [a0, first - 40 * a0, ...arcs].join('.');
}

function readInt(node) {
  if (node.tag !== 0x02) throw new DerError('expected INTEGER');
  if (node.content.length === 0) throw new DerError('empty INTEGER');
  if (node.content[0] & 0x80) throw new DerError('negative INTEGER');
  return BigInt('0x' + (node.content.toString('hex') || '0'));
}

module.exports = {
  tlv, seq, set, setOf, int, oid, utf8, printable, ia5, octet, bitstr, bool, nul,
  explicit, implicitPrim, implicitCons, utcTime, genTime, x509Time,
  parse, parseExact, children, readOID, readInt, DerError,
};
