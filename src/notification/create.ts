/**
 * @module notification/create
 * createNotificationService: picks implementations from config (PostgreSQL or embedded PGlite,
 * SMTP or .eml files, the channel plugins), or takes ready ones, and wires them into a
 * NotificationService. One of the composition roots: it alone knows every implementation.
 */
import { resolveConfig, type Config, type ResolvedConfig } from '../config.js';
import { InvalidConfigError, type ConfigIssue } from '../errors.js';
import { openDatabase, type Database } from '../database/connect.js';
import { silentLogger, type Logger } from '../logger.js';
import { openChannels } from '../channels/instances.js';
import type { Audience } from '../channels/plugin.js';
import { fillSecrets, readSecretsFile, type Secrets } from '../secrets.js';
import { Destinations } from '../destinations/destinations.js';
import { PgDestinationStore } from '../destinations/pg-store.js';
import type { Resolver } from '../destinations/safe-request.js';
import { MIN_KEY_LENGTH, Sealer } from '../destinations/sealed.js';
import type { NodeLogClient } from '../channels/nodelog/client.js';
import { Links } from '../links/links.js';
import { DEFAULT_FROM } from '../mailservice/config.js';
import { TemplateSet } from '../mailservice/templates.js';
import { OverlayCache } from '../overlay/cache.js';
import type { OverlayDB } from '../overlay/db.js';
import { PgOverlay } from '../overlay/pg-overlay.js';
import { OperatorPreferences } from '../preferences/operator-preferences.js';
import { PgPreferenceStore } from '../preferences/pg-store.js';
import type { PreferenceStore } from '../preferences/store.js';
import { contentFor, type Content } from './content/content.js';
import { Dispatcher } from './dispatch/loop.js';
import { openFleetMail } from './fleet/open.js';
import { StormGuard } from './guard/guard.js';
import { PgGuardStore } from './guard/pg-store.js';
import type { NodeStateStore } from './hooks/node-state.js';
import { PgNodeStateStore } from './hooks/pg-node-state.js';
import { PgStatusStore } from './limits/pg-store.js';
import type { StatusStore } from './limits/store.js';
import { Metrics } from './metrics.js';
import type { Outbox } from './outbox/outbox.js';
import { PgOutbox } from './outbox/pg-outbox.js';
import { Retention } from './retention/retention.js';
import { PgUsageStore } from './usage/pg-store.js';
import { PgNewsStore } from './news/pg-store.js';
import { PgReportStore } from './reports/pg-store.js';
import { Reports } from './reports/reports.js';
import { NotificationService } from './service.js';

/** Seams are the parts a satellite may bring ready-made; each one left out is made on the configured database. */
export interface Seams {
  /**
   * The satellite's own overlay (its nodes table) behind the OverlayDB seam, which satnotify
   * caches; or, as a plain object, the `overlay` section of the configuration (the cache's settings).
   */
  overlay?: OverlayDB | Config['overlay'];
  /** Where MaxHr/MaxDay/MinDelay are counted (MemoryStatusStore for one process). */
  statusStore?: StatusStore;
  /**
   * The durable queue of notifications; given, `nodeState` must be too: a node's changes are recorded with their
   * notifications.
   */
  outbox?: Outbox;
  /** Each node's recorded state, written with the notifications its changes are news of, into `outbox`. */
  nodeState?: NodeStateStore;
  /** The operators' stored preferences. */
  preferenceStore?: PreferenceStore;
}

/** ServiceOptions extends Config with the injectable parts. */
export interface ServiceOptions extends Omit<Config, 'overlay'>, Seams {
  /** Injectable clock, for tests and simulations. */
  clock?: () => Date;
  logger?: Logger;
  /**
   * Environment for `SATNOTIFY_…` overrides (default: none; pass process.env to use it) and for
   * `{ env }` secrets (default: process.env).
   */
  env?: NodeJS.ProcessEnv;
  /** A JSON config file read under the other sources. */
  configFile?: string;
  /** Replace the built-in `log` instance's gRPC client (e.g. with TLS credentials of a private CA). */
  nodeLogClient?: NodeLogClient;
  /** Resolves the host names in operators' own destinations (tests and labs); node:dns by default. */
  destinationResolver?: Resolver;
}

