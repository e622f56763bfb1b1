/**
 * @module satnotify/kinds
 * The vocabulary: event kinds with their titles, severities and node-log types, log levels, and
 * the statuses a notification passes through.
 */
export { EVENT_KINDS, KIND_INFO, LOG_LEVELS, LOG_TYPES, NOTIFICATION_STATUSES, OPEN_STATUSES } from '../kinds.js';
export type { EventKind, LogLevel, LogType, NotificationStatus } from '../kinds.js';
