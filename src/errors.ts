/**
 * @module errors
 * Every error satnotify throws, with a stable `code` per class and a code table.
 */
import { redactUrl } from './redact.js';

/** Stable error codes, one per class, with the one-line meaning documented in {@link ERROR_CODES}. */
export type ErrorCode =
  | 'ERR_INVALID_CONFIG'
  | 'ERR_INVALID_NODE_ID'
  | 'ERR_UNKNOWN_NODE'
  | 'ERR_INVALID_INPUT'
  | 'ERR_TEMPLATE'
  | 'ERR_DELIVERY'
  | 'ERR_DATABASE';

/** The code table: what each code means, for docs and for log readers. */
export const ERROR_CODES: Readonly<Record<ErrorCode, string>> = {
  ERR_INVALID_CONFIG: 'A configuration value is missing, malformed or out of range.',
  ERR_INVALID_NODE_ID: 'A node id is neither base58check nor 64-character hex of 32 bytes.',
  ERR_UNKNOWN_NODE: 'The node id is well formed but the overlay has no such node.',
  ERR_INVALID_INPUT: 'A value bound for an email or a node log is unsafe or malformed.',
  ERR_TEMPLATE: 'A template is unknown, fails to compile, or lacks a variable.',
  ERR_DELIVERY:
    'A channel failed to deliver (SMTP, gRPC, webhook, IRC, MQTT, a plugin); `permanent` says whether a retry can help.',
  ERR_DATABASE: 'The database could not be reached or refused a statement.',
};

/** SatnotifyError is the base of every error this package throws. */
export class SatnotifyError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One configuration problem: where it is (`path`, e.g. `limits.email.maxHr`) and what was wrong. */
export interface ConfigIssue {
  path: string;
  message: string;
  value?: unknown;
}

/** InvalidConfigError lists every problem found in a configuration at once. */
export class InvalidConfigError extends SatnotifyError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((i) =>
      i.value === undefined ? `${i.path}: ${i.message}` : `${i.path}: ${i.message} (got ${JSON.stringify(i.value)})`,
    );
    super('ERR_INVALID_CONFIG', `invalid config: ${lines.join('; ')}`, options);
    this.issues = issues;
  }
}

/** InvalidNodeIdError is thrown for a string that is not a node id. */
export class InvalidNodeIdError extends SatnotifyError {
  readonly input: string;
  constructor(input: string, why: string) {
    super('ERR_INVALID_NODE_ID', `invalid node id ${JSON.stringify(truncate(input))}: ${why}`);
    this.input = input;
  }
}

/** UnknownNodeError is thrown when the overlay has no node with the id. */
export class UnknownNodeError extends SatnotifyError {
  readonly nodeId: string;
  /** `where` names the database that was asked, for a reader who may have asked the wrong one. */
  constructor(nodeId: string, where?: string) {
    super('ERR_UNKNOWN_NODE', `unknown node ${nodeId}${where ? ` in ${where}` : ''}`);
    this.nodeId = nodeId;
  }
}

/** One bad input field: where it is (`data.score`, `signal.ok`) and what is wrong with it. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * InvalidInputError is thrown for an argument that is malformed, out of range or unsafe in a
 * message. `issues` lists every bad field at once; `field` is the first. Messages never quote a
 * value that could hold a secret.
 */