const SEAM_METHODS: Readonly<Record<keyof Seams, readonly string[]>> = {
  overlay: ['get', 'upsert', 'selectPage'],
  statusStore: ['reserve', 'refund', 'get', 'rename'],
  outbox: [
    'insert',
    'claim',
    'insertDigest',
    'attachReservations',
    'release',
    'markSent',
    'markHeld',
    'markRetry',
    'markFailed',
    'markSuppressed',
    'suppressOpen',
    'get',
    'forOperator',
    'feedPosition',
    'counts',
    'prune',
    'compact',
    'pruned',
    'history',
    'eraseOperator',
  ],
  nodeState: ['record'],
  preferenceStore: ['getMany', 'put', 'erase', 'erasedAt'],
};

/**
 * createNotificationService builds a ready service. With no options it runs fully embedded: PGlite
 * in `.satnotify/db`, emails as `.eml` files in `.satnotify/outbox`. Ready-made seams (`overlay`,
 * `statusStore`, `outbox` with `nodeState`, `preferenceStore`) replace what would be made on the
 * database; given all of them, no database is opened.
 *
 * @example
 * ```ts
 * const svc = await createNotificationService({ database: { url: process.env.DATABASE_URL } });
 * await svc.onUptimeCheck(nodeId, { ok: false });
 * await svc.close();
 * ```
 */
export async function createNotificationService(options: ServiceOptions = {}): Promise<NotificationService> {
  const {
    clock = () => new Date(),
    logger = silentLogger,
    env,
    configFile,
    nodeLogClient,
    destinationResolver,
    overlay: overlayOption,
    statusStore,
    outbox,
    nodeState,
    preferenceStore,
    ...rest
  } = checkOptions(options);
  const overlay = isOverlayDb(overlayOption) ? overlayOption : undefined;
  const input: Config = {
    ...rest,
    ...(!overlay && overlayOption !== undefined && { overlay: overlayOption as Config['overlay'] }),
  };
  const config = resolveConfig(input, { ...(env && { env }), ...(configFile && { file: configFile }) });
  const templates = TemplateSet.load(config.mail.templatesDir || undefined);
  const needsDatabase = !overlay || !statusStore || !outbox || !nodeState || !preferenceStore;
  const db: Database | null = needsDatabase ? await openDatabase(config.database) : null;
  // Whatever fails from here on, the database opened above is closed before the error leaves.
  let fleet: Awaited<ReturnType<typeof openFleetMail>> = null;
  try {
    const secrets = secretsOf(config.secretsFile, env);
    const channels = await openChannels(config, {
      templates,
      logger,
      secrets,
      ...(nodeLogClient && { nodeLogClient }),
    });
    const links = Links.create(config.web);
    const audience = (name: string): Audience => channels.get(name).audience;
    const parts = {
      outbox: outbox ?? new PgOutbox(pool(db).pool, pool(db).statements),
      nodeState: nodeState ?? new PgNodeStateStore(pool(db).pool, pool(db).statements),
      status: statusStore ?? new PgStatusStore(pool(db).pool, pool(db).statements),
      metrics: new Metrics(),
      content: contentFor(templates, config, audience, links),
      preferences: new OperatorPreferences(
        preferenceStore ?? new PgPreferenceStore(pool(db).pool),
        config,
        channels.names,
      ),
    };
    const guard =
      db && !outbox && !nodeState ? stormGuard(config, db, !overlay, channels, parts.metrics, clock, logger) : null;
    // A fleet's email from another satellite is worded as that satellite says it: one Content per name.
    const contents = new Map([[config.satellite.name, parts.content]]);
    const contentOf = (name: string): Content => {
      let content = contents.get(name);
      if (!content)
        contents.set(
          name,
          (content = contentFor(templates, { ...config, satellite: { ...config.satellite, name } }, audience, links)),
        );
      return content;
    };
    fleet = await openFleetMail(config, outbox ? null : db, {
      config,
      channels,
      preferences: parts.preferences,
      metrics: parts.metrics,
      clock,
      logger,
      contentOf,
    });
    const dispatcher = new Dispatcher({
      config,
      channels,
      clock,
      logger,
      ...parts,
      ...(guard && { guard }),
      ...(fleet && { fleet: fleet.mail }),
    });
    const usage = db && !outbox ? new PgUsageStore(db.pool) : null;
    const reportStore = db && !outbox ? new PgReportStore(db.pool) : null;
    const retention = new Retention({
      outbox: parts.outbox,
      ...(usage && { usage }),
      ...(reportStore && { reports: reportStore }),
      config: config.retention,
      zone: config.limits.timezone,
      clock,
      logger,
    });
    const cache = new OverlayCache(overlay ?? new PgOverlay(pool(db).pool, pool(db).statements), config.overlay, clock);
    const destinations =
      db && !outbox
        ? new Destinations({
            config: config.destinations,
            store: new PgDestinationStore(db.pool),
            status: parts.status,
            sealer: sealerOf(config, secrets),
            channels,
            overlay: cache,
            content: parts.content,
            preferences: parts.preferences,
            satellite: config.satellite,
            limits: config.limits.email,
            clock,
            logger,
            ...(destinationResolver && { resolver: destinationResolver }),
          })
        : null;
    if (destinations) {
      // Their copies go out as instances of their own, and their filters may name them.
      channels.addOwn(destinations);
      parts.preferences.allowOwn((operator, names) => destinations.ownsAll(operator, names));
    }
    const reports = reportStore && reportsChore(config, reportStore, cache, parts, links, clock, logger);
    warnDefaultSender(config, logger);
    logger.info(
      {
        database: db?.description ?? 'none (every store given)',
        channels: Object.fromEntries(channels.names.map((n) => [n, channels.get(n).sender.description])),
      },
      'satnotify ready',
    );
    const service = new NotificationService({
      config,
      overlay: cache,
      channels,
      links,
      dispatcher,
      retention,
      clock,
      logger,
      ...parts,
      guard,
      fleet: fleet?.mail ?? null,
      usage,
      reports,
      reportStore,
      news: db && !outbox ? new PgNewsStore(db.pool) : null,
      destinations,
      onClose: async () => {
        await fleet?.close();
        await db?.close();
      },
    });
    if (config.dispatcher.autoStart) {
      dispatcher.start();
      retention.start();
      reports?.start();
      fleet?.retention.start();
    }
    return service;
  } catch (err) {
    await fleet?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    throw err;
  }
}

