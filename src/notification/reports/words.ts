/**
 * @module notification/reports/words
 * An operator's report in one reader's language and zone: the subject and heading, the one thing
 * to do first (or that there is nothing to do), the totals, a bar per day for the data stored and
 * the share online, and each listed node with its figures, scores against their bars, vetting and
 * incidents; plus the compact table the text part shows. Pure: figures.ts decided the numbers.
 */
import type { Catalog } from '../../i18n/catalog.js';
import {
  formatDay,
  formatDays,
  formatDecimal,
  formatSpan,
  formatWhen,
  numbersIn,
  type Numbers,
} from '../../i18n/format.js';
import type { Reader } from '../content/wording.js';
import { nodeView } from '../content/wording.js';
import type { Incident, NodeFigures, ReportData } from './figures.js';

/** A figure with its label. */
export interface Figure {
  label: string;
  value: string;
}

/** ReportText is every string of a report, in one language. */
export interface ReportText {
  title: string;
  subject: string;
  preheader: string;
  heading: string;
  intro: string;
  /** "The one thing to do first" and what it is, or "Nothing to do". */
  first: { label: string; text: string } | null;
  nothing: string;
  totalsHeading: string;
  totals: Figure[];
  perDay: {
    heading: string;
    storedLabel: string;
    onlineLabel: string;
    dayLabel: string;
    /** Bar widths in whole percent of the largest day (stored) or of 100% (online). */
    rows: Array<{ day: string; stored: string; storedWidth: number; online: string; onlineWidth: number }>;
  };
  nodesHeading: string;
  nodes: Array<{
    shortId: string;
    id: string;
    address: string;
    figures: Figure[];
    scores: Figure[];
    todo: string;
    incidents: Array<{ text: string; url: string | null }>;
  }>;
  labels: { todo: string; happened: string; history: string; noIncidents: string };
  /** What the footer says of reports, in place of the limits a trouble notice names. */
  footer: string;
  omitted: string;
  /** The text part's table: one line per listed node. */
  table: string[];
  /** The node log, IRC and the feed: the heading and the first thing to do, in a few lines. */
  logText: string;
}

/** The most recurring words kept per catalog before the memo starts again. */
const MAX_MEMO = 10_000;

/**
 * Fixed is what every report in one language says alike: its labels and set phrases, worded once
 * per catalog and language (a run words hundreds of reports in a handful of languages).
 */
interface Fixed {
  label: Record<(typeof LABELS)[number], string>;
  noData: string;
  unknown: string;
  vetted: string;
  vetting: string;
  nodeNothing: string;
  first: string;
  nothing: string;
  totals: string;
  perDay: string;
  perNode: string;
  history: string;
  noIncidents: string;
  /** The text table's header line. */
  columns: string;
  /** Scores against their bars as worded, by bar, then score: the same pairs recur across nodes. */
  scores: Map<number, Map<number, string>>;
  /** A period's words by its first and last day: its span, and each day's short name. */
  periods: Map<string, { span: string; days: string[] }>;
}

const LABELS = [
  'stored',
  'change',
  'free',
  'egress',
  'ingress',
  'online',
  'audit',
  'unknownAudit',
  'onlineScore',
  'vetting',
  'nodes',
  'incidents',
  'day',
  'todo',
  'happened',
] as const;

/** Words is one catalog's fixed words per language, and its memo of the words that recur with values. */
interface Words {
  fixed: Map<string, Fixed>;
  memo: Map<string, string>;
}
const words = new WeakMap<Catalog, Words>();

function wordsOf(catalog: Catalog): Words {
  let w = words.get(catalog);
  if (!w) words.set(catalog, (w = { fixed: new Map(), memo: new Map() }));
  return w;
}

function fixedOf(catalog: Catalog, w: Words, locale: Reader['locale']): Fixed {
  let f = w.fixed.get(locale);
  if (f) return f;
  const t = (key: string): string => catalog.t(locale, `report.${key}`);
  const label = Object.fromEntries(LABELS.map((k) => [k, t(`label.${k}`)])) as Fixed['label'];
  const header = ['', label.stored, label.change, label.free, label.online];
  f = {
    label,
    noData: t('noData'),
    unknown: t('unknown'),
    vetted: t('vetted'),
    vetting: t('vetting'),
    nodeNothing: t('nodeNothing'),
    first: t('first'),
    nothing: t('nothing'),
    totals: t('totals'),
    perDay: t('perDay'),
    perNode: t('perNode'),
    history: t('history'),
    noIncidents: t('noIncidents'),
    columns: header.map((c, i) => (i === 0 ? c.padEnd(13) : c.padStart(12))).join(' '),
    scores: new Map(),
    periods: new Map(),
  };
  w.fixed.set(locale, f);
  return f;
}

