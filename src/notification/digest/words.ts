/**
 * @module notification/digest/words
 * The words of a digest for one reader: the subject and preheader worst first, then each kind once
 * with its headline, why it matters, what to do and its lines; what the line budget left out,
 * counted. Pure: select.ts decided what is listed, the catalog gives the words.
 */
import { formatClock, formatList, formatWhen } from '../../i18n/format.js';
import { spanValues } from '../../i18n/spans.js';
import { KIND_INFO } from '../../kinds.js';
import {
  nodeView,
  type Button,
  type EventSource,
  type EventText,
  type Reader,
  type Wording,
} from '../content/wording.js';
import type { OutboxItem } from '../outbox/outbox.js';
import { satelliteOf, type Digest, type DigestEntry } from './select.js';

/** DigestText is every string of a digest, in one language. */
export interface DigestText {
  /** What happened, worst first: the subject without the satellite's tag, for channels that tag it themselves. */
  title: string;
  subject: string;
  preheader: string;
  heading: string;
  intro: string;
  folded: string;
  sections: Array<{
    kind: string;
    level: string;
    title: string;
    headline: string;
    count: string;
    why: string;
    steps: string[];
    action: string;
    paragraphs: string[];
    buttons: Button[];
    lines: Array<{ node: string; address: string; when: string; text: string }>;
  }>;
  omitted: { text: string; byKind: Array<{ title: string; count: number }>; hint: string } | null;
  logHeader: string;
  buttons: Button[];
}

/** digestWords words `d` for `reader`; `sourceOf` says what each listed item is worded from. */
export function digestWords(
  w: Wording,
  d: Digest,
  reader: Reader,
  sourceOf: (item: OutboxItem) => EventSource | null,
): DigestText {
  const { locale, zone } = reader;
  const { catalog } = w;
  // One email across a fleet's satellites names each line's satellites, and is signed by the fleet.
  const acrossSatellites = (d.fleet?.satellites.length ?? 0) > 1;
  const satellite = acrossSatellites
    ? (d.fleet as NonNullable<Digest['fleet']>).name
    : (d.fleet?.satellites[0] ?? w.satellite);
  // A node this digest lists as offline, and not back: what it later reports of that node is the
  // last known state, not its state now.
  const offline = new Map<string, number>();
  for (const s of d.sections)
    for (const e of s.entries)
      if (e.item.kind === 'node-offline' && !e.closedBy && e.item.nodeId)
        offline.set(e.item.nodeId, e.item.occurredAt.getTime());
  const wordsOf = (item: OutboxItem): EventText | null => {
    const src = sourceOf(item);
    if (!src) return null;
    const since = item.nodeId ? offline.get(item.nodeId) : undefined;
    const words = w.worded(src.kind, src.data, src.node, reader);
    return since !== undefined && since <= item.occurredAt.getTime() && catalog.has(`kinds.${src.kind}.lineLastKnown`)
      ? { ...words.words, line: catalog.t(locale, `kinds.${src.kind}.lineLastKnown`, words.values) }
      : words.words;
  };
  const sections = d.sections.map((s) => {
    // The headline quotes the worst entry (a folded pair by its closing half, the section's kind).
    const worst = worstEntry(s.kind, s.entries);
    const src = sourceOf(worst.closedBy ?? worst.item) ?? sourceOf(worst.item);
    const worded = src && w.worded(src.kind, src.data, src.node, reader);
    const words = worded?.words;
    const nodes = s.total.nodes;
    const title = words?.title ?? s.entries[0]?.item.title ?? s.kind;
    return {
      kind: s.kind,
      level: s.level,
      title,
      headline: worded
        ? catalog.t(locale, `kinds.${s.kind}.headline`, { ...worded.values, count: s.total.entries, nodes })
        : title,
      count: catalog.t(locale, 'digest.section', {
        count: s.entries.reduce((n, e) => n + (e.closedBy ? 2 : 1) + (e.reminders?.length ?? 0), 0),
      }),
      // About several nodes, a kind says so where it has the words (whyMany, stepsMany).
      why:
        nodes > 1 && worded && catalog.has(`kinds.${s.kind}.whyMany`)
          ? catalog.t(locale, `kinds.${s.kind}.whyMany`, worded.values)
          : (words?.why ?? ''),
      steps:
        nodes > 1 && catalog.has(`kinds.${s.kind}.stepsMany`)
          ? catalog.list(locale, `kinds.${s.kind}.stepsMany`)
          : (words?.steps ?? []),
      action: words?.action ?? '',
      paragraphs: words?.paragraphs ?? [],
      buttons: s.kind in KIND_INFO ? w.buttons(s.kind, locale, false) : [],
      lines: s.entries.map((e) => {
        const node = nodeView(e.item.payload.node?.id ?? '', e.item.payload.node?.address ?? '');
        return {
          node: node.shortId,
          address: node.address,
          when: formatWhen(e.item.occurredAt, zone, locale),
          text: onSatellites(w, e, reader, line(w, e, reader, wordsOf), acrossSatellites),
        };
      }),
    };
  });
  const shown = sections.slice(0, 3).map((s) => s.headline);
  if (sections.length > 3) shown.push(catalog.t(locale, 'digest.more', { count: sections.length - 3 }));
  const worst = sections[0];
  return {
    title: shown.join(' · '),
    // Tagged like every other subject, so one mail filter catches them all.
    subject: `[${satellite}] ${shown.join(' · ')}`,
    preheader: worst ? `${worst.title}: ${worst.lines[0]?.text ?? ''}` : '',
    heading: catalog.t(locale, 'digest.heading', { count: d.count, nodes: d.nodes }),
    intro: acrossSatellites
      ? catalog.t(locale, 'digest.fleetIntro', {
          satellites: formatList(d.fleet?.satellites ?? [], locale),
          count: d.fleet?.satellites.length ?? 0,
          zone,
        })
      : catalog.t(locale, 'digest.intro', { satellite, zone }),
    folded: d.folded > 0 ? catalog.t(locale, 'digest.folded', { lines: d.lines }) : '',
    sections,
    omitted: d.omitted && {
      text: catalog.t(locale, 'digest.omitted', { events: d.omitted.events, nodes: d.omitted.nodes }),
      byKind: d.omitted.byKind.map((k) => ({
        title: k.kind in KIND_INFO ? catalog.t(locale, `kinds.${k.kind}.title`) : k.kind,
        count: k.count,
      })),
      hint: catalog.t(locale, 'digest.dashboardHint'),
    },
    logHeader: catalog.t(locale, 'digest.logHeader', { satellite, count: d.count }),
    // The dashboard is offered once, under every kind, not under each.
    buttons: w.dashboard(locale),
  };
}

