/**
 * @module notification/digest/select
 * What one digest lists, decided without words (words.ts words it): held notifications
 * grouped by kind, the most severe kinds first; pairs that cancel inside the hold (offline → online,
 * contained → released) folded into one entry of the closing kind; one announcement to several of an
 * operator's nodes is one entry naming them; a budget of lines, past which
 * the rest is counted per kind. Pure.
 */
import type { OutboxItem } from '../outbox/outbox.js';
import { KIND_INFO, LOG_LEVELS, type EventKind, type LogLevel } from '../../kinds.js';

/** DigestEntry is one line: one notification, or an opening one and the one that closed it. */
export interface DigestEntry {
  item: OutboxItem;
  /** The notification that ended this one within the hold (back online, released). */
  closedBy?: OutboxItem;
  /** The same announcement for the operator's other nodes: news for the operator once, naming them. */
  sameFor?: OutboxItem[];
  /** Reminders that the node was still offline, folded into the offline notice they repeat. */
  reminders?: OutboxItem[];
  /** The same news of the node from the fleet's other satellites: one line, naming them. */
  alsoOn?: OutboxItem[];
}

/** DigestSection is one kind's entries, in time order. */
export interface DigestSection {
  kind: string;
  level: LogLevel;
  /** The entries listed (the line budget may list fewer than the kind has). */
  entries: DigestEntry[];
  /** All of the kind's entries, and the nodes they are about, listed or not: what a headline counts. */
  total: { entries: number; nodes: number };
}

/** Digest is what one digest lists; the counts agree with each other by construction. */
export interface Digest {
  sections: DigestSection[];
  /** Notifications folded into the digest (a folded pair counts two). */
  count: number;
  /** Distinct nodes they are about. */
  nodes: number;
  /** Lines listed (sections' entries), and pairs among them. */
  lines: number;
  folded: number;
  /** What the line budget left out, per kind; null when everything is listed. */
  omitted: { nodes: number; events: number; byKind: Array<{ kind: string; count: number }> } | null;
  level: LogLevel;
  /** On a fleet's mail: the fleet, and the satellites whose news it lists, in the order they first appear. */
  fleet: { name: string; satellites: string[] } | null;
}

/** Pairs whose second kind ends the first. */
const CLOSES: Readonly<Record<string, EventKind>> = {
  'node-online': 'node-offline',
  'containment-released': 'containment-entered',
};

/**
 * MAX_DIGEST_LINES bounds the lines of one digest; entries past it are counted per kind instead, so a storm's digest
 * stays small.
 */
export const MAX_DIGEST_LINES = 400;

/**
 * digestOf groups `items` into sections by kind, ordered by severity (error, warn, info), then by
 * the kinds' order; a folded pair is an entry of its closing kind, at that kind's level. Sections
 * fill `maxLines` (MAX_DIGEST_LINES unless fewer fit an email's byte budget) in that order; the rest is counted.
 */
export function digestOf(items: readonly OutboxItem[], maxLines = MAX_DIGEST_LINES): Digest {
  const entries = acrossFleet(fold(items));
  const byKind = new Map<string, DigestSection>();
  for (const e of entries) {
    const kind = (e.closedBy ?? e.item).kind;
    let s = byKind.get(kind);
    if (!s)
      byKind.set(
        kind,
        (s = { kind, level: levelOf(e.closedBy ?? e.item), entries: [], total: { entries: 0, nodes: 0 } }),
      );
    s.entries.push(e);
  }
  for (const s of byKind.values()) {
    const nodes = s.entries.flatMap((e) => [e.item.nodeId, ...(e.sameFor ?? []).map((i) => i.nodeId)]);
    s.total = { entries: s.entries.length, nodes: new Set(nodes).size };
    // Audit failures read nearest the disqualification bar first; the rest in time order.
    if (s.kind === 'audit-failed') s.entries.sort((x, y) => scoreOf(x) - scoreOf(y));
  }
  const all = [...byKind.values()].sort(
    (a, b) => LOG_LEVELS.indexOf(b.level) - LOG_LEVELS.indexOf(a.level) || rank(a.kind) - rank(b.kind),
  );
  const sections: DigestSection[] = [];
  const left: DigestEntry[] = [];
  let lines = 0;
  for (const s of all) {
    const room = maxLines - lines;
    if (room <= 0) {
      left.push(...s.entries);
      continue;
    }
    const kept = s.entries.slice(0, room);
    left.push(...s.entries.slice(room));
    sections.push({ ...s, entries: kept });
    lines += kept.length;
  }
  const nodes = new Set(items.map((i) => i.nodeId ?? i.groupKey)).size;
  const level = all.reduce<LogLevel>(
    (worst, s) => (LOG_LEVELS.indexOf(s.level) > LOG_LEVELS.indexOf(worst) ? s.level : worst),
    'info',
  );
  const folded = sections.reduce((n, s) => n + s.entries.filter((e) => e.closedBy).length, 0);
  // An announcement folded over several nodes is one notification to the operator who reads it.
  const same = entries.reduce((n, e) => n + (e.sameFor?.length ?? 0) + (e.alsoOn?.length ?? 0), 0);
  const fleet = items.find((i) => i.payload.fleet)?.payload.fleet;
  return {
    fleet: fleet ? { name: fleet.name, satellites: [...new Set(items.map(satelliteOf).filter(Boolean))] } : null,
    sections,
    count: items.length - same,
    nodes,
    lines,
    folded,
    omitted: left.length > 0 ? omittedOf(left, sections) : null,
    level,
  };
}