/** Context is what wording one report needs at hand: the catalog, the reader, and their fixed words. */
interface Context {
  catalog: Catalog;
  memo: Map<string, string>;
  locale: Reader['locale'];
  zone: string;
  fixed: Fixed;
  num: Numbers;
}

/** t words a report message with values. */
function t(c: Context, key: string, values: Record<string, string | number> = {}): string {
  return c.catalog.t(c.locale, `report.${key}`, values);
}

/** recurring is a message whose values recur across reports (`id` names them), worded once. */
function recurring(c: Context, id: string, word: () => string): string {
  const k = `${c.locale}|${id}`;
  let s = c.memo.get(k);
  if (s === undefined) {
    if (c.memo.size >= MAX_MEMO) c.memo.clear();
    c.memo.set(k, (s = word()));
  }
  return s;
}

function bytes(c: Context, n: number | null, signed = false): string {
  return n === null ? c.fixed.noData : c.num.bytes(n, signed);
}

function figuresOf(
  c: Context,
  n: Pick<NodeFigures, 'storedBytes' | 'storedChange' | 'freeBytes' | 'egressBytes' | 'ingressBytes' | 'onlineShare'>,
): Figure[] {
  const l = c.fixed.label;
  return [
    { label: l.stored, value: bytes(c, n.storedBytes) },
    { label: l.change, value: bytes(c, n.storedChange, true) },
    { label: l.free, value: bytes(c, n.freeBytes) },
    { label: l.egress, value: bytes(c, n.egressBytes) },
    { label: l.ingress, value: bytes(c, n.ingressBytes) },
    { label: l.online, value: c.num.share(n.onlineShare) },
  ];
}

/** score is a score against its bar; the same pair recurs across nodes, so it is worded once. */
function score(c: Context, v: number | null | undefined, bar: number): string {
  if (v === null || v === undefined) return c.fixed.unknown;
  let byScore = c.fixed.scores.get(bar);
  if (!byScore) c.fixed.scores.set(bar, (byScore = new Map<number, string>()));
  let s = byScore.get(v);
  if (s === undefined) {
    if (byScore.size >= MAX_MEMO) byScore.clear();
    // Three decimals, more where three would round a score just below its bar onto it.
    let places = 3;
    while (places < 6 && v !== bar && v.toFixed(places) === bar.toFixed(places)) places++;
    byScore.set(
      v,
      (s = t(c, 'score', {
        score: formatDecimal(v.toFixed(places), c.locale),
        bar: formatDecimal(bar.toFixed(places), c.locale),
        gap: formatDecimal(Math.abs(Number(v.toFixed(places)) - Number(bar.toFixed(places))).toFixed(places), c.locale),
        distance: v >= bar ? 'above' : 'below',
      })),
    );
  }
  return s;
}

/** periodOf is the period's span and day names; every report of a period shares them. */
function periodOf(c: Context, r: ReportData): { span: string; days: string[] } {
  const first = (r.days[0] as { day: string }).day;
  const last = (r.days.at(-1) as { day: string }).day;
  const id = `${first}|${last}`;
  let p = c.fixed.periods.get(id);
  if (!p) {
    if (c.fixed.periods.size >= MAX_MEMO) c.fixed.periods.clear();
    const days = r.days.map((d) => formatDay(d.day, c.locale));
    c.fixed.periods.set(id, (p = { span: formatDays(first, last, c.locale), days }));
  }
  return p;
}

function todoText(c: Context, todo: string, id: string): string {
  return t(c, `todo.${todo}`, { node: nodeView(id, '').shortId });
}

function incidentText(c: Context, i: Incident): string {
  const when = formatWhen(new Date(i.at), c.zone, c.locale);
  if (i.kind === 'offline')
    return i.open
      ? t(c, 'incident.offlineOpen', { when })
      : t(c, 'incident.offline', { when, span: formatSpan(i.durationMs ?? 0, c.locale) });
  return t(c, `incident.${i.kind}`, { when });
}