/** line is one digest line: the event's own line, or a folded pair's span. */
function line(w: Wording, e: DigestEntry, reader: Reader, text: (item: OutboxItem) => EventText | null): string {
  const { locale, zone } = reader;
  if (e.closedBy) {
    const from = e.item.occurredAt;
    const to = e.closedBy.occurredAt;
    const key = e.item.kind === 'node-offline' ? 'digest.offlinePair' : 'digest.containedPair';
    return w.catalog.t(locale, key, {
      from: formatClock(from, zone, locale),
      to: formatClock(to, zone, locale),
      ...spanValues(w.catalog, locale, 'span', to.getTime() - from.getTime()),
    });
  }
  // An outage still open reads as its latest reminder says: offline for how long by now.
  const latest = e.reminders?.at(-1) ?? e.item;
  const own = text(latest)?.line ?? latest.summary;
  if (!e.sameFor?.length) return own;
  const others = e.sameFor.map((i) => nodeView(i.payload.node?.id ?? '', '').shortId);
  const shown = others.slice(0, SAME_FOR_NAMED);
  return w.catalog.t(locale, 'digest.sameFor', {
    line: own,
    count: others.length,
    nodes: others.length > shown.length ? `${shown.join(', ')} …` : shown.join(', '),
  });
}

/** onSatellites adds to a line of a fleet's email the satellites whose news it is ("on us1, eu1 and ap1"). */
function onSatellites(w: Wording, e: DigestEntry, reader: Reader, text: string, fleet: boolean): string {
  if (!fleet) return text;
  const names = [e.item, ...(e.alsoOn ?? [])].map(satelliteOf).filter(Boolean);
  if (names.length === 0) return text;
  return w.catalog.t(reader.locale, 'digest.onSatellites', {
    line: text,
    satellites: formatList(names, reader.locale),
    count: names.length,
  });
}

/** How many of the other nodes an announcement's line names; the count says how many in all. */
const SAME_FOR_NAMED = 20;

/** worstEntry is the entry a section's headline quotes: the lowest audit score, else the latest. */
function worstEntry(kind: string, entries: readonly DigestEntry[]): DigestEntry {
  if (kind === 'audit-failed') {
    const score = (e: DigestEntry): number => Number(e.item.payload.source?.data['score'] ?? Infinity);
    return entries.reduce((a, b) => (score(b) < score(a) ? b : a));
  }
  return entries.at(-1) as DigestEntry;
}
