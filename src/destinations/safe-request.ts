/**
 * @module destinations/safe-request
 * One POST to an operator-supplied URL, which is untrusted (Healthchecks' rule): https only, and
 * the address is checked where the connection is made, so what was checked is what is reached —
 * a host that resolves to a public address when added and to 127.0.0.1 now (DNS rebinding) is
 * refused now. An IP literal is checked before connecting (no lookup happens for it). Redirects
 * are never followed, time and the answer's size are bounded. `allowPrivate` lifts the address
 * and https rules, for tests and labs.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { DeliveryError, UnsafeAddressError } from '../errors.js';

/** Resolver resolves a host name to all its addresses (node:dns's lookup with `all`); tests give their own. */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

/** SafeRequestOptions bound one request. */
export interface SafeRequestOptions {
  /** Who is sending, as DeliveryError names it. */
  channel: string;
  allowPrivate: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  resolver?: Resolver;
}

/** SafeResponse is the answer: its status, the headers a caller acts on, and the start of its body. */
export interface SafeResponse {
  status: number;
  retryAfter: string | null;
  body: string;
}

const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/** rangeOf is what an address is, as ipaddr.js names it; an IPv4-mapped IPv6 address as its IPv4 one. */
export function rangeOf(address: string): string {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range();
}

/** GLOBAL_UNICAST is IPv6's global unicast space (2000::/3); ipaddr.js calls more than that unicast (::7f00:1). */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/**
 * isPublic says whether an address may be reached by operators' destinations: ordinary unicast
 * only, and for IPv6 only in the global unicast space (not IPv4-compatible ::a.b.c.d and the like).
 */
export function isPublic(address: string): boolean {
  if (rangeOf(address) !== 'unicast') return false;
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv4' || (parsed as ipaddr.IPv6).isIPv4MappedAddress() || parsed.match(GLOBAL_UNICAST);
}

/** unsafeRange names why an address is not public: its range, or `reserved` for unicast outside 2000::/3. */
function unsafeRange(address: string): string {
  const range = rangeOf(address);
  return range === 'unicast' ? 'reserved' : range;
}

/**
 * checkUrl refuses, before any request, a URL that can never be safe: not http(s), not https while
 * private addresses are not allowed, or an IP literal that is not public.
 */
export function checkUrl(url: URL, o: Pick<SafeRequestOptions, 'channel' | 'allowPrivate'>): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeAddressError(o.channel, 'insecure');
  if (o.allowPrivate) return;
  if (url.protocol !== 'https:') throw new UnsafeAddressError(o.channel, 'insecure');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublic(host)) throw new UnsafeAddressError(o.channel, unsafeRange(host));
}

/** safePost POSTs `body` to `url` with `headers`, under the rules above. */
export async function safePost(
  url: string,
  headers: Record<string, string>,
  body: string,
  o: SafeRequestOptions,
): Promise<SafeResponse> {
  const target = new URL(url);
  checkUrl(target, o);
  const resolver = o.resolver ?? systemResolver;
  let refused: UnsafeAddressError | undefined;
  // Called by net.connect for a host name: the addresses checked are the ones connected to.
  const lookup: LookupFunction = (host, options, callback) => {
    resolver(host).then(
      (addresses) => {
        const unsafe = o.allowPrivate ? undefined : addresses.find((a) => !isPublic(a.address));
        if (unsafe) {
          refused = new UnsafeAddressError(o.channel, unsafeRange(unsafe.address));
          return callback(refused, '', 4);
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = addresses.filter((a) => wanted === 0 || a.family === wanted);
        if (usable.length === 0)
          return callback(Object.assign(new Error(`${host}: no address`), { code: 'ENOTFOUND' }), '', 4);
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
        const first = usable[0] as LookupAddress;
        callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 4),
    );
  };
  const fail = (permanent: boolean, why: string, extra: Partial<DeliveryError> = {}): DeliveryError =>
    new DeliveryError({ channel: o.channel, permanent, command: 'POST', ...extra }, why);
  return new Promise<SafeResponse>((resolve, reject) => {
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        agent: false, // no pooled socket: every request connects, and is checked, anew
        timeout: o.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= o.maxResponseBytes) chunks.push(chunk);
          else res.destroy(); // enough: what follows says nothing we act on
        });
        const done = (): void =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : null,
            body: Buffer.concat(chunks).toString('utf8').slice(0, o.maxResponseBytes),
          });
        res.on('end', done);
        res.on('close', done); // also when cut at the size bound; resolve once is a no-op after
        res.on('error', () => done());
      },
    );
    const deadline = setTimeout(
      () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      o.timeoutMs,
    );
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    request.on('close', () => clearTimeout(deadline));
    request.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      if (refused) return reject(refused);
      if (err instanceof UnsafeAddressError) return reject(err);
      const code = err.code ?? 'ERROR';
      // Refused or unresolvable: it never arrived. Cut or timed out after sending: it may have.
      const sent = request.writableFinished;
      reject(
        fail(false, `no answer (${code})`, { ambiguous: sent && code !== 'ECONNREFUSED' && code !== 'ENOTFOUND' }),
      );
    });
    request.end(body);
  });
}