export class InvalidInputError extends SatnotifyError {
  readonly field: string;
  readonly issues: readonly InputIssue[];
  constructor(field: string | readonly InputIssue[], why = '') {
    const issues = typeof field === 'string' ? [{ path: field, message: why }] : field;
    super('ERR_INVALID_INPUT', `invalid ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.issues = issues;
    this.field = issues[0]?.path ?? '(input)';
  }
}

/** TemplateError is thrown when a template is unknown, malformed, or misses a variable. */
export class TemplateError extends SatnotifyError {
  readonly template: string;
  constructor(template: string, why: string, options?: { cause?: unknown }) {
    super('ERR_TEMPLATE', `template ${template}: ${why}`, options);
    this.template = template;
  }
}

/** What the wire said about a failed delivery. */
export interface DeliveryFailure {
  /** The channel instance (`email`, `log`, or a configured name) or plugin that failed. */
  channel: string;
  /** True when retrying cannot help (SMTP 5xx, gRPC INVALID_ARGUMENT …). */
  permanent: boolean;
  /** SMTP reply code (e.g. 550) or gRPC status code. */
  responseCode?: number;
  /** The server's reply text, if any. */
  response?: string;
  /** The SMTP command or gRPC method that failed. */
  command?: string;
  /**
   * The message may have reached the receiver although it never confirmed it (the connection
   * broke after the message was handed over, or the deadline passed with the call in flight).
   */
  ambiguous?: boolean;
  /** The receiver asked to be retried no sooner than this (HTTP Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

/**
 * DeliveryError is a failed delivery on any channel; `permanent` decides retry versus fail. The
 * message loses any URL password it quotes, since receivers' errors often echo the address.
 */
export class DeliveryError extends SatnotifyError implements DeliveryFailure {
  readonly channel: string;
  readonly permanent: boolean;
  readonly responseCode?: number;
  readonly response?: string;
  readonly command?: string;
  readonly ambiguous: boolean;
  readonly retryAfterMs?: number;
  constructor(failure: DeliveryFailure, message: string, options?: { cause?: unknown }) {
    super(
      'ERR_DELIVERY',
      redactUrl(`${failure.channel} delivery failed (${failure.permanent ? 'permanent' : 'transient'}): ${message}`),
      options,
    );
    this.channel = failure.channel;
    this.permanent = failure.permanent;
    if (failure.responseCode !== undefined) this.responseCode = failure.responseCode;
    if (failure.response !== undefined) this.response = failure.response;
    if (failure.command !== undefined) this.command = failure.command;
    this.ambiguous = failure.ambiguous === true;
    if (failure.retryAfterMs !== undefined) this.retryAfterMs = failure.retryAfterMs;
  }
}

/**
 * UnsafeAddressError is a request to an operator-supplied URL refused before anything was sent:
 * its host is, or resolves at connect time to, an address that is not public (loopback, private,
 * link-local, metadata, multicast …), or the URL is not https. Permanent. The message names the
 * kind of address, never the URL or the host: those are the operator's private delivery data.
 */
export class UnsafeAddressError extends DeliveryError {
  /** What the address is (`loopback`, `private`, `linkLocal` … as ipaddr.js names ranges), or `insecure`. */
  readonly range: string;
  constructor(channel: string, range: string) {
    super(
      { channel, permanent: true, command: 'CONNECT' },
      range === 'insecure'
        ? "refused: an operator's URL must be https"
        : `refused: the destination's host is a ${range} address; operators' destinations must be public`,
    );
    this.range = range;
  }
}

/**
 * DatabaseError is a database that cannot be reached or refused a statement; the message names
 * host and port, never the password. `retryable` says the failure was the database's passing
 * state, not the call: the connection was lost or refused (a restart, a failover), the wait for
 * one timed out, or the server gave up on a conflict (serialization failure, deadlock). A hook may
 * then simply be made again; informNode* and broadcast may have committed, so a retry can record twice.
 */
export class DatabaseError extends SatnotifyError {
  readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super('ERR_DATABASE', message, options);
    this.retryable = options?.retryable ?? isTransientDatabaseFailure(options?.cause);
  }
}

/** SQLSTATEs and socket errors after which a connection is not worth keeping: read-only, shut down, cut. */
export function isConnectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    code === '25006' || // read_only_sql_transaction: the server became a standby
    /^57P0[1-3]$/.test(code) || // admin, crash or cannot-connect-now shutdown
    code.startsWith('08') || // connection exceptions
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)
  );
}

// node-postgres says these in words, without a code.
const TRANSIENT_MESSAGE = /timeout exceeded when trying to connect|Connection terminated|not queryable/i;

/** isTransientDatabaseFailure: a lost or refused connection, a timed-out wait, or a conflict the server gave up on. */
export function isTransientDatabaseFailure(err: unknown): boolean {
  if (isConnectionLost(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '40001' || code === '40P01' || code === '53300') return true;
  return err instanceof Error && TRANSIENT_MESSAGE.test(err.message);
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * orDatabaseError awaits a call into a store and turns what is not already a SatnotifyError (a
 * pool timeout, a lost connection, a statement the server refused) into a DatabaseError, so a
 * caller catches one typed error whatever the database did.
 */
export async function orDatabaseError<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof SatnotifyError) throw err;
    throw new DatabaseError(`the database failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
