/**
 * @module notification/reports/words
 * An operator's report in one reader's language and zone: the subject and heading, the one thing
 * to do first (or that there is nothing to do), the totals, a bar per day for the data stored and
 * the share online, and each listed node with its figures, scores against their bars, vetting and
 * incidents; plus the compact table the text part shows. Pure: figures.ts decided the numbers.
 */
import type { Catalog } from '../../i18n/catalog.js';
import {
  formatBytes,
  formatDay,
  formatDays,
  formatDecimal,
  formatShare,
  formatSpan,
  formatWhen,
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
const memos = new WeakMap<Catalog, Map<string, string>>();

/** memoOf is the catalog's memo of recurring words, by language, key and values. */
function memoOf(catalog: Catalog): Map<string, string> {
  let m = memos.get(catalog);
  if (!m) memos.set(catalog, (m = new Map<string, string>()));
  return m;
}

/** reportWords words `r` for `reader`, from `satellite`. */
export function reportWords(catalog: Catalog, satellite: string, r: ReportData, reader: Reader): ReportText {
  const { locale, zone } = reader;
  const t = (key: string, values: Record<string, string | number> = {}): string =>
    catalog.t(locale, `report.${key}`, values);
  // Labels and the words that recur (a score against its bar, "nothing to do") are worded once.
  const memo = memoOf(catalog);
  const once = (key: string, values: Record<string, string | number> = {}): string => {
    const k = `${locale}|${key}|${Object.values(values).join('|')}`;
    let s = memo.get(k);
    if (s === undefined) {
      if (memo.size >= MAX_MEMO) memo.clear();
      memo.set(k, (s = t(key, values)));
    }
    return s;
  };
  const bytes = (n: number | null, signed = false): string =>
    n === null ? once('noData') : formatBytes(n, locale, signed);
  const day = (iso: string): string => formatDay(iso, locale);
  const firstDay = (r.days[0] as { day: string }).day;
  const lastDay = (r.days.at(-1) as { day: string }).day;
  const stored = formatBytes(r.totals.storedBytes, locale);
  const values = {
    cadence: r.cadence,
    nodes: r.totals.nodes,
    stored,
    satellite,
    zone,
    todo: r.first ? 'some' : 'none',
    days: formatDays(firstDay, lastDay, locale),
  };
  const title = t('title', values);
  const firstNode = r.first && r.nodes.find((n) => n.id === r.first?.node);
  const first = r.first ? { label: once('first'), text: todoText(r.first.todo, firstNode?.id ?? r.first.node) } : null;
  function todoText(todo: string, id: string): string {
    return t(`todo.${todo}`, { node: nodeView(id, '').shortId });
  }
  const largest = Math.max(1, ...r.days.map((d) => d.storedBytes ?? 0));
  const label = (k: string): string => once(`label.${k}`);
  const share = (s: number): string => formatShare(s, locale);
  const figuresOf = (
    n: Pick<NodeFigures, 'storedBytes' | 'storedChange' | 'freeBytes' | 'egressBytes' | 'ingressBytes' | 'onlineShare'>,
  ): Figure[] => [
    { label: label('stored'), value: bytes(n.storedBytes) },
    { label: label('change'), value: bytes(n.storedChange, true) },
    { label: label('free'), value: bytes(n.freeBytes) },
    { label: label('egress'), value: bytes(n.egressBytes) },
    { label: label('ingress'), value: bytes(n.ingressBytes) },
    { label: label('online'), value: share(n.onlineShare) },
  ];
  const score = (v: number | null | undefined, bar: number): string => {
    if (v === null || v === undefined) return once('unknown');
    // Three decimals, more where three would round a score just below its bar onto it.
    let places = 3;
    while (places < 6 && v !== bar && v.toFixed(places) === bar.toFixed(places)) places++;
    return once('score', {
      score: formatDecimal(v.toFixed(places), locale),
      bar: formatDecimal(bar.toFixed(places), locale),
      gap: formatDecimal(Math.abs(Number(v.toFixed(places)) - Number(bar.toFixed(places))).toFixed(places), locale),
      distance: v >= bar ? 'above' : 'below',
    });
  };
  const incidentText = (i: Incident): string => {
    const when = formatWhen(new Date(i.at), zone, locale);
    if (i.kind === 'offline')
      return i.open
        ? t('incident.offlineOpen', { when })
        : t('incident.offline', { when, span: formatSpan(i.durationMs ?? 0, locale) });
    return t(`incident.${i.kind}`, { when });
  };
  const nodes = r.nodes.map((n) => {
    const v = nodeView(n.id, n.address);
    return {
      shortId: v.shortId,
      id: n.id,
      address: n.address,
      figures: figuresOf(n),
      scores: [
        { label: label('audit'), value: score(n.scores?.audit, r.bars.audit) },
        { label: label('unknownAudit'), value: score(n.scores?.unknownAudit, r.bars.unknownAudit) },
        { label: label('onlineScore'), value: score(n.scores?.online, r.bars.online) },
        {
          label: label('vetting'),
          value:
            n.scores?.vetted === true ? once('vetted') : n.scores?.vetted === false ? once('vetting') : once('unknown'),
        },
      ],
      todo: n.todo ? todoText(n.todo, n.id) : once('nodeNothing'),
      incidents: n.incidents.map((i) => ({ text: incidentText(i), url: i.url })),
    };
  });
  const columns = [label('stored'), label('change'), label('free'), label('online')];
  const table = r.nodes.map((n) =>
    [
      nodeView(n.id, '').shortId,
      bytes(n.storedBytes),
      bytes(n.storedChange, true),
      bytes(n.freeBytes),
      share(n.onlineShare),
    ]
      .map((c, i) => (i === 0 ? c.padEnd(13) : c.padStart(12)))
      .join(' ')
      .trimEnd(),
  );
  const subject = t('subject', values);
  // Every operator in a zone shares the period: its heading and intro recur, run after run.
  const heading = once('heading', { nodes: values.nodes, days: values.days });
  return {
    title,
    subject,
    preheader: first ? `${first.label}: ${first.text}` : once('nothing'),
    heading,
    intro: once('intro', { cadence: values.cadence, satellite, zone }),
    first,
    nothing: once('nothing'),
    totalsHeading: once('totals'),
    totals: [
      { label: label('nodes'), value: String(r.totals.nodes) },
      ...figuresOf(r.totals),
      { label: label('incidents'), value: String(r.totals.incidents) },
    ],
    perDay: {
      heading: once('perDay'),
      storedLabel: label('stored'),
      onlineLabel: label('online'),
      dayLabel: label('day'),
      rows: r.days.map((d) => ({
        day: day(d.day),
        stored: bytes(d.storedBytes),
        storedWidth: d.storedBytes === null ? 0 : Math.max(1, Math.round((d.storedBytes / largest) * 100)),
        online: share(d.onlineShare),
        onlineWidth: Math.round(d.onlineShare * 100),
      })),
    },
    nodesHeading: once('perNode'),
    nodes,
    labels: {
      todo: label('todo'),
      happened: label('happened'),
      history: once('history'),
      noIncidents: once('noIncidents'),
    },
    footer: once('footer', { cadence: r.cadence }),
    omitted: r.omitted > 0 ? t('omitted', { count: r.omitted }) : '',
    table: [['', ...columns].map((c, i) => (i === 0 ? c.padEnd(13) : c.padStart(12))).join(' '), ...table],
    logText: [`${satellite}: ${title}`, first ? `${first.label}: ${first.text}` : once('nothing')].join('\n'),
  };
}
