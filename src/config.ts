/**
 * @module config
 * The one configuration object: defaults, loading from a JSON file and `SATNOTIFY_…` environment
 * variables, and validation (zod) that names the key path and the bad value.
 */
import { readFileSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseDurationMs } from './duration.js';
import { InvalidConfigError, type ConfigIssue } from './errors.js';
import { EVENT_KINDS, type Channel, type EventKind } from './notification/types.js';
import { NodeId } from './overlay/node-id.js';
import { redactSecrets, redactUrl } from './redact.js';

export { redactUrl };

/** DEFAULTS is every setting with its default; durations are strings, counts are per window. */
export const DEFAULTS = {
  satellite: {
    /** Shown in email headers and node log lines. */
    name: 'Satellite',
    /** The satellite's own node id (base58check); sent in node-log messages when set. */
    id: '',
  },
  database: {
    /** PostgreSQL URL. Empty: the embedded PGlite in `dataDir` (or `DATABASE_URL` when set). */
    url: '',
    /** Embedded database folder; `memory://` keeps it in memory (tests). */
    dataDir: '.satnotify/db',
    /** Pool size for a real PostgreSQL server (PGlite is single-connection). */
    poolSize: 10,
    /** How long to wait for a connection before failing. */
    connectTimeout: '5s',
  },
  smtp: {
    /** SMTP URL (`smtp://`, `smtps://`, credentials allowed). Empty: `.eml` files in `mail.outboxDir`. */
    url: '',
    /** The From header of every email. */
    from: 'Satellite <noreply@satellite.invalid>',
    /** Reuse connections (nodemailer pool). */
    pool: true,
    /** Pooled connections at most. */
    maxConnections: 5,
    /** Messages per pooled connection before it is recycled. */
    maxMessages: 100,
    /** nodemailer rate window and messages per window; rateLimit 0 = unlimited. */
    rateDelta: '1s',
    rateLimit: 0,
    /** Implicit TLS (port 465 style). */
    secure: false,
    /** Refuse to send unless STARTTLS succeeds. */
    requireTLS: false,
    /** Verify the server certificate (keep true in production). */
    tlsRejectUnauthorized: true,
    connectionTimeout: '10s',
    greetingTimeout: '10s',
    socketTimeout: '30s',
  },
  mail: {
    /** Where the file sender writes `.eml` files. */
    outboxDir: '.satnotify/outbox',
    /** Template folder; empty: the templates shipped with the package. */
    templatesDir: '',
  },
  limits: {
    /** IANA zone whose calendar hours and days the limits count in. */
    timezone: 'UTC',
    /** Per node, per channel: sends per calendar hour, per calendar day, and the minimum gap. */
    email: { maxHr: 2, maxDay: 5, minDelay: '15m' },
    log: { maxHr: 10, maxDay: 50, minDelay: '1m' },
    /** Per operator email address, across all of that operator's nodes. */
    perAddress: { maxHr: 6, maxDay: 24, minDelay: '0s' },
    /** Kinds that skip MaxHr/MaxDay (never MinDelay, see README). */
    bypass: ['disqualified'] as EventKind[],
  },
  overlay: {
    /** Nodes kept in the in-process LRU cache. */
    cacheSize: 10_000,
    /** How long a cached node is trusted. */
    cacheTtl: '1m',
    /** A node is online when its last successful contact is within this window (Storj: 4h). */
    onlineWindow: '4h',
    /** Rows per page when streaming a selection. */
    pageSize: 500,
  },
  nodeLog: {
    /** Deadline of one ProcessNotification call. */
    deadline: '5s',
    /** gRPC keepalive ping interval. */
    keepalive: '30s',
    /** Close a node's channel after it has been idle this long. */
    idleClose: '5m',
    /** Use TLS to reach nodes. */
    tls: false,
  },
  dispatcher: {
    /** Start the background dispatcher on create. */
    autoStart: true,
    /** Pause between passes when nothing is due. */
    interval: '1s',
    /** Outbox rows claimed per pass. */
    batchSize: 100,
    /** Exponential backoff for transient failures: base, cap, and attempts before failing for good. */
    retryBase: '30s',
    retryMax: '1h',
    maxAttempts: 12,
    /** How long a worker owns claimed rows; a crashed worker's rows are picked up after this. */
    lease: '2m',
    /** Groups delivered in parallel by one worker. */
    concurrency: 16,
  },
  grouping: {
    /** Emails to one address within this wait go out as one email (Storj: 5m); 0 = no grouping. */
    wait: '5m',
  },
  broadcast: {
    /** Global send rate of a broadcast, emails per second. */
    ratePerSecond: 20,
  },
  hooks: {
    /** Channels each kind notifies on. */
    channels: Object.fromEntries(EVENT_KINDS.map((k) => [k, ['email', 'log']])) as Record<EventKind, Channel[]>,
    /** A version reminder repeats no more often than this (Storj: 168h). */
    versionCooldown: '168h',
  },
};