/** sealerOf is the key ring destinations' delivery data is sealed with, or null when no key is configured. */
function sealerOf(config: ResolvedConfig, secrets: Secrets): Sealer | null {
  const key = config.destinations.encryptionKey;
  if (key === undefined) return null;
  const value = fillSecrets({ encryptionKey: key }, 'destinations', secrets)['encryptionKey'] as string | string[];
  const filled = Array.isArray(value) ? value : [value];
  const short = filled.findIndex((k) => k.length < MIN_KEY_LENGTH);
  if (short >= 0)
    throw new InvalidConfigError([
      {
        path: `destinations.encryptionKey${Array.isArray(key) ? `.${short}` : ''}`,
        message: `must be at least ${MIN_KEY_LENGTH} characters`,
      },
    ]);
  return new Sealer(filled);
}

/**
 * stormGuard is the guard on the database that holds the outbox and the node states (the one the
 * service made): it counts offline nodes there, and checked ones in `nodes` when that is the overlay.
 */
function stormGuard(
  config: ResolvedConfig,
  db: Database,
  countsChecked: boolean,
  channels: Awaited<ReturnType<typeof openChannels>>,
  metrics: Metrics,
  clock: () => Date,
  logger: Logger,
): StormGuard {
  const alert = config.guard.alert;
  if (alert && channels.get(alert).audience !== 'node')
    throw new InvalidConfigError([
      {
        path: 'guard.alert',
        message: "names an operators' channel; the alert needs one of the satellite's own (audience 'node')",
      },
    ]);
  return new StormGuard({
    store: new PgGuardStore(db.pool, { countsChecked }),
    config: config.guard,
    offlineAfterMs: config.hooks.offlineAfterMs,
    metrics,
    clock,
    logger,
  });
}