/**
 * fold pairs each closing notification with the latest open one of its node, in time order, and
 * gathers one announcement's copies for several nodes into one entry.
 */
function fold(items: readonly OutboxItem[]): DigestEntry[] {
  const sorted = [...items].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const entries: DigestEntry[] = [];
  const open = new Map<string, DigestEntry>(); // `${node}|${opening kind}` → its entry
  const announced = new Map<string, DigestEntry>(); // an announcement's words → its entry
  for (const item of sorted) {
    if (item.kind === 'announcement') {
      // One broadcast's copies share their instant and words; a later broadcast of the same words is news again.
      const words = `${item.occurredAt.getTime()}|${JSON.stringify(item.payload.source?.data ?? item.summary)}`;
      const first = announced.get(words);
      if (first) {
        (first.sameFor ??= []).push(item);
        continue;
      }
      const entry: DigestEntry = { item };
      announced.set(words, entry);
      entries.push(entry);
      continue;
    }
    // A fleet's satellites each tell their own outage: their pairs and reminders fold apart.
    const node = `${item.nodeId ?? ''}|${satelliteOf(item)}`;
    const outage = open.get(`${node}|node-offline`);
    if (item.kind === 'node-offline' && item.payload.source?.data['reminder'] !== undefined && outage) {
      // A reminder repeats the outage's notice listed above: one line, which its recovery may close.
      (outage.reminders ??= []).push(item);
      continue;
    }
    const opens = CLOSES[item.kind];
    const opened = opens && open.get(`${node}|${opens}`);
    if (opened) {
      opened.closedBy = item;
      open.delete(`${node}|${opens}`);
      continue;
    }
    const entry: DigestEntry = { item };
    entries.push(entry);
    if (Object.values(CLOSES).includes(item.kind as EventKind)) open.set(`${node}|${item.kind}`, entry);
  }
  return entries;
}

/**
 * acrossFleet makes one entry of a node's same news from several satellites of a fleet ("offline
 * on us1, eu1 and ap1"): entries still open, of one event kind and score, each satellite once. A
 * pair or a reminder keeps its own satellite's times, and an announcement its own words, so each
 * keeps its line.
 */
function acrossFleet(entries: readonly DigestEntry[]): DigestEntry[] {
  const out: DigestEntry[] = [];
  const first = new Map<string, DigestEntry>(); // `${node}|${kind}` → the entry the others join
  for (const e of entries) {
    const satellite = satelliteOf(e.item);
    // A caller's own words (an announcement, its own template) are each satellite's to say.
    if (
      !satellite ||
      e.closedBy ||
      e.sameFor ||
      e.reminders ||
      !isEvent(e.item.kind) ||
      e.item.kind === 'announcement'
    ) {
      out.push(e);
      continue;
    }
    // The same news: of the node, of its kind, and with the same score where it carries one.
    const key = `${e.item.nodeId ?? ''}|${e.item.kind}|${JSON.stringify(e.item.payload.source?.data['score'] ?? null)}`;
    const joined = first.get(key);
    if (joined && ![joined.item, ...(joined.alsoOn ?? [])].some((i) => satelliteOf(i) === satellite)) {
      (joined.alsoOn ??= []).push(e.item);
      continue;
    }
    if (!joined) first.set(key, e);
    out.push(e);
  }
  return out;
}

/** satelliteOf is the satellite a fleet's mail came from ('' for a satellite's own). */
export function satelliteOf(item: OutboxItem): string {
  return item.payload.fleet?.satellite.name ?? '';
}

function omittedOf(left: readonly DigestEntry[], listed: readonly DigestSection[]): NonNullable<Digest['omitted']> {
  const listedNodes = new Set(listed.flatMap((s) => s.entries.map((e) => e.item.nodeId)));
  const byKind = new Map<string, number>();
  let events = 0;
  for (const e of left) {
    const n = (e.closedBy ? 2 : 1) + (e.reminders?.length ?? 0);
    events += n;
    const kind = (e.closedBy ?? e.item).kind;
    byKind.set(kind, (byKind.get(kind) ?? 0) + n);
  }
  const nodes = new Set(left.map((e) => e.item.nodeId).filter((n) => !listedNodes.has(n))).size;
  return { nodes, events, byKind: [...byKind].map(([kind, count]) => ({ kind, count })) };
}

function scoreOf(e: DigestEntry): number {
  const score = Number(e.item.payload.source?.data['score']);
  return Number.isFinite(score) ? score : Infinity;
}

function isEvent(kind: string): kind is EventKind {
  return kind in KIND_INFO;
}

function levelOf(item: OutboxItem): LogLevel {
  return item.kind in KIND_INFO ? KIND_INFO[item.kind as EventKind].level : item.payload.level;
}

/**
 * Within one level, what an operator must act on soonest comes first: the nearer a kind is to
 * costing the node its data, the earlier. Announcements lead the informational kinds (they may
 * carry a deadline); a caller's own templates come last.
 */
const URGENCY: readonly EventKind[] = [
  'disqualified',
  'unknown-audit-suspended',
  'offline-suspended',
  'audit-failed',
  'containment-entered',
  'audit-degrading',
  'node-offline',
  'node-flapping',
  'online-degrading',
  'version-outdated',
  'announcement',
  'node-online',
  'containment-released',
  'offline-unsuspended',
  'unknown-audit-unsuspended',
  'node-vetted',
  'node-welcome',
];

function rank(kind: string): number {
  const i = (URGENCY as readonly string[]).indexOf(kind);
  return i < 0 ? URGENCY.length : i;
}
