/**
 * @module config
 * The one configuration object: defaults, loading from a JSON file and `SATNOTIFY_…` environment
 * variables, and validation (zod) that names the key path and the bad value.
 */
import { readFileSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { formatDuration, parseDurationMs } from './duration.js';
import { InvalidConfigError, type ConfigIssue } from './errors.js';
import { EVENT_KINDS, type Channel, type EventKind } from './notification/content/kinds.js';
import { NodeId } from './overlay/node-id.js';
import { redactedViews, redactSecrets, redactUrl } from './redact.js';

export { redactUrl };

// Bounds: counts stay far below PostgreSQL's integer and what any satellite means; durations stay
// within what Node's timers hold (2^31-1 ms, about 24.8 days) where they become timers, and within
// what the code and PostgreSQL's timestamps hold elsewhere. Zero is allowed only where it means
// something (no gap, no grouping, unlimited rate).
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The most sends a limit may allow per window. */
const MAX_COUNT = 1_000_000;

/** count is a whole number within bounds, with its default and description. */
function count(def: number, min: number, max: number, text: string) {
  return z.number().int('must be a whole number').min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`).default(def).describe(`${text} (${min}–${max}).`);
}

/** duration takes `90s`, `15m`, `1h30m` or milliseconds, within bounds, and yields milliseconds. */
function duration(def: string, min: number, max: number, text: string) {
  return z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const ms = parseDurationMs(v);
      if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 15m, 1h30m, or milliseconds' });
      else if (ms < min || ms > max) ctx.addIssue({ code: 'custom', message: `must be from ${formatDuration(min)} to ${formatDuration(max)}` });
      return ms ?? 0;
    })
    .prefault(def)
    .describe(`${text} (duration, ${formatDuration(min)}–${formatDuration(max)}).`);
}

const flag = (def: boolean, text: string) => z.boolean().default(def).describe(`${text}.`);
const oneLine = (def: string, text: string) =>
  z.string().min(1).refine((v) => !/[\r\n\0]/.test(v), 'must be one line (no CR, LF or NUL)').default(def).describe(`${text}.`);
// Every key of a section has a default, so {} is a valid input; `never` says so to the generic type.
const section = <T extends z.core.$ZodLooseShape>(shape: T, text: string) => z.strictObject(shape).prefault({} as never).describe(text);

/** url accepts '' (not set) or a URL whose scheme is one of `schemes`; it is parsed here so a bad one fails at startup. */
function url(schemes: readonly string[], text: string) {
  return z
    .string()
    .refine((u) => u === '' || (URL.canParse(u) && schemes.includes(new URL(u).protocol.slice(0, -1))), `must be a URL starting with ${schemes.map((x) => `${x}://`).join(' or ')}`)
    .default('')
    .describe(`${text}.`);
}

const limit = (maxHr: number, maxDay: number, minDelay: string, who: string) =>
  z
    .strictObject({
      maxHr: count(maxHr, 0, MAX_COUNT, `Sends per calendar hour ${who}; 0: never`),
      maxDay: count(maxDay, 0, MAX_COUNT, `Sends per calendar day ${who}; 0: never; at least maxHr`),
      minDelay: duration(minDelay, 0, 30 * DAY, `Least time between two sends ${who}; 0: no gap`),
    })
    .superRefine((l, ctx) => {
      if (l.maxHr > l.maxDay) ctx.addIssue({ code: 'custom', path: ['maxHr'], message: `must be ≤ maxDay (${l.maxDay})`, input: l.maxHr });
    })
    .transform((l) => ({ maxHr: l.maxHr, maxDay: l.maxDay, minDelayMs: l.minDelay }))
    .prefault({})
    .describe(`Limits ${who}.`);

/** The configuration: every key once, with its default, bounds and unit. CONFIG.md is generated from it. */
const schema = z.strictObject({
  satellite: section(
    {
      name: oneLine('Satellite', 'Shown in email headers and node-log lines'),
      id: z
        .string()
        .refine((v) => v === '' || isNodeId(v), 'must be a node id (base58check or 64 hex digits), or empty')
        .default('')
        .describe("The satellite's own node id (base58check); sent in node-log messages when set."),
    },
    'Who is sending.',
  ),
  database: section(
    {
      url: url(['postgres', 'postgresql'], 'PostgreSQL URL; empty: the embedded PGlite in `dataDir` (`DATABASE_URL` also sets it)'),
      dataDir: z.string().min(1).default('.satnotify/db').describe('Embedded database folder; `memory://` keeps it in memory.'),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (letters, digits, _)')
        .default('satnotify')
        .describe("PostgreSQL schema satnotify's tables live in, created if missing, so they never clash with a satellite's own (a `nodes` table)."),
      poolSize: count(10, 1, 1000, 'Connections to a PostgreSQL server (PGlite has one)'),
      connectTimeout: duration('5s', 100, 10 * MINUTE, 'How long to wait for a connection before failing'),
    },
    'Where counters, the outbox and the overlay live.',
  ),
  smtp: section(
    {
      url: url(['smtp', 'smtps'], 'SMTP URL, credentials allowed (`smtps://user:pass@host:465`); empty: `.eml` files in `mail.outboxDir`'),
      from: oneLine('Satellite <noreply@satellite.invalid>', 'The From header of every email'),
      pool: flag(true, 'Reuse connections (nodemailer pool)'),
      maxConnections: count(5, 1, 1000, 'Pooled connections at most'),
      maxMessages: count(100, 1, MAX_COUNT, 'Messages per pooled connection before it is recycled'),
      rateDelta: duration('1s', 1, DAY, 'The window `rateLimit` counts in'),
      rateLimit: count(0, 0, MAX_COUNT, 'Messages per `rateDelta`; 0: unlimited'),
      secure: flag(false, 'Implicit TLS (port 465 style)'),
      requireTLS: flag(false, 'Refuse to send unless STARTTLS succeeds'),
      tlsRejectUnauthorized: flag(true, 'Verify the server certificate (keep true in production)'),
      verifyOnStart: flag(false, 'Fail createNotificationService when the server cannot be reached, logged into or trusted (it is always checked at startup; when false, a failure is logged once)'),
      connectionTimeout: duration('10s', 100, 10 * MINUTE, 'How long to wait for the TCP connection'),
      greetingTimeout: duration('10s', 100, 10 * MINUTE, "How long to wait for the server's greeting"),
      socketTimeout: duration('30s', 100, 10 * MINUTE, 'How long a connection may stay silent'),
    },
    'Outgoing mail.',
  ),
  mail: section(
    {
      outboxDir: z.string().min(1).default('.satnotify/outbox').describe('Where the file sender writes `.eml` files (made on the first email).'),
      templatesDir: z.string().default('').describe('Template folder; empty: the templates shipped with the package.'),
    },
    'Email rendering and the file sender.',
  ),
  limits: section(
    {
      timezone: z
        .string()
        .refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone such as Europe/Berlin')
        .default('UTC')
        .describe('IANA zone whose calendar hours and days the limits count in.'),
      email: limit(2, 5, '15m', 'per node by email'),
      log: limit(10, 50, '1m', 'per node to its log'),
      perAddress: limit(6, 24, '0s', "per operator address, across the operator's nodes"),
      bypass: z
        .array(z.enum(EVENT_KINDS))
        .default(['disqualified'])
        .describe('Kinds that skip maxHr and maxDay (never minDelay).'),
    },
    'MaxHr, MaxDay and MinDelay.',
  ),
  overlay: section(
    {
      cacheSize: count(10_000, 1, 10_000_000, 'Nodes kept in the in-process cache'),
      cacheTtl: duration('1m', 1, DAY, 'How long a cached node is trusted'),
      onlineWindow: duration('4h', MINUTE, 30 * DAY, 'A node is online when its last successful contact is within this window (Storj: 4h)'),
      pageSize: count(500, 1, 10_000, 'Rows per page when streaming a selection'),
    },
    'Nodes and their operators.',
  ),
  nodeLog: section(
    {
      deadline: duration('5s', 10, 10 * MINUTE, 'Deadline of one ProcessNotification call'),
      keepalive: duration('30s', SECOND, HOUR, 'gRPC keepalive ping interval'),
      idleClose: duration('5m', 10, DAY, "Close a node's channel after it has been idle this long"),
      maxChannels: count(1000, 1, 100_000, 'Node channels kept open at most; the least recently used is closed first'),
      tls: flag(false, 'Use TLS to reach nodes'),
    },
    'Messages into the node log over gRPC.',
  ),
  dispatcher: section(
    {
      autoStart: flag(true, 'Start the background dispatcher on create'),
      interval: duration('1s', 1, HOUR, 'Pause between passes when nothing is due'),
      batchSize: count(100, 1, 10_000, 'Groups claimed per pass'),
      retryBase: duration('30s', 1, DAY, 'First retry delay after a transient failure (doubles, with jitter)'),
      retryMax: duration('1h', 1, 7 * DAY, 'Longest retry delay'),
      maxAttempts: count(12, 1, 100, 'Attempts before a transient failure is final'),
      maxAmbiguousAttempts: count(3, 1, 20, 'Attempts whose message may have been delivered unconfirmed (a connection lost after the data went out) before the notification is final; each may leave a copy with the same Message-ID'),
      lease: duration('2m', SECOND, HOUR, "How long a worker owns claimed rows; a crashed worker's rows are taken over after it"),
      concurrency: count(16, 1, 1000, 'Groups delivered in parallel by one worker'),
      firstAttemptWait: duration('10s', 0, 5 * MINUTE, "How long informNodeEmail/informNodeLog wait for another worker's pass of their group before answering `queued`"),
    },
    'The background delivery loop.',
  ),
  grouping: section(
    { wait: duration('5m', 0, DAY, 'Emails to one address within this wait leave as one email (Storj: 5m); 0: no grouping') },
    "Operator grouping of hook emails.",
  ),
  broadcast: section({ ratePerSecond: count(20, 1, 100_000, 'Emails per second a broadcast is spread at') }, 'Announcements to many nodes.'),
  hooks: section(
    {
      channels: z
        .partialRecord(z.enum(EVENT_KINDS), z.array(z.enum(['email', 'log'])))
        .default(Object.fromEntries(EVENT_KINDS.map((k) => [k, ['email', 'log']])) as Record<EventKind, Channel[]>)
        .describe('Channels each kind notifies on, e.g. `{ "node-offline": ["email"] }`; default: every kind on email and log.'),
      versionCooldown: duration('168h', MINUTE, 365 * DAY, 'A version reminder repeats no more often than this (Storj: 168h)'),
      offlineAfter: duration('1h', 0, 7 * DAY, 'A node is reported offline once its uptime checks have failed for this long; 0: at the first failed check'),
      flapChanges: count(4, 2, 100, 'Offline/online changes within `flapWindow` that make a node flapping: one "flapping" notice instead of the next change'),
      flapWindow: duration('24h', MINUTE, 7 * DAY, 'The window flapping changes are counted in'),
      flapStable: duration('6h', MINUTE, 7 * DAY, "How long a flapping node must hold one state before its changes are notified again (if it stays offline, it is then reported offline)"),
    },
    "The satellite's uptime, audit, containment and version hooks.",
  ),
});

