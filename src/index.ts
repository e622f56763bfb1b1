/**
 * @module satnotify
 * Rate-limited, durable notifications from a storage-network satellite to node operators. The
 * root holds what a satellite uses: the service and its factory, the operators' web handler, the
 * channel plugin seam, the node-log server and client, the configuration resolver and the errors,
 * with their types. The rest is on subpaths: `satnotify/config`, `satnotify/kinds`,
 * `satnotify/limits`, `satnotify/mail`, `satnotify/postgres`, `satnotify/testing`.
 *
 * @example
 * ```ts
 * import { createNotificationService } from 'satnotify';
 * const svc = await createNotificationService({ limits: { email: { maxHr: 2, maxDay: 5, minDelay: '15m' } } });
 * await svc.onUptimeCheck(nodeId, { ok: false });
 * await svc.close();
 * ```
 */
export { createNotificationService } from './notification/create.js';
export type { ServiceOptions, Seams } from './notification/create.js';
export type {
  NotificationService,
  HookResult,
  BroadcastResult,
  ChannelStatus,
  ChannelStatuses,
} from './notification/service.js';
export type { Delivery } from './notification/delivery.js';
export type {
  UptimeSignal,
  AuditSignal,
  ContainmentSignal,
  DisqualifiedSignal,
  VersionSignal,
  SuspensionSignal,
  ScoresSignal,
} from './notification/hooks/events.js';
export type { UsageSignal, UsageDay } from './notification/usage/signal.js';
export type { UsageReport } from './notification/usage/usage.js';
export type { ReportsRun } from './notification/reports/reports.js';
export type { ReportData, NodeFigures, Incident, Todo } from './notification/reports/figures.js';
export type { EmailMessage, LogInput } from './notification/content/inputs.js';
export type { Metrics } from './notification/metrics.js';
export type { StatusStore } from './notification/limits/store.js';
export type { Outbox, OutboxItem, OutboxStatus, OutboxCount, StoredMessage } from './notification/outbox/outbox.js';
export type { NodeStateStore } from './notification/hooks/node-state.js';
export type { EventKind, LogLevel } from './kinds.js';

export { createWebHandler } from './web/handler.js';

export { registerChannelPlugin } from './channels/registry.js';
export type {
  Audience,
  ChannelPlugin,
  ChannelSender,
  Fact,
  Message,
  Notification,
  PluginContext,
} from './channels/plugin.js';

export { NodeLogServer } from './node/node-log-server.js';
export type { NodeLogServerOptions } from './node/node-log-server.js';
export { GrpcNodeLogClient } from './channels/nodelog/grpc-client.js';
export type { NodeLogClient } from './channels/nodelog/client.js';
export type { NotificationMessage, NotificationResponse } from './channels/nodelog/schema.js';

export { NodeId } from './overlay/node-id.js';
export type { OverlayCache } from './overlay/cache.js';
export type { NodeInfo, NodeInput, NodeFilter, OverlayDB } from './overlay/db.js';
export type { Preferences, PreferencesUpdate, Filter } from './preferences/preferences.js';
export type { OperatorPreferences } from './preferences/operator-preferences.js';
export type { PreferenceStore } from './preferences/store.js';
export type { Links } from './links/links.js';
export type { Logger } from './logger.js';

export { resolveConfig } from './config.js';
export type { Config, ResolvedConfig } from './config.js';

export {
  SatnotifyError,
  InvalidConfigError,
  InvalidNodeIdError,
  UnknownNodeError,
  InvalidInputError,
  TemplateError,
  DeliveryError,
  DatabaseError,
  ERROR_CODES,
} from './errors.js';
export type { ErrorCode, ConfigIssue, InputIssue, DeliveryFailure } from './errors.js';
