/**
 * @module kinds
 * The vocabulary every layer shares: the closed set of event kinds (display names, severities,
 * node-log type names), log levels, and the statuses a notification passes through.
 */

/** EVENT_KINDS lists every kind of notification; each has an email template of the same name. */
export const EVENT_KINDS = [
  'node-offline',
  'node-online',
  'node-flapping',
  'audit-failed',
  'containment-entered',
  'containment-released',
  'disqualified',
  'version-outdated',
  'offline-suspended',
  'offline-unsuspended',
  'unknown-audit-suspended',
  'unknown-audit-unsuspended',
  'announcement',
  'audit-degrading',
  'online-degrading',
  'node-welcome',
  'node-vetted',
] as const;

/** EventKind is one kind of notification. */
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * REPORT_KIND is an operator's periodic report, NETWORK_REPORT_KIND the network's: not events
 * (no node, no trouble), each at most once per period, neither folded into a digest nor counted
 * against the limits.
 */
export const REPORT_KIND = 'report';
export const NETWORK_REPORT_KIND = 'network-report';
/** UNCOUNTED_KINDS leave on their own, without a limit reservation. */
export const UNCOUNTED_KINDS: readonly string[] = [REPORT_KIND, NETWORK_REPORT_KIND];

/** LOG_TYPES are the node-log message types, named as in `proto/notification.proto`. */
export const LOG_TYPES = [
  'CUSTOM',
  'UPTIME_FAILED',
  'UPTIME_RECOVERED',
  'AUDIT_FAILED',
  'CONTAINMENT_ENTERED',
  'CONTAINMENT_RELEASED',
  'DISQUALIFIED',
  'VERSION_OUTDATED',
  'DIGEST',
  'NODE_FLAPPING',
  'OFFLINE_SUSPENDED',
  'OFFLINE_UNSUSPENDED',
  'UNKNOWN_AUDIT_SUSPENDED',
  'UNKNOWN_AUDIT_UNSUSPENDED',
  'AUDIT_DEGRADING',
  'ONLINE_DEGRADING',
  'NODE_WELCOME',
  'NODE_VETTED',
] as const;
export type LogType = (typeof LOG_TYPES)[number];

/** LOG_LEVELS are the severities a node writes its log line with. */
export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** KIND_INFO gives each kind its human title, node-log type, severity and the first thing to do. */
export const KIND_INFO: Readonly<
  Record<EventKind, { title: string; logType: LogType; level: LogLevel; action: string }>
> = {
  'node-offline': {
    title: 'Node offline',
    logType: 'UPTIME_FAILED',
    level: 'warn',
    action: 'Check that the node runs, its port is forwarded and its public address is current.',
  },
  'node-online': {
    title: 'Node back online',
    logType: 'UPTIME_RECOVERED',
    level: 'info',
    action: 'No action is needed; if the outage was unexpected, look in this log around its start.',
  },
  'node-flapping': {
    title: 'Node flapping',
    logType: 'NODE_FLAPPING',
    level: 'warn',
    action:
      'Find what keeps interrupting the connection: power saving, a router that drops idle connections, an unstable link or a restart loop.',
  },
  'audit-failed': {
    title: 'Audit failed',
    logType: 'AUDIT_FAILED',
    level: 'warn',
    action: 'Check the storage disk and search this log for GET_AUDIT errors.',
  },
  'containment-entered': {
    title: 'Node in containment',
    logType: 'CONTAINMENT_ENTERED',
    level: 'warn',
    action: 'Check disk response times; the pending audit is asked again until answered.',
  },
  'containment-released': {
    title: 'Node released from containment',
    logType: 'CONTAINMENT_RELEASED',
    level: 'info',
    action: 'No action is needed.',
  },
  disqualified: {
    title: 'Node disqualified',
    logType: 'DISQUALIFIED',
    level: 'error',
    action: 'Find the cause before it affects other satellites.',
  },
  'version-outdated': {
    title: 'Node software outdated',
    logType: 'VERSION_OUTDATED',
    level: 'warn',
    action: 'Update the node software (docker pull, or check the updater service).',
  },
  'offline-suspended': {
    title: 'Node suspended: offline too often',
    logType: 'OFFLINE_SUSPENDED',
    level: 'error',
    action:
      'Keep the node online and reachable; if its online score is still below the bar when the review period ends, it is disqualified.',
  },
  'offline-unsuspended': {
    title: 'Offline suspension lifted',
    logType: 'OFFLINE_UNSUSPENDED',
    level: 'info',
    action: 'No action is needed now; keep the node online.',
  },
  'unknown-audit-suspended': {
    title: 'Node suspended: unknown audit errors',
    logType: 'UNKNOWN_AUDIT_SUSPENDED',
    level: 'error',
    action:
      'Search this log for GET_AUDIT errors and fix the storage before the grace period ends, or the node is disqualified.',
  },
  'unknown-audit-unsuspended': {
    title: 'Unknown-audit suspension lifted',
    logType: 'UNKNOWN_AUDIT_UNSUSPENDED',
    level: 'info',
    action: 'No action is needed now; watch this log for new audit errors.',
  },
  announcement: { title: 'Announcement', logType: 'CUSTOM', level: 'info', action: 'See the message.' },
  'audit-degrading': {
    title: 'Audit score falling',
    logType: 'AUDIT_DEGRADING',
    level: 'warn',
    action: 'Check the storage disk and search this log for GET_AUDIT errors before the score reaches its bar.',
  },
  'online-degrading': {
    title: 'Online score falling',
    logType: 'ONLINE_DEGRADING',
    level: 'warn',
    action: 'Keep the node online: find what takes it offline before the online score reaches the suspension bar.',
  },
  'node-welcome': {
    title: 'Node welcome',
    logType: 'NODE_WELCOME',
    level: 'info',
    action: 'No action is needed: this message shows that notifications reach you.',
  },
  'node-vetted': {
    title: 'Node vetted',
    logType: 'NODE_VETTED',
    level: 'info',
    action: 'No action is needed: the node now gets its full share of new data.',
  },
};

/** kindOfLogType maps a node-log type back to the kind whose limits it counts against. */
export function kindOfLogType(type: LogType): EventKind | undefined {
  return (Object.keys(KIND_INFO) as EventKind[]).find((k) => KIND_INFO[k].logType === type);
}

/**
 * NOTIFICATION_STATUSES are where a notification (or digest) is in its life, as the outbox stores
 * it. Open: pending, held, retry. Final: sent, failed, digested (it left inside a digest), and
 * suppressed (recorded, never sent and never counted). The outbox's CHECK and its queries are made
 * from this list; a new status needs a migration that makes the CHECK again.
 */
export const NOTIFICATION_STATUSES = ['pending', 'held', 'retry', 'sent', 'failed', 'digested', 'suppressed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** OPEN_STATUSES are the statuses of a notification still to be delivered. */
export const OPEN_STATUSES = ['pending', 'held', 'retry'] as const satisfies readonly NotificationStatus[];

/** FINAL_STATUSES are the statuses nothing changes any more: the only rows retention may delete. */
export const FINAL_STATUSES = [
  'sent',
  'failed',
  'digested',
  'suppressed',
] as const satisfies readonly NotificationStatus[];

/**
 * DISQUALIFICATION_REASONS are the reasons a disqualification message words itself (Storj's:
 * audit failures, an unknown-audit suspension not cleared in time, downtime through the review
 * period); its `score` is then the audit, unknown-audit or online score.
 */
export const DISQUALIFICATION_REASONS = ['audit-score', 'unknown-audit', 'offline'] as const;