/** Config is what callers pass: every key optional, at any depth; durations as `15m` or milliseconds. */
export type Config = z.input<typeof schema>;
/** ResolvedConfig is the validated configuration with durations in milliseconds. */
export type ResolvedConfig = z.output<typeof schema>;
/** Limit is one channel's validated limits. */
export type Limit = ResolvedConfig['limits']['email'];

/** CONFIG_JSON_SCHEMA describes every key (type, default, bounds, description); CONFIG.md is made from it. */
export const CONFIG_JSON_SCHEMA = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** JsonSchema is the part of a JSON Schema node the reference and DEFAULTS read. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
}

/** DEFAULTS is every setting with its default, as a caller would write it (durations as strings). */
export const DEFAULTS = defaultsOf(CONFIG_JSON_SCHEMA) as DeepRequired<Config>;
type DeepRequired<T> = { [K in keyof T]-?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object | undefined ? DeepRequired<NonNullable<T[K]>> : T[K] };

function defaultsOf(node: JsonSchema): unknown {
  if (!node.properties) return node.default;
  return Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, defaultsOf(v)]));
}

/**
 * resolveConfig merges defaults, an optional JSON file, `SATNOTIFY_…` variables and `input` (in
 * rising priority) and validates the result once. Throws InvalidConfigError naming every bad key.
 */
export function resolveConfig(input: Config = {}, options: ConfigSources = {}): ResolvedConfig {
  const merged = mergeConfig(input, options);
  const parsed = schema.safeParse(merged);
  if (!parsed.success) throw new InvalidConfigError(parsed.error.issues.flatMap((i) => toConfigIssues(i, merged)));
  return redactedViews(parsed.data);
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
