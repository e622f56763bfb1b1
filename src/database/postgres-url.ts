/**
 * @module database/postgres-url
 * A PostgreSQL URL read with libpq's meaning, host lists included: what node-postgres cannot read
 * (its connection-string parser takes one host; multi-host support is an open pull request). The
 * host list, `target_session_attrs` and `connect_timeout` are read here; each host then gets a
 * one-host URL that pg-connection-string reads with `uselibpqcompat=true`, so `sslmode` means
 * what it means to libpq (`require` encrypts without verifying, as psql does). Pure.
 */

/** Session kinds satnotify can work on: it writes, so a standby is never the goal. */
export const WRITABLE_SESSION_ATTRS = ['any', 'read-write', 'primary'] as const;
export type SessionAttrs = (typeof WRITABLE_SESSION_ATTRS)[number];
const READ_ONLY_SESSION_ATTRS = ['read-only', 'standby', 'prefer-standby'];

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
/** SslMode is libpq's `sslmode`; absent, satnotify keeps node-postgres' plain connection. */
export type SslMode = (typeof SSL_MODES)[number];

/** One server of the list, as libpq tries them: in order. */
export interface PostgresHost {
  /** A name, an address (IPv6 without brackets) or a Unix socket folder. */
  host: string;
  port: number;
}

/** PostgresTarget is a URL taken apart: the servers, which session to keep, and each host's own URL. */
export interface PostgresTarget {
  hosts: readonly PostgresHost[];
  targetSessionAttrs: SessionAttrs;
  /** libpq's `connect_timeout` in ms, per host; undefined when the URL sets none (0 there: none at all). */
  connectTimeoutMs: number | undefined;
  sslmode: SslMode | undefined;
  /** The URL for one host of the list, with the rest of the parameters, for pg-connection-string. */
  urlFor(host: PostgresHost): string;
}

/** PostgresUrlError says what is wrong with a URL without quoting it (it may hold a password). */
export class PostgresUrlError extends Error {
  override readonly name = 'PostgresUrlError';
}

const SCHEME = /^postgres(?:ql)?:\/\//i;
// Parameters read here, never handed on: node-postgres would ignore or misread them.
const OWN_PARAMS = new Set(['host', 'port', 'target_session_attrs', 'connect_timeout', 'uselibpqcompat']);

/** isPostgresUrl tells whether `url` starts with a scheme this parser reads. */
export function isPostgresUrl(url: string): boolean {
  return SCHEME.test(url);
}

