/**
 * @module config
 * The one configuration object: each module's section composed, loading from a JSON file and
 * `SATNOTIFY_…` environment variables, and validation (zod) that names the key path and the bad value.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Limit } from './config-schema.js';
import { DATABASE_CONFIG } from './database/config.js';
import { InvalidConfigError, type ConfigIssue } from './errors.js';
import { MAIL_CONFIG, SMTP_CONFIG } from './mailservice/config.js';
import { BUILT_IN_CHANNELS, CHANNELS_CONFIG, SECRETS_FILE_CONFIG } from './channels/config.js';
import { NODELOG_CONFIG } from './channels/nodelog/config.js';
import { BROADCAST_CONFIG, DISPATCHER_CONFIG } from './notification/dispatch/config.js';
import { GROUPING_CONFIG, HOOKS_CONFIG } from './notification/hooks/config.js';
import { GUARD_CONFIG } from './notification/guard/config.js';
import { LIMITS_CONFIG } from './notification/limits/config.js';
import { LINKS_CONFIG, REPUTATION_CONFIG } from './notification/content/config.js';
import { OVERLAY_CONFIG } from './overlay/config.js';
import { PREFERENCES_CONFIG } from './preferences/config.js';
import { RETENTION_CONFIG } from './notification/retention/config.js';
import { REPORTS_CONFIG } from './notification/reports/config.js';
import { WEB_CONFIG } from './web/config.js';
import { API_CONFIG } from './api/config.js';
import { DESTINATION_ID, DESTINATIONS_CONFIG } from './destinations/config.js';
import { SATELLITE_CONFIG } from './satellite.js';
import { redactedViews, redactSecrets, redactUrl } from './redact.js';

export { redactUrl };

/**
 * The configuration: each module's section, every key once, with its default, bounds and unit. CONFIG.md is generated
 * from it.
 */