/** Config is what callers pass: every key optional, at any depth. */
export type Config = DeepPartial<typeof DEFAULTS>;
type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

const count = z.number().int('must be a whole number').nonnegative('must be ≥ 0');
const positive = z.number().int('must be a whole number').positive('must be > 0');
const duration = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseDurationMs(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 15m, 1h30m, or milliseconds' });
      return z.NEVER;
    }
    return ms;
  });
const oneLine = z.string().min(1).refine((v) => !/[\r\n\0]/.test(v), 'must be one line (no CR, LF or NUL)');
const nodeIdOrEmpty = z.string().refine((v) => v === '' || isNodeId(v), 'must be a node id (base58check or 64 hex digits), or empty');
const zone = z.string().refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone such as Europe/Berlin');
const channel = z.enum(['email', 'log']);
const kind = z.enum(EVENT_KINDS);

const limit = z
  .strictObject({ maxHr: count, maxDay: count, minDelay: duration })
  .superRefine((l, ctx) => {
    if (l.maxHr > l.maxDay) ctx.addIssue({ code: 'custom', path: ['maxHr'], message: `must be ≤ maxDay (${l.maxDay})`, input: l.maxHr });
  })
  .transform((l) => ({ maxHr: l.maxHr, maxDay: l.maxDay, minDelayMs: l.minDelay }));

const schema = z.strictObject({
  satellite: z.strictObject({ name: oneLine, id: nodeIdOrEmpty }),
  database: z.strictObject({ url: z.string(), dataDir: z.string().min(1), poolSize: positive, connectTimeout: duration }),
  smtp: z.strictObject({
    url: z.string().refine((u) => u === '' || /^smtps?:\/\//.test(u), 'must start with smtp:// or smtps://'),
    from: oneLine,
    pool: z.boolean(),
    maxConnections: positive,
    maxMessages: positive,
    rateDelta: duration,
    rateLimit: count,
    secure: z.boolean(),
    requireTLS: z.boolean(),
    tlsRejectUnauthorized: z.boolean(),
    connectionTimeout: duration,
    greetingTimeout: duration,
    socketTimeout: duration,
  }),
  mail: z.strictObject({ outboxDir: z.string().min(1), templatesDir: z.string() }),
  limits: z.strictObject({ timezone: zone, email: limit, log: limit, perAddress: limit, bypass: z.array(kind) }),
  overlay: z.strictObject({ cacheSize: positive, cacheTtl: duration, onlineWindow: duration, pageSize: positive }),
  nodeLog: z.strictObject({ deadline: duration, keepalive: duration, idleClose: duration, tls: z.boolean() }),
  dispatcher: z.strictObject({
    autoStart: z.boolean(),
    interval: duration,
    batchSize: positive,
    retryBase: duration,
    retryMax: duration,
    maxAttempts: positive,
    lease: duration,
    concurrency: positive,
  }),
  grouping: z.strictObject({ wait: duration }),
  broadcast: z.strictObject({ ratePerSecond: positive }),
  hooks: z.strictObject({ channels: z.record(kind, z.array(channel)), versionCooldown: duration }),
});

/** ResolvedConfig is the validated configuration with durations in milliseconds. */
export type ResolvedConfig = z.output<typeof schema>;
/** Limit is one channel's validated limits. */
export type Limit = ResolvedConfig['limits']['email'];

/**
 * resolveConfig merges defaults, an optional JSON file, `SATNOTIFY_…` variables and `input` (in
 * rising priority) and validates the result once. Throws InvalidConfigError naming every bad key.
 */
export function resolveConfig(input: Config = {}, options: ConfigSources = {}): ResolvedConfig {
  const merged = mergeConfig(input, options);
  const parsed = schema.safeParse(merged);
  if (!parsed.success) throw new InvalidConfigError(parsed.error.issues.flatMap((i) => toConfigIssues(i, merged)));
  return parsed.data;
}

/** ConfigSources are where configuration comes from besides the object passed in code. */
export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  file?: string;
}