/**
 * parsePostgresUrl reads `postgres://[user[:password]@][host[:port]][,host[:port]]…[/db][?params]`
 * as libpq does: hosts in brackets may be IPv6, a host without a port gets the last `port=` value
 * (or 5432), `?host=` and `?port=` lists replace the URL's (one port serves every host), and hosts
 * are tried in order. Throws PostgresUrlError naming the part that is wrong.
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  const scheme = SCHEME.exec(url);
  if (!scheme) throw new PostgresUrlError('must start with postgres:// or postgresql://');
  const rest = url.slice(scheme[0].length);
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt + 1);
  const pathAt = beforeQuery.indexOf('/');
  const authority = pathAt < 0 ? beforeQuery : beforeQuery.slice(0, pathAt);
  const path = pathAt < 0 ? '' : beforeQuery.slice(pathAt);
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? '' : authority.slice(0, at + 1);
  const hostList = at < 0 ? authority : authority.slice(at + 1);

  const params = new URLSearchParams(query);
  const hosts = listHosts(hostList, params);
  const targetSessionAttrs = sessionAttrs(params.get('target_session_attrs'));
  const connectTimeoutMs = connectTimeout(params.get('connect_timeout'));
  const sslmode = sslMode(params.get('sslmode'));

  const passed = new URLSearchParams();
  for (const [k, v] of params) if (!OWN_PARAMS.has(k)) passed.append(k, v);
  passed.set('uselibpqcompat', 'true');
  return {
    hosts,
    targetSessionAttrs,
    connectTimeoutMs,
    sslmode,
    urlFor({ host, port }) {
      const q = new URLSearchParams(passed);
      // A socket folder cannot sit in the authority; pg-connection-string takes it from ?host=.
      if (host.startsWith('/')) q.set('host', host);
      const name = host.startsWith('/') ? '' : host.includes(':') ? `[${host}]` : encodeURIComponent(host);
      return `postgresql://${userinfo}${name}:${port}${path}?${q.toString()}`;
    },
  };
}

function listHosts(hostList: string, params: URLSearchParams): PostgresHost[] {
  const fromParams = params.get('host');
  const portParam = params.get('port');
  const ports = portParam === null ? [] : portParam.split(',').map((p) => portNumber(p));
  if (fromParams !== null) {
    const names = fromParams.split(',');
    if (ports.length > 1 && ports.length !== names.length)
      throw new PostgresUrlError(`port lists ${ports.length} ports for ${names.length} hosts`);
    return names.map((host, i) => ({ host: host || 'localhost', port: ports[ports.length > 1 ? i : 0] ?? 5432 }));
  }
  const entries = hostList === '' ? [''] : splitHosts(hostList);
  if (ports.length > 1 && ports.length !== entries.length)
    throw new PostgresUrlError(`port lists ${ports.length} ports for ${entries.length} hosts`);
  // As in libpq, `?port=` comes after the host list and replaces its ports.
  return entries.map((entry, i) => {
    const { host, port } = hostAndPort(entry);
    return { host: host || 'localhost', port: ports[ports.length > 1 ? i : 0] ?? port ?? 5432 };
  });
}

/** splitHosts splits at the commas outside brackets: `[::1]:5432,h2` is two hosts. */
function splitHosts(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  out.push(list.slice(start));
  return out;
}

function hostAndPort(entry: string): { host: string; port: number | undefined } {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) throw new PostgresUrlError('an IPv6 host is missing its closing ]');
    const after = entry.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw new PostgresUrlError('text after an IPv6 host must be :port');
    return {
      host: entry.slice(1, close),
      port: after === '' || after === ':' ? undefined : portNumber(after.slice(1)),
    };
  }
  const colon = entry.lastIndexOf(':');
  if (colon < 0) return { host: decode(entry), port: undefined };
  // An empty port (`h1:`) is the default, as in libpq.
  const port = entry.slice(colon + 1);
  return { host: decode(entry.slice(0, colon)), port: port === '' ? undefined : portNumber(port) };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new PostgresUrlError('a host has a broken %-escape');
  }
}

function portNumber(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new PostgresUrlError('a port must be a number from 1 to 65535');
  return port;
}

function sessionAttrs(value: string | null): SessionAttrs {
  if (value === null) return 'any';
  if ((WRITABLE_SESSION_ATTRS as readonly string[]).includes(value)) return value as SessionAttrs;
  if (READ_ONLY_SESSION_ATTRS.includes(value))
    throw new PostgresUrlError(
      `target_session_attrs=${value} would connect to a standby, where satnotify cannot write; use read-write or primary`,
    );
  throw new PostgresUrlError(`target_session_attrs must be one of ${WRITABLE_SESSION_ATTRS.join(', ')}`);
}

function connectTimeout(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw new PostgresUrlError('connect_timeout must be a whole number of seconds');
  const seconds = Number(value);
  // libpq: 0 waits for ever, and anything under 2 s is taken as 2 s.
  return seconds === 0 ? 0 : Math.max(2, seconds) * 1000;
}

function sslMode(value: string | null): SslMode | undefined {
  if (value === null) return undefined;
  if ((SSL_MODES as readonly string[]).includes(value)) return value as SslMode;
  throw new PostgresUrlError(`sslmode must be one of ${SSL_MODES.join(', ')}`);
}
