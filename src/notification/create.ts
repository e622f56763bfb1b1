/**
 * @module notification/create
 * createNotificationService: picks implementations from config (PostgreSQL or embedded PGlite,
 * SMTP or .eml files, the channel plugins) and wires them into a NotificationService.
 */
import { resolveConfig, type Config } from '../config.js';
import { InvalidConfigError, type ConfigIssue } from '../errors.js';
import { openDatabase } from '../database/connect.js';
import { silentLogger, type Logger } from '../logger.js';
import { openChannels } from '../channels/instances.js';
import type { NodeLogClient } from '../channels/nodelog/client.js';
import { TemplateSet } from '../mailservice/templates.js';
import { OverlayCache } from '../overlay/cache.js';
import { PgOverlay } from '../overlay/pg-overlay.js';
import { contentFor } from './content/content.js';
import { Dispatcher } from './dispatch/loop.js';
import { Metrics } from './metrics.js';
import { PgOutbox } from './outbox/pg-outbox.js';
import { PgNodeStateStore } from './hooks/pg-node-state.js';
import { PgStatusStore } from './limits/pg-store.js';
import { NotificationService } from './service.js';
import { OperatorPreferences } from '../preferences/operator-preferences.js';
import { PgPreferenceStore } from '../preferences/pg-store.js';
import { Links } from '../links/links.js';

/** ServiceOptions extends Config with the injectable parts. */
export interface ServiceOptions extends Config {
  /** Injectable clock, for tests and simulations. */
  clock?: () => Date;
  logger?: Logger;
  /** Environment for `SATNOTIFY_…` overrides and `{ env }` channel params; default: none (pass process.env to use it). */
  env?: NodeJS.ProcessEnv;
  /** A JSON config file read under the other sources. */
  configFile?: string;
  /** Replace the built-in `log` instance's gRPC client (e.g. with TLS credentials of a private CA). */
  nodeLogClient?: NodeLogClient;
}

/**
 * createNotificationService builds a ready service. With no options it runs fully embedded: PGlite
 * in `.satnotify/db`, emails as `.eml` files in `.satnotify/outbox`.
 *
 * @example
 * ```ts
 * const svc = await createNotificationService({ database: { url: process.env.DATABASE_URL } });
 * await svc.onUptimeCheck(nodeId, { ok: false });
 * await svc.close();
 * ```
 */
export async function createNotificationService(options: ServiceOptions = {}): Promise<NotificationService> {
  const { clock = () => new Date(), logger = silentLogger, env, configFile, nodeLogClient, ...input } = checkOptions(options);
  const config = resolveConfig(input, { ...(env && { env }), ...(configFile && { file: configFile }) });
  const templates = TemplateSet.load(config.mail.templatesDir || undefined);
  const db = await openDatabase(config.database);
  // Whatever fails from here on, the database opened above is closed before the error leaves.
  try {
    const channels = await openChannels(config, { templates, logger, env: env ?? {}, ...(nodeLogClient && { nodeLogClient }) });
    const outbox = new PgOutbox(db.pool, db.statements);
    const nodeState = new PgNodeStateStore(db.pool, db.statements);
    const status = new PgStatusStore(db.pool, db.statements);
    const metrics = new Metrics();
    const links = Links.create(config.web);
    const content = contentFor(templates, config, (name) => channels.get(name).audience, links);
    const preferences = new OperatorPreferences(new PgPreferenceStore(db.pool), config, channels.names);
    const dispatcher = new Dispatcher({ config, outbox, status, channels, content, preferences, metrics, clock, logger });
    const overlay = new OverlayCache(new PgOverlay(db.pool, db.statements), config.overlay, clock);
    logger.info({ database: db.description, channels: Object.fromEntries(channels.names.map((n) => [n, channels.get(n).sender.description])) }, 'satnotify ready');
    const service = new NotificationService({ config, overlay, outbox, nodeState, status, channels, content, preferences, links, dispatcher, metrics, clock, logger, onClose: () => db.close() });
    if (config.dispatcher.autoStart) dispatcher.start();
    return service;
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

/** checkOptions refuses options that are not an object, and injected parts of the wrong kind, before anything opens. */
function checkOptions(options: unknown): ServiceOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new InvalidConfigError([{ path: '(options)', message: 'must be an object' }]);
  const o = options as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  if (o['clock'] !== undefined && typeof o['clock'] !== 'function') issues.push({ path: 'clock', message: 'must be a function returning a Date' });
  for (const [key, methods] of [['logger', ['info', 'warn', 'error']], ['nodeLogClient', ['send', 'close']]] as const) {
    const v = o[key] as Record<string, unknown> | undefined;
    if (v !== undefined && (typeof v !== 'object' || v === null || methods.some((m) => typeof v[m] !== 'function'))) issues.push({ path: key, message: `must be an object with ${methods.join(', ')} methods` });
  }
  if (o['env'] !== undefined && (typeof o['env'] !== 'object' || o['env'] === null)) issues.push({ path: 'env', message: 'must be an object of environment variables' });
  if (o['configFile'] !== undefined && typeof o['configFile'] !== 'string') issues.push({ path: 'configFile', message: 'must be a file path' });
  if (issues.length > 0) throw new InvalidConfigError(issues);
  return options;
}
