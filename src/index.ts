/**
 * @module satnotify
 * Rate-limited, durable notifications from a storage-network satellite to node operators.
 *
 * @example
 * ```ts
 * import { resolveConfig } from 'satnotify';
 * const config = resolveConfig({ limits: { email: { maxHr: 2, maxDay: 5, minDelay: '15m' } } });
 * ```
 */
export { DEFAULTS, resolveConfig, readConfigFile, configFromEnv, redactUrl } from './config.js';
export type { Config, ResolvedConfig, Limit } from './config.js';
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
export type { ErrorCode, ConfigIssue, DeliveryFailure } from './errors.js';
export { decide, EMPTY_STATUS } from './notification/limits/policy.js';
export type { Decision, DenyReason, LimitOptions, Status } from './notification/limits/policy.js';
export { windowsAt } from './notification/limits/windows.js';
export type { Windows } from './notification/limits/windows.js';
export type { StatusStore, StatusKey, Reservation, ReserveResult } from './notification/limits/store.js';
export { MemoryStatusStore } from './notification/limits/memory-store.js';
export { PgStatusStore } from './notification/limits/pg-store.js';
export { openDatabase } from './database/connect.js';
export type { Database } from './database/connect.js';
export type { StatementPools } from './database/statements.js';
export { EVENT_KINDS, LOG_TYPES, LOG_LEVELS, KIND_INFO } from './kinds.js';
export type { EventKind, LogType, LogLevel } from './kinds.js';
export { registerChannelPlugin, BUILT_IN_PLUGINS } from './channels/registry.js';
export { notificationJson } from './channels/plugin.js';
export type { Audience, ChannelPlugin, ChannelSender, Fact, Message, Notification, PluginContext } from './channels/plugin.js';
export { NodeId } from './overlay/node-id.js';
export { OverlayCache } from './overlay/cache.js';
export { PgOverlay } from './overlay/pg-overlay.js';
export type { NodeInfo, NodeInput, NodeFilter, OverlayDB } from './overlay/db.js';
export { NodeLogServer } from './node/node-log-server.js';
export type { NodeLogServerOptions } from './node/node-log-server.js';
export { GrpcNodeLogClient } from './channels/nodelog/grpc-client.js';
export type { NodeLogClient } from './channels/nodelog/client.js';
export type { NotificationMessage, NotificationResponse } from './channels/nodelog/schema.js';
export { MailService } from './mailservice/service.js';
export { TemplateSet } from './mailservice/templates.js';
export type { RenderedEmail } from './mailservice/templates.js';
export { createSender } from './mailservice/create-sender.js';
export type { Sender, MailMessage, SendResult } from './mailservice/sender.js';
export { SmtpSender } from './mailservice/smtp-sender.js';
export { FileSender } from './mailservice/file-sender.js';
export type { Logger } from './logger.js';
export { silentLogger, jsonLinesLogger } from './logger.js';
export { createNotificationService } from './notification/create.js';
export type { ServiceOptions } from './notification/create.js';
export { NotificationService } from './notification/service.js';
export type { Delivery, HookResult, BroadcastResult, ChannelStatus, ChannelStatuses } from './notification/service.js';
export type { LogInput } from './notification/content/inputs.js';
export type { UptimeSignal, AuditSignal, ContainmentSignal, DisqualifiedSignal, VersionSignal, SuspensionSignal } from './notification/hooks/events.js';
export type { Outbox, OutboxItem, OutboxStatus, OutboxCount } from './notification/outbox/outbox.js';
export { Metrics } from './notification/metrics.js';
export { tallyChannel, outcomeOf } from './notification/outbox/tally.js';
export type { ChannelTally, Outcome as NotificationOutcome } from './notification/outbox/tally.js';
export { createWebHandler } from './web/handler.js';
export type { Preferences, PreferencesUpdate, Filter } from './preferences/preferences.js';
export type { OperatorPreferences } from './preferences/operator-preferences.js';
