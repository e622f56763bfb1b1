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
export { decide, EMPTY_STATUS } from './notification/policy.js';
export type { Decision, DenyReason, LimitOptions, Status } from './notification/policy.js';
export { windowsAt } from './notification/windows.js';
export type { Windows } from './notification/windows.js';
export type { StatusStore, StatusKey, Reservation, ReserveResult } from './notification/db.js';
export { MemoryStatusStore } from './notification/memory-store.js';
export { PgStatusStore } from './notification/pg-store.js';
export { openDatabase } from './database/connect.js';
export type { Database } from './database/connect.js';
export { EVENT_KINDS, LOG_TYPES, LOG_LEVELS, KIND_INFO } from './notification/types.js';
export type { EventKind, Channel, LogType, LogLevel } from './notification/types.js';
export { NodeId } from './overlay/node-id.js';
export { OverlayCache } from './overlay/cache.js';
export { PgOverlay } from './overlay/pg-overlay.js';
export type { NodeInfo, NodeInput, NodeFilter, OverlayDB } from './overlay/db.js';
export { NodeLogServer } from './notification/nodelog/server.js';
export type { NodeLogServerOptions } from './notification/nodelog/server.js';
export { GrpcNodeLogClient } from './notification/nodelog/grpc-client.js';
export type { NodeLogClient } from './notification/nodelog/client.js';
export type { NotificationMessage, NotificationResponse } from './notification/nodelog/schema.js';
export { MailService } from './mailservice/service.js';
export { TemplateSet } from './mailservice/templates.js';
export type { RenderedEmail } from './mailservice/templates.js';
export { createSender } from './mailservice/sender.js';
export type { Sender, MailMessage, SendResult } from './mailservice/sender.js';
export { SmtpSender } from './mailservice/smtp-sender.js';
export { FileSender } from './mailservice/file-sender.js';
export type { Logger } from './logger.js';
export { silentLogger, jsonLinesLogger } from './logger.js';
export { createNotificationService } from './notification/create.js';
export type { ServiceOptions } from './notification/create.js';
export { NotificationService } from './notification/service.js';
export type { Delivery, HookResult, BroadcastResult, ChannelStatus } from './notification/service.js';
export type { LogInput } from './notification/content.js';
export type { UptimeSignal, AuditSignal, ContainmentSignal, DisqualifiedSignal, VersionSignal } from './notification/hooks.js';
export type { Outbox, OutboxItem, OutboxStatus, OutboxCount } from './notification/db.js';
export { Metrics } from './notification/metrics.js';
export { tallyChannel, outcomeOf } from './notification/tally.js';
export type { ChannelTally, Outcome as NotificationOutcome } from './notification/tally.js';
