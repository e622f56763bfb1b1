/**
 * @module notification/create
 * createNotificationService: picks implementations from config (PostgreSQL or embedded PGlite,
 * SMTP or .eml files) and wires them into a NotificationService.
 */
import { resolveConfig, type Config } from '../config.js';
import { openDatabase } from '../database/connect.js';
import { silentLogger, type Logger } from '../logger.js';
import { createSender } from '../mailservice/sender.js';
import { MailService } from '../mailservice/service.js';
import { TemplateSet } from '../mailservice/templates.js';
import { OverlayCache } from '../overlay/cache.js';
import { PgOverlay } from '../overlay/pg-overlay.js';
import { Content } from './content.js';
import { Dispatcher } from './dispatcher.js';
import { Metrics } from './metrics.js';
import type { NodeLogClient } from './nodelog/client.js';
import { GrpcNodeLogClient } from './nodelog/grpc-client.js';
import { PgOutbox } from './pg-outbox.js';
import { PgStatusStore } from './pg-store.js';
import { NotificationService } from './service.js';

/** ServiceOptions extends Config with the injectable parts. */
export interface ServiceOptions extends Config {
  /** Injectable clock, for tests and simulations. */
  clock?: () => Date;
  logger?: Logger;
  /** Environment for `SATNOTIFY_…` overrides; default: none (pass process.env to use it). */
  env?: NodeJS.ProcessEnv;
  /** A JSON config file read under the other sources. */
  configFile?: string;
  /** Replace the gRPC client (e.g. with TLS credentials). */
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
  const { clock = () => new Date(), logger = silentLogger, env, configFile, nodeLogClient, ...input } = options;
  const config = resolveConfig(input, { ...(env && { env }), ...(configFile && { file: configFile }) });
  const templates = TemplateSet.load(config.mail.templatesDir || undefined);
  const db = await openDatabase(config.database);
  const mail = new MailService({ templates, sender: createSender(config, logger), from: config.smtp.from });
  const nodeLog = nodeLogClient ?? new GrpcNodeLogClient(config.nodeLog);
  const outbox = new PgOutbox(db.pool);
  const status = new PgStatusStore(db.pool);
  const metrics = new Metrics();
  const content = new Content(mail, config);
  const dispatcher = new Dispatcher({ config, outbox, status, mail, nodeLog, content, metrics, clock, logger });
  const overlay = new OverlayCache(new PgOverlay(db.pool), config.overlay, clock);
  logger.info({ database: db.description, mail: mail.sender.description }, 'satnotify ready');
  const service = new NotificationService({ config, overlay, outbox, status, mail, nodeLog, content, dispatcher, metrics, clock, logger, onClose: () => db.close() });
  if (config.dispatcher.autoStart) dispatcher.start();
  return service;
}
