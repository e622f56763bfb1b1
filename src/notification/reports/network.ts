/**
 * @module notification/reports/network
 * The network's broadcast of activity (Tahoe-LAFS #1281): per period, the nodes online, joined,
 * left, disqualified and suspended, the data stored and free in total, and the spread of versions;
 * the same words for everyone, nothing about a single operator, worded in every language at once
 * (the public news keeps them all). Pure.
 */
import type { Catalog } from '../../i18n/catalog.js';
import { formatBytes, formatDays } from '../../i18n/format.js';
import type { Locale } from '../../i18n/locale.js';
import type { Period } from './period.js';

/** NetworkNode is what the network's report reads of one node. */
export interface NetworkNode {
  hex: string;
  version: string;
  online: boolean;
  disqualified: Date | null;
  /** When it was welcomed (first reported in vetting), if it was. */
  welcomedAt: Date | null;
  suspendedAt: Date | null;
  /** Usage on the day before the period, and on its last day: a node that stored data then and reports none now left. */
  storedBefore: number | null;
  storedNow: number | null;
  freeNow: number | null;
}

/** NetworkFigures are one period of the network's activity. */
export interface NetworkFigures {
  cadence: Period['cadence'];
  start: string;
  end: string;
  /** The calendar days the period covers, the first and the last (YYYY-MM-DD). */
  firstDay: string;
  lastDay: string;
  nodes: number;
  online: number;
  joined: number;
  left: number;
  disqualified: number;
  suspended: number;
  storedBytes: number;
  freeBytes: number;
  /** The most common versions, most nodes first; the rest counted as one. */
  versions: Array<{ version: string; nodes: number }>;
  otherVersions: number;
}

/** How many versions the spread names before counting the rest together. */
const VERSIONS_NAMED = 5;

/** networkFigures counts the period's activity over every node the satellite knows. */
export function networkFigures(period: Period, nodes: readonly NetworkNode[]): NetworkFigures {
  const within = (d: Date | null): boolean => d !== null && d >= period.start && d < period.end;
  const byVersion = new Map<string, number>();
  for (const n of nodes) if (n.version) byVersion.set(n.version, (byVersion.get(n.version) ?? 0) + 1);
  const versions = [...byVersion]
    .map(([version, count]) => ({ version, nodes: count }))
    .sort((a, b) => b.nodes - a.nodes || b.version.localeCompare(a.version, 'en', { numeric: true }));
  const named = versions.slice(0, VERSIONS_NAMED);
  return {
    cadence: period.cadence,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    firstDay: period.days[0] as string,
    lastDay: period.days.at(-1) as string,
    nodes: nodes.length,
    online: nodes.filter((n) => n.online).length,
    joined: nodes.filter((n) => within(n.welcomedAt)).length,
    left: nodes.filter((n) => n.storedBefore !== null && n.storedNow === null).length,
    disqualified: nodes.filter((n) => within(n.disqualified)).length,
    suspended: nodes.filter((n) => within(n.suspendedAt)).length,
    storedBytes: nodes.reduce((s, n) => s + (n.storedNow ?? 0), 0),
    freeBytes: nodes.reduce((s, n) => s + (n.freeNow ?? 0), 0),
    versions: named,
    otherVersions: versions.slice(VERSIONS_NAMED).reduce((s, v) => s + v.nodes, 0),
  };
}

/** NetworkWords are the network's report in one language: a title and its lines. */
export interface NetworkWords {
  title: string;
  paragraphs: string[];
  action: string;
}

/** networkWords words the figures in `locale` (its days are calendar days of the satellite's zone). */
export function networkWords(catalog: Catalog, satellite: string, f: NetworkFigures, locale: Locale): NetworkWords {
  const t = (key: string, values: Record<string, string | number> = {}): string =>
    catalog.t(locale, `networkReport.${key}`, values);
  const number = (n: number): string => new Intl.NumberFormat(locale).format(n);
  const days = formatDays(f.firstDay, f.lastDay, locale);
  const spread = f.versions.map((v) => t('version', { version: v.version, nodes: v.nodes }));
  if (f.otherVersions > 0) spread.push(t('otherVersions', { nodes: f.otherVersions }));
  return {
    title: t('title', { cadence: f.cadence, satellite, days }),
    paragraphs: [
      t('nodes', { online: f.online, nodes: f.nodes, onlineText: number(f.online), nodesText: number(f.nodes) }),
      t('changes', { joined: f.joined, left: f.left, disqualified: f.disqualified, suspended: f.suspended }),
      t('data', { stored: formatBytes(f.storedBytes, locale), free: formatBytes(f.freeBytes, locale) }),
      t('versions', { spread: spread.length ? spread.join(', ') : t('noVersions') }),
    ],
    action: t('same'),
  };
}