function vettingOf(c: Context, vetted: boolean | null | undefined): string {
  return vetted === true ? c.fixed.vetted : vetted === false ? c.fixed.vetting : c.fixed.unknown;
}

/** reportWords words `r` for `reader`, from `satellite`. */
export function reportWords(catalog: Catalog, satellite: string, r: ReportData, reader: Reader): ReportText {
  const { locale, zone } = reader;
  const w = wordsOf(catalog);
  const fixed = fixedOf(catalog, w, locale);
  const num = numbersIn(locale);
  const c: Context = { catalog, memo: w.memo, locale, zone, fixed, num };
  const l = fixed.label;
  const period = periodOf(c, r);
  const days = period.span;
  const values = {
    cadence: r.cadence,
    nodes: r.totals.nodes,
    stored: num.bytes(r.totals.storedBytes),
    satellite,
    zone,
    todo: r.first ? 'some' : 'none',
    days,
  };
  const title = t(c, 'title', values);
  const firstNode = r.first && r.nodes.find((n) => n.id === r.first?.node);
  const first = r.first ? { label: fixed.first, text: todoText(c, r.first.todo, firstNode?.id ?? r.first.node) } : null;
  let largest = 1;
  for (const d of r.days) if ((d.storedBytes ?? 0) > largest) largest = d.storedBytes ?? 0;
  const nodes: ReportText['nodes'] = [];
  const table: string[] = [fixed.columns];
  for (const n of r.nodes) {
    const shortId = nodeView(n.id, '').shortId;
    const figures = figuresOf(c, n);
    nodes.push({
      shortId,
      id: n.id,
      address: n.address,
      figures,
      scores: [
        { label: l.audit, value: score(c, n.scores?.audit, r.bars.audit) },
        { label: l.unknownAudit, value: score(c, n.scores?.unknownAudit, r.bars.unknownAudit) },
        { label: l.onlineScore, value: score(c, n.scores?.online, r.bars.online) },
        { label: l.vetting, value: vettingOf(c, n.scores?.vetted) },
      ],
      todo: n.todo ? todoText(c, n.todo, n.id) : fixed.nodeNothing,
      incidents: n.incidents.map((i) => ({ text: incidentText(c, i), url: i.url })),
    });
    // The table's columns (stored, change, free, online) are the figures' own words.
    const [stored, change, free, , , online] = figures as [Figure, Figure, Figure, Figure, Figure, Figure];
    table.push(
      `${shortId.padEnd(13)} ${stored.value.padStart(12)} ${change.value.padStart(12)} ${free.value.padStart(12)} ${online.value.padStart(12)}`.trimEnd(),
    );
  }
  const firstLine = first ? `${first.label}: ${first.text}` : fixed.nothing;
  return {
    title,
    subject: t(c, 'subject', values),
    preheader: firstLine,
    // Every operator in a zone shares the period: its heading and intro recur, run after run.
    heading: recurring(c, `heading|${values.nodes}|${days}`, () => t(c, 'heading', { nodes: values.nodes, days })),
    intro: recurring(c, `intro|${r.cadence}|${satellite}|${zone}`, () =>
      t(c, 'intro', { cadence: r.cadence, satellite, zone }),
    ),
    first,
    nothing: fixed.nothing,
    totalsHeading: fixed.totals,
    totals: [
      { label: l.nodes, value: String(r.totals.nodes) },
      ...figuresOf(c, r.totals),
      { label: l.incidents, value: String(r.totals.incidents) },
    ],
    perDay: {
      heading: fixed.perDay,
      storedLabel: l.stored,
      onlineLabel: l.online,
      dayLabel: l.day,
      rows: r.days.map((d, i) => ({
        day: period.days[i] as string,
        stored: bytes(c, d.storedBytes),
        storedWidth: d.storedBytes === null ? 0 : Math.max(1, Math.round((d.storedBytes / largest) * 100)),
        online: num.share(d.onlineShare),
        onlineWidth: Math.round(d.onlineShare * 100),
      })),
    },
    nodesHeading: fixed.perNode,
    nodes,
    labels: { todo: l.todo, happened: l.happened, history: fixed.history, noIncidents: fixed.noIncidents },
    footer: recurring(c, `footer|${r.cadence}`, () => t(c, 'footer', { cadence: r.cadence })),
    omitted: r.omitted > 0 ? t(c, 'omitted', { count: r.omitted }) : '',
    table,
    logText: `${satellite}: ${title}\n${firstLine}`,
  };
}