/** reportsChore is the reports' schedule, reading the service's overlay and database. */
function reportsChore(
  config: ResolvedConfig,
  store: PgReportStore,
  overlay: OverlayCache,
  parts: { content: Content; preferences: OperatorPreferences },
  links: Links | null,
  clock: () => Date,
  logger: Logger,
): Reports {
  const r = config.reputation;
  const h = config.hooks;
  return new Reports({
    config: config.reports,
    store,
    overlay,
    preferences: parts.preferences,
    content: parts.content,
    links,
    satellite: config.satellite.name,
    zone: config.limits.timezone,
    bars: {
      audit: r.auditDisqualificationBelow,
      unknownAudit: r.unknownAuditSuspensionBelow,
      online: r.onlineSuspensionBelow,
    },
    margins: { audit: h.auditWarnMargin, unknownAudit: h.suspensionWarnMargin, online: h.onlineWarnMargin },
    onlineWindowMs: config.overlay.onlineWindowMs,
    clock,
    logger,
  });
}

/** Whether this process has said that the default sender is in use (once is enough). */
let warnedDefaultSender = false;

/**
 * warnDefaultSender says, once per process, that emails leave over SMTP from the placeholder sender:
 * providers reject or bin mail from a `.invalid` domain, so nothing would arrive.
 */
function warnDefaultSender(config: ResolvedConfig, logger: Logger): void {
  if (warnedDefaultSender || !config.smtp.url || config.smtp.from !== DEFAULT_FROM) return;
  warnedDefaultSender = true;
  logger.warn(
    { from: DEFAULT_FROM },
    'smtp.from is the placeholder sender: mail providers reject or junk mail from a .invalid domain; set smtp.from to an address of your satellite',
  );
}

/** isOverlayDb tells an OverlayDB (it has methods) from the `overlay` config section (plain settings). */
function isOverlayDb(v: unknown): v is OverlayDB {
  return (
    typeof v === 'object' &&
    v !== null &&
    SEAM_METHODS.overlay.some((m) => typeof (v as Record<string, unknown>)[m] === 'function')
  );
}

/**
 * secretsOf is where `{ env }` and `{ secret }` values are read: the env option when given, else
 * this process's environment; and the secrets file, when one is configured.
 */
function secretsOf(file: string, env: NodeJS.ProcessEnv | undefined): Secrets {
  return {
    env: env ?? process.env,
    envSource: env ? 'the env option of createNotificationService' : 'process.env',
    named: file ? readSecretsFile(file) : null,
    file,
  };
}

/** pool is the opened database; only asked for when a seam was left out, which is when it was opened. */
function pool(db: Database | null): Database {
  if (!db) throw new Error('satnotify: no database was opened');
  return db;
}

/** checkOptions refuses options that are not an object, and injected parts of the wrong kind, before anything opens. */
function checkOptions(options: unknown): ServiceOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidConfigError([{ path: '(options)', message: 'must be an object' }]);
  const o = options as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  if (o['clock'] !== undefined && typeof o['clock'] !== 'function')
    issues.push({ path: 'clock', message: 'must be a function returning a Date' });
  const objects: Array<[string, readonly string[]]> = [
    ['logger', ['info', 'warn', 'error']],
    ['nodeLogClient', ['send', 'close']],
    ...Object.entries(SEAM_METHODS),
  ];
  for (const [key, methods] of objects) {
    if (key === 'overlay' && !isOverlayDb(o[key])) continue; // the config section
    const v = o[key] as Record<string, unknown> | undefined;
    if (v !== undefined && (typeof v !== 'object' || v === null || methods.some((m) => typeof v[m] !== 'function')))
      issues.push({ path: key, message: `must be an object with ${methods.join(', ')} methods` });
  }
  if ((o['outbox'] === undefined) !== (o['nodeState'] === undefined))
    issues.push({
      path: o['outbox'] === undefined ? 'outbox' : 'nodeState',
      message: 'outbox and nodeState go together: a node state change is recorded with its notifications, in one store',
    });
  if (o['env'] !== undefined && (typeof o['env'] !== 'object' || o['env'] === null))
    issues.push({ path: 'env', message: 'must be an object of environment variables' });
  if (o['configFile'] !== undefined && typeof o['configFile'] !== 'string')
    issues.push({ path: 'configFile', message: 'must be a file path' });
  if (issues.length > 0) throw new InvalidConfigError(issues);
  return options;
}
