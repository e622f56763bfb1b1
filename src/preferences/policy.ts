/**
 * @module preferences/policy
 * What an operator's preferences make of one channel copy: send it, suppress it (their filters
 * leave it out), or hold it (quiet hours, or a digest cadence) until a given instant. Pure.
 */
import { DateTime } from 'luxon';
import {
  EVENT_KINDS,
  KIND_INFO,
  LOG_LEVELS,
  NETWORK_REPORT_KIND,
  REPORT_KIND,
  type EventKind,
  type LogLevel,
} from '../kinds.js';
import type { Filter, Preferences } from './preferences.js';

/** Copy is what the policy needs to know of one notification on one channel instance. */
export interface Copy {
  channel: string;
  kind: string;
  level: LogLevel;
  /** The node's id (base58), or null. */
  node: string | null;
  occurredAt: Date;
  facts: Readonly<Record<string, string | number | boolean>>;
}

/** Rules are the satellite's limits on what preferences may do. */
export interface Rules {
  critical: readonly string[];
  urgent: readonly string[];
  urgentAuditDistance: number;
}

export type Verdict =
  { action: 'send' } | { action: 'suppress'; reason: string } | { action: 'hold'; until: Date; reason: string };

/** matches: no list means everything; an empty list nothing; otherwise any filter whose every field matches. */
export function matches(filters: readonly Filter[] | undefined, c: Copy): boolean {
  if (!filters) return true;
  return filters.some(
    (f) =>
      kindMatches(f, c.kind) &&
      (!f.nodes || (c.node !== null && f.nodes.includes(c.node))) &&
      (!f.minLevel || LOG_LEVELS.indexOf(c.level) >= LOG_LEVELS.indexOf(f.minLevel)),
  );
}

/** urgent kinds, and audit failures close to the disqualification bar, never wait. */
export function isUrgent(c: Copy, rules: Rules): boolean {
  if (rules.urgent.includes(c.kind)) return true;
  const distance = Number(c.facts['distance']);
  return c.kind === 'audit-failed' && Number.isFinite(distance) && distance <= rules.urgentAuditDistance;
}

/**
 * verdict applies filters, then (unless the copy is urgent) quiet hours and the digest cadence, in the operator's zone.
 */
export function verdict(prefs: Preferences, c: Copy, now: Date, rules: Rules): Verdict {
  // The network's report is the satellite's own message on its own instances: no operator's choices apply.
  if (c.kind === NETWORK_REPORT_KIND) return { action: 'send' };
  // A report is chosen by its own setting, and waits only for quiet hours: it is its own digest.
  if (c.kind === REPORT_KIND) {
    if (prefs.reports === 'none') return { action: 'suppress', reason: 'the operator chose no reports' };
    const until = quietUntil(prefs.quietHours, now, prefs.timezone);
    return until
      ? { action: 'hold', until, reason: `quiet hours until ${prefs.quietHours?.end} (${prefs.timezone})` }
      : { action: 'send' };
  }
  if (!matches(prefs.filters[c.channel], c))
    return { action: 'suppress', reason: `the operator's preferences leave ${c.kind} out of ${c.channel}` };
  if (isUrgent(c, rules)) return { action: 'send' };
  const zone = prefs.timezone;
  const quietEnd = quietUntil(prefs.quietHours, now, zone);
  if (quietEnd)
    return { action: 'hold', until: quietEnd, reason: `quiet hours until ${prefs.quietHours?.end} (${zone})` };
  const due = cadenceDue(prefs, c.occurredAt);
  if (due && now < due)
    return {
      action: 'hold',
      until: due,
      reason: `${prefs.digest} digest at ${DateTime.fromJSDate(due, { zone }).toFormat('yyyy-LL-dd HH:mm')} (${zone})`,
    };
  return { action: 'send' };
}

/** quietUntil is when the quiet period `now` falls in ends, or null outside one. A period may span midnight. */
export function quietUntil(quiet: Preferences['quietHours'], now: Date, zone: string): Date | null {
  if (!quiet) return null;
  const t = DateTime.fromJSDate(now, { zone });
  const minute = t.hour * 60 + t.minute;
  const [start, end] = [toMinutes(quiet.start), toMinutes(quiet.end)];
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  let until = t.startOf('day').plus({ minutes: end });
  if (until <= t) until = until.plus({ days: 1 });
  return until.toJSDate();
}

/** cadenceDue is when a copy that occurred at `at` may leave under an hourly or daily cadence; null: at once. */
export function cadenceDue(prefs: Pick<Preferences, 'digest' | 'digestAt' | 'timezone'>, at: Date): Date | null {
  const t = DateTime.fromJSDate(at, { zone: prefs.timezone });
  if (prefs.digest === 'hourly') return t.startOf('hour').plus({ hours: 1 }).toJSDate();
  if (prefs.digest === 'daily') {
    let due = t.startOf('day').plus({ minutes: toMinutes(prefs.digestAt) });
    if (due <= t) due = due.plus({ days: 1 });
    return due.toJSDate();
  }
  return null;
}

/**
 * silenced lists the critical kinds that, under `prefs`, would reach the operator on no channel the
 * satellite routes them to: the safety rule refuses such preferences.
 */
export function silenced(
  prefs: Preferences,
  routes: Readonly<Partial<Record<string, readonly string[]>>>,
  critical: readonly string[],
): string[] {
  return critical.filter((kind) => {
    const channels = routes[kind] ?? [];
    if (channels.length === 0) return false; // the satellite itself sends it nowhere
    const level = kind in KIND_INFO ? KIND_INFO[kind as EventKind].level : 'info';
    return !channels.some((channel) => matchesAnyNode(prefs.filters[channel], kind, level));
  });
}

/** kindsRoutedTo lists the kinds the satellite routes to `channel`, in EVENT_KINDS order. */
export function kindsRoutedTo(
  routes: Readonly<Partial<Record<string, readonly string[]>>>,
  channel: string,
): EventKind[] {
  return EVENT_KINDS.filter((k) => routes[k]?.includes(channel));
}

/** A filter limited to some nodes still lets the kind through for those nodes: that counts as reaching the operator. */
function matchesAnyNode(filters: readonly Filter[] | undefined, kind: string, level: LogLevel): boolean {
  if (!filters) return true;
  return filters.some(
    (f) => kindMatches(f, kind) && (!f.minLevel || LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(f.minLevel)),
  );
}

/** kindMatches: the filter lists the kind, or lists none, and does not leave it out. */
function kindMatches(f: Filter, kind: string): boolean {
  return (
    (!f.kinds || (f.kinds as readonly string[]).includes(kind)) &&
    !(f.exceptKinds as readonly string[] | undefined)?.includes(kind)
  );
}

function toMinutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}
