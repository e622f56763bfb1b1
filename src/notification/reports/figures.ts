/**
 * @module notification/reports/figures
 * An operator's report as figures: per node the data stored and free at the period's end and its
 * change, traffic, the online share per day, the scores against their bars, vetting, the period's
 * incidents and the one thing to do first; totals per day for the bars. Only what the usage and
 * score signals said and what was recorded; worded later, in the reader's language (words.ts). Pure.
 */
import { DateTime } from 'luxon';
import { groupBy } from '../dispatch/keys.js';
import type { UsageDay } from '../usage/signal.js';
import type { Period } from './period.js';

/** Scores are a node's latest reputation as the satellite reported it (`onScores`). */
export interface Scores {
  audit: number | null;
  /** The unknown-audit (suspension) score. */
  unknownAudit: number | null;
  online: number | null;
  vetted: boolean | null;
}

/** Bars are the satellite's reputation rules the scores are measured against. */
export interface Bars {
  audit: number;
  unknownAudit: number;
  online: number;
}

/** INCIDENT_KINDS are the recorded kinds a report lists. */
export const INCIDENT_KINDS = [
  'node-offline',
  'node-online',
  'audit-failed',
  'containment-entered',
  'offline-suspended',
  'unknown-audit-suspended',
  'disqualified',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** Recorded is one notification of an incident kind, as the outbox kept it. */
export interface Recorded {
  nodeHex: string;
  kind: IncidentKind;
  at: Date;
  /** The link to it in the operator's history (its feed page). */
  url: string | null;
  /** node-online: how long the node had been offline. */
  offlineForMs: number | null;
}

/** ReportNode is a node of the operator's, as the overlay knows it. */
export interface ReportNode {
  id: string;
  hex: string;
  address: string;
}

/** ReportInputs are everything one report is made from. */
export interface ReportInputs {
  period: Period;
  zone: string;
  nodes: readonly ReportNode[];
  /** Usage days of these nodes from the day before the period (the baseline) to its last day. */
  usage: readonly UsageDay[];
  scores: ReadonlyMap<string, Scores>;
  /** What was recorded of these nodes up to the period's end (episodes that began before it count where they overlap). */
  recorded: readonly Recorded[];
  /** Nodes offline at the period's end, since when. */
  offlineSince: ReadonlyMap<string, Date>;
  bars: Bars;
  /** How close above its bar a score is near it (`hooks.*WarnMargin`). */
  margins: Bars;
  maxNodes: number;
}

/** Incident is one line of a node's period: an offline episode, or a recorded event. */
export interface Incident {
  kind: 'offline' | Exclude<IncidentKind, 'node-offline' | 'node-online'>;
  at: string;
  /** An offline episode's length so far; `open`: still offline at the period's end. */
  durationMs?: number;
  open?: boolean;
  url: string | null;
}

/** Todo names the one thing to do first, by code (words.ts words it). */
export type Todo =
  | 'disqualified'
  | 'suspended-offline'
  | 'suspended-audit'
  | 'offline'
  | 'audit-below'
  | 'suspension-below'
  | 'online-below'
  | 'audit-near'
  | 'online-near'
  | 'audit-failed'
  | 'suspension-near';

/** NodeFigures is one node's part of a report. */
export interface NodeFigures {
  id: string;
  address: string;
  storedBytes: number | null;
  storedChange: number | null;
  freeBytes: number | null;
  egressBytes: number;
  ingressBytes: number;
  /** The share of the period the node was online (0–1), from its recorded offline episodes. */
  onlineShare: number;
  scores: Scores | null;
  incidents: Incident[];
  todo: Todo | null;
}

/** DayFigures are the operator's totals on one day, for the bars. */
export interface DayFigures {
  day: string;
  /** Data stored at the day's last report, summed over the nodes that reported it; null: no report. */
  storedBytes: number | null;
  /** The nodes' mean share of the day online (0–1). */
  onlineShare: number;
}

/** ReportData is a whole report, as its outbox row keeps it (JSON). */
export interface ReportData {
  cadence: Period['cadence'];
  start: string;
  end: string;
  zone: string;
  bars: Bars;
  totals: {
    nodes: number;
    storedBytes: number;
    storedChange: number | null;
    freeBytes: number | null;
    egressBytes: number;
    ingressBytes: number;
    onlineShare: number;
    incidents: number;
  };
  days: DayFigures[];
  /** The nodes listed one by one, those with something to do first. */
  nodes: NodeFigures[];
  /** Nodes counted in the totals but not listed (beyond `reports.operator.maxNodes`). */
  omitted: number;
  /** The one thing to do first across all nodes, and the node it is about; null: nothing to do. */
  first: { todo: Todo; node: string } | null;
}

/** How urgent each thing to do is: the first in this list is the one a report names first. */
const TODO_ORDER: readonly Todo[] = [
  'disqualified',
  'suspended-offline',
  'suspended-audit',
  'offline',
  'audit-below',
  'suspension-below',
  'online-below',
  'audit-near',
  'suspension-near',
  'online-near',
  'audit-failed',
];

/**
 * reportFigures makes an operator's report of `inputs.period`; null when none of their nodes
 * reported usage in it (nothing to report).
 */
export function reportFigures(inputs: ReportInputs): ReportData | null {
  const { period, zone } = inputs;
  const inPeriod = new Set(period.days);
  if (!inputs.usage.some((u) => inPeriod.has(u.day))) return null;
  const dayBounds = period.days.map((day) => {
    const start = DateTime.fromISO(day, { zone });
    return { day, start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
  });
  // The report covers its calendar days whole: what happened on them, and how much of them each node was online.
  const span = { from: (dayBounds[0] as { start: number }).start, to: (dayBounds.at(-1) as { end: number }).end };
  const usageOf = groupBy(inputs.usage, (u) => u.nodeId);
  const recordedOf = groupBy(inputs.recorded, (r) => r.nodeHex);
  const nodes = inputs.nodes.map((n) => {
    const days = (usageOf.get(n.hex) ?? []).slice().sort((a, b) => (a.day < b.day ? -1 : 1));
    const within = days.filter((d) => inPeriod.has(d.day));
    const last = within.at(-1);
    const before = days.filter((d) => d.day < (period.days[0] as string)).at(-1) ?? within[0];
    const episodes = offlineEpisodes(recordedOf.get(n.hex) ?? [], inputs.offlineSince.get(n.hex), span);
    const perDay = dayBounds.map((b) => 1 - overlap(episodes, b.start, b.end) / (b.end - b.start));
    const scores = inputs.scores.get(n.hex) ?? null;
    const incidents = incidentsOf(recordedOf.get(n.hex) ?? [], episodes, span);
    const figures: NodeFigures = {
      id: n.id,
      address: n.address,
      storedBytes: last?.storedBytes ?? null,
      storedChange: last && before ? last.storedBytes - before.storedBytes : null,
      freeBytes: last?.freeBytes ?? null,
      egressBytes: sum(within.map((d) => d.egressBytes)),
      ingressBytes: sum(within.map((d) => d.ingressBytes)),
      onlineShare: mean(perDay),
      scores,
      incidents,
      todo: null,
    };
    figures.todo = todoOf(figures, inputs.offlineSince.has(n.hex), inputs.bars, inputs.margins);
    return { figures, perDay, byDay: new Map(within.map((d) => [d.day, d.storedBytes])) };
  });
  const listed = nodes
    .map((n) => n.figures)
    .sort(
      (a, b) =>
        rank(a.todo) - rank(b.todo) ||
        b.incidents.length - a.incidents.length ||
        (b.storedBytes ?? -1) - (a.storedBytes ?? -1) ||
        (a.id < b.id ? -1 : 1),
    );
  const withFree = listed.filter((n) => n.freeBytes !== null);
  const withChange = listed.filter((n) => n.storedChange !== null);
  const firstNode = listed[0];
  return {
    cadence: period.cadence,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    zone,
    bars: inputs.bars,
    totals: {
      nodes: listed.length,
      storedBytes: sum(listed.map((n) => n.storedBytes ?? 0)),
      storedChange: withChange.length ? sum(withChange.map((n) => n.storedChange as number)) : null,
      freeBytes: withFree.length ? sum(withFree.map((n) => n.freeBytes as number)) : null,
      egressBytes: sum(listed.map((n) => n.egressBytes)),
      ingressBytes: sum(listed.map((n) => n.ingressBytes)),
      onlineShare: mean(listed.map((n) => n.onlineShare)),
      incidents: sum(listed.map((n) => n.incidents.length)),
    },
    days: dayBounds.map((b, i) => {
      const reported = nodes.filter((n) => n.byDay.has(b.day));
      return {
        day: b.day,
        storedBytes: reported.length ? sum(reported.map((n) => n.byDay.get(b.day) as number)) : null,
        onlineShare: mean(nodes.map((n) => n.perDay[i] as number)),
      };
    }),
    nodes: listed.slice(0, inputs.maxNodes),
    omitted: Math.max(0, listed.length - inputs.maxNodes),
    first: firstNode?.todo ? { todo: firstNode.todo, node: firstNode.id } : null,
  };
}

interface Episode {
  start: number;
  end: number;
  open: boolean;
  url: string | null;
}

/** Span is the stretch of time a report's days cover, in epoch milliseconds. */
interface Span {
  from: number;
  to: number;
}

/**
 * offlineEpisodes are the node's offline stretches that touch the span: each node-online recorded
 * says how long it had been offline; a node still offline is offline since then, to the span's end.
 */
function offlineEpisodes(recorded: readonly Recorded[], since: Date | undefined, { from, to }: Span): Episode[] {
  const episodes: Episode[] = [];
  // A node-online says how long the node was offline; one without (after a flapping notice) closes
  // the node-offline before it.
  let wentOffline: Recorded | null = null;
  for (const r of [...recorded].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (r.kind === 'node-offline') wentOffline = r;
    if (r.kind !== 'node-online') continue;
    const start = r.offlineForMs !== null ? r.at.getTime() - r.offlineForMs : wentOffline?.at.getTime();
    if (start !== undefined)
      episodes.push({ start, end: r.at.getTime(), open: false, url: r.url ?? wentOffline?.url ?? null });
    wentOffline = null;
  }
  if (since && since.getTime() < to) {
    const start = since.getTime();
    const url = recorded.find((r) => r.kind === 'node-offline' && Math.abs(r.at.getTime() - start) < 60_000)?.url;
    episodes.push({ start, end: to, open: true, url: url ?? null });
  }
  return episodes.filter((e) => e.end > from && e.start < to).sort((a, b) => a.start - b.start);
}

/** overlap is how much of [from, to) the episodes cover. */
function overlap(episodes: readonly Episode[], from: number, to: number): number {
  return sum(episodes.map((e) => Math.max(0, Math.min(e.end, to) - Math.max(e.start, from))));
}

function incidentsOf(recorded: readonly Recorded[], episodes: readonly Episode[], span: Span): Incident[] {
  const offline: Incident[] = episodes.map((e) => ({
    kind: 'offline',
    at: new Date(e.start).toISOString(),
    durationMs: e.end - e.start,
    ...(e.open && { open: true }),
    url: e.url,
  }));
  const events: Incident[] = recorded.flatMap((r) =>
    r.kind === 'node-offline' || r.kind === 'node-online' || r.at.getTime() < span.from || r.at.getTime() >= span.to
      ? []
      : [{ kind: r.kind, at: r.at.toISOString(), url: r.url }],
  );
  return [...offline, ...events].sort((a, b) => (a.at < b.at ? -1 : 1));
}

/** todoOf is the one thing to do first on a node, or null: nothing to do. */
function todoOf(n: NodeFigures, offlineNow: boolean, bars: Bars, margins: Bars): Todo | null {
  const kinds = new Set(n.incidents.map((i) => i.kind));
  const below = (score: number | null | undefined, bar: number): boolean =>
    score !== null && score !== undefined && score < bar;
  const near = (score: number | null | undefined, bar: number, margin: number): boolean =>
    score !== null && score !== undefined && score >= bar && score - bar < margin;
  if (kinds.has('disqualified')) return 'disqualified';
  if (kinds.has('offline-suspended')) return 'suspended-offline';
  if (kinds.has('unknown-audit-suspended')) return 'suspended-audit';
  if (offlineNow) return 'offline';
  if (below(n.scores?.audit, bars.audit)) return 'audit-below';
  if (below(n.scores?.unknownAudit, bars.unknownAudit)) return 'suspension-below';
  if (below(n.scores?.online, bars.online)) return 'online-below';
  if (near(n.scores?.audit, bars.audit, margins.audit)) return 'audit-near';
  if (near(n.scores?.unknownAudit, bars.unknownAudit, margins.unknownAudit)) return 'suspension-near';
  if (near(n.scores?.online, bars.online, margins.online)) return 'online-near';
  if (kinds.has('audit-failed')) return 'audit-failed';
  return null;
}

function rank(todo: Todo | null): number {
  return todo === null ? TODO_ORDER.length : TODO_ORDER.indexOf(todo);
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function mean(xs: readonly number[]): number {
  return xs.length ? sum(xs) / xs.length : 1;
}