const schema = z
  .strictObject({
    satellite: SATELLITE_CONFIG,
    database: DATABASE_CONFIG,
    smtp: SMTP_CONFIG,
    mail: MAIL_CONFIG,
    limits: LIMITS_CONFIG,
    overlay: OVERLAY_CONFIG,
    nodeLog: NODELOG_CONFIG,
    dispatcher: DISPATCHER_CONFIG,
    retention: RETENTION_CONFIG,
    grouping: GROUPING_CONFIG,
    broadcast: BROADCAST_CONFIG,
    hooks: HOOKS_CONFIG,
    guard: GUARD_CONFIG,
    channels: CHANNELS_CONFIG,
    secretsFile: SECRETS_FILE_CONFIG,
    preferences: PREFERENCES_CONFIG,
    web: WEB_CONFIG,
    links: LINKS_CONFIG,
    reputation: REPUTATION_CONFIG,
    api: API_CONFIG,
    reports: REPORTS_CONFIG,
    destinations: DESTINATIONS_CONFIG,
  })
  .superRefine((c, ctx) => {
    // An operator's destination is an instance named by its id: config's own names never look like one.
    for (const name of Object.keys(c.channels))
      if (DESTINATION_ID.test(name))
        ctx.addIssue({
          code: 'custom',
          path: ['channels', name],
          message: "has the shape of an operator's destination id (d and 24 hex digits); choose another name",
        });
    // An operator's nick is messaged over one of the satellite's own irc instances.
    if (c.destinations.kinds.includes('irc') && !Object.keys(c.channels).includes(c.destinations.irc.instance))
      ctx.addIssue({
        code: 'custom',
        path: ['destinations', 'irc', 'instance'],
        message: `must name the irc instance of the satellite's own that messages operators' nicks (there are: ${Object.keys(c.channels).join(', ') || 'none'})`,
      });
    // Operators' destinations hold private delivery data, sealed at rest: no kinds without a key.
    if (c.destinations.kinds.length > 0 && c.destinations.encryptionKey === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['destinations', 'encryptionKey'],
        message: 'is required when destinations.kinds is not empty: give it as { "secret": "name" }',
      });
    // Hooks route kinds to instance names; each must be one that exists.
    const names = [...Object.keys(BUILT_IN_CHANNELS), ...Object.keys(c.channels)];
    for (const [kind, routed] of Object.entries(c.hooks.channels)) {
      for (const [i, name] of (routed ?? []).entries()) {
        if (!names.includes(name))
          ctx.addIssue({
            code: 'custom',
            path: ['hooks', 'channels', kind, i],
            message: `names no channel instance (there are: ${names.join(', ')})`,
            input: name,
          });
      }
    }
    // The guard alerts the satellite's own people: an instance of its own, not the operators' email or a node's log.
    if (c.guard.alert && !Object.keys(c.channels).includes(c.guard.alert))
      ctx.addIssue({
        code: 'custom',
        path: ['guard', 'alert'],
        message: `names no configured channel instance of the satellite's own (there are: ${Object.keys(c.channels).join(', ') || 'none'})`,
        input: c.guard.alert,
      });
    // A reported period is remembered at least as long as it may still be reported.
    if (c.retention.usageMs <= c.reports.graceMs)
      ctx.addIssue({
        code: 'custom',
        path: ['retention', 'usage'],
        message: 'must be longer than reports.grace: a period forgotten within its grace would be reported again',
        input: c.retention.usageMs,
      });
    // The network's report is the satellite's own message: on its own instances, never the operators' email.
    for (const [i, name] of c.reports.network.instances.entries())
      if (!Object.keys(c.channels).includes(name))
        ctx.addIssue({
          code: 'custom',
          path: ['reports', 'network', 'instances', i],
          message: `names no configured channel instance of the satellite's own (there are: ${Object.keys(c.channels).join(', ') || 'none'})`,
          input: name,
        });
    for (const name of Object.keys(c.preferences.filters)) {
      if (!names.includes(name))
        ctx.addIssue({
          code: 'custom',
          path: ['preferences', 'filters', name],
          message: `names no channel instance (there are: ${names.join(', ')})`,
          input: name,
        });
    }
  });

/** Config is what callers pass: every key optional, at any depth; durations as `15m` or milliseconds. */
export type Config = z.input<typeof schema>;
/** ResolvedConfig is the validated configuration with durations in milliseconds. */
export type ResolvedConfig = z.output<typeof schema>;
export type { Limit };

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
  additionalProperties?: JsonSchema;
}

/** DEFAULTS is every setting with its default, as a caller would write it (durations as strings). */
export const DEFAULTS = defaultsOf(CONFIG_JSON_SCHEMA) as DeepRequired<Config>;
type DeepRequired<T> = {
  [K in keyof T]-?: T[K] extends readonly unknown[]
    ? T[K]
    : T[K] extends object | undefined
      ? DeepRequired<NonNullable<T[K]>>
      : T[K];
};

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
    throw new InvalidConfigError([{ path: file, message: `cannot read config file: ${(err as Error).message}` }], {
      cause: err,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidConfigError([{ path: file, message: `config file is not JSON: ${(err as Error).message}` }], {
      cause: err,
    });
  }
  if (!isPlainObject(value))
    throw new InvalidConfigError([{ path: file, message: 'config file must hold a JSON object' }]);
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
      if (key === undefined)
        throw new InvalidConfigError([
          { path: name, message: `names no config key (${[...path, seg.toLowerCase()].join('.')})` },
        ]);
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
  if (issue.code === 'invalid_key') {
    // A map's key (a channel name) is bad: say why, not just that.
    return [{ path: path.join('.'), message: issue.issues.map((i) => i.message).join('; ') }];
  }
  const joined = path.join('.') || '(root)';
  const value = path.reduce<unknown>(
    (v, k) => (isPlainObject(v) || Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined),
    input,
  );
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

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