/** mergeConfig lays defaults, the file, `SATNOTIFY_…` variables and `input` over each other, unvalidated. */
export function mergeConfig(input: Config = {}, options: ConfigSources = {}): Config {
  const env = options.env ?? {};
  const fromFile = options.file ? readConfigFile(options.file) : {};
  const fromEnv = configFromEnv(env);
  if (!fromEnv.database?.url && !input.database?.url && env['DATABASE_URL']) {
    (fromEnv.database ??= {}).url = env['DATABASE_URL'];
  }
  return deepMerge(deepMerge(deepMerge(DEFAULTS, fromFile), fromEnv), input);
}

/** readConfigFile reads a JSON config file; anything but a JSON object is InvalidConfigError. */
export function readConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidConfigError([{ path: file, message: `cannot read config file: ${(err as Error).message}` }], { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidConfigError([{ path: file, message: `config file is not JSON: ${(err as Error).message}` }], { cause: err });
  }
  if (!isPlainObject(value)) throw new InvalidConfigError([{ path: file, message: 'config file must hold a JSON object' }]);
  return value;
}

/**
 * configFromEnv maps `SATNOTIFY_LIMITS_EMAIL_MAXHR=3` to `{ limits: { email: { maxHr: 3 } } }`.
 * Segments match keys case-insensitively; a variable that names no key is an error, so typos show.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): Config {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SATNOTIFY_') || raw === undefined) continue;
    const segments = name.slice('SATNOTIFY_'.length).split('_');
    let shape: unknown = DEFAULTS;
    let target = out;
    const path: string[] = [];
    for (const [i, seg] of segments.entries()) {
      const key = isPlainObject(shape) ? Object.keys(shape).find((k) => k.toUpperCase() === seg) : undefined;
      if (key === undefined) throw new InvalidConfigError([{ path: name, message: `names no config key (${[...path, seg.toLowerCase()].join('.')})` }]);
      path.push(key);
      shape = (shape as Record<string, unknown>)[key];
      if (i === segments.length - 1) target[key] = parseEnvValue(raw, shape);
      else target = (target[key] ??= {}) as Record<string, unknown>;
    }
  }
  return out;
}

function parseEnvValue(raw: string, shape: unknown): unknown {
  if (typeof shape === 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // validation reports it with the key path
  }
}

function toConfigIssues(issue: z.core.$ZodIssue, input: unknown): ConfigIssue[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({ path: [...path, k].join('.'), message: 'unknown key' }));
  }
  const joined = path.join('.') || '(root)';
  const value = path.reduce<unknown>((v, k) => (isPlainObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), input);
  return [{ path: joined, message: issue.message, value: redactSecrets(value, path.at(-1)) }];
}

function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlainObject(over)) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k], v) : v;
  }
  return out as T;
}

function isNodeId(v: string): boolean {
  try {
    NodeId.parse(v);
    return true;
  } catch {
    return false;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
