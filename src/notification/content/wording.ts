/**
 * @module notification/content/wording
 * The words of one event for one reader: its kind's messages from the catalog, in the reader's
 * language, with times in the reader's zone and the satellite's real thresholds. Pure: the catalog
 * and settings are read, nothing is written.
 */
import { DAY } from '../../config-schema.js';
import type { Catalog, Locale, MessageValues } from '../../i18n/catalog.js';
import { formatDecimal, formatSpan, formatWhen } from '../../i18n/format.js';
import { KIND_INFO, type EventKind } from '../../kinds.js';
import type { SatelliteConfig } from '../../satellite.js';
import type { StoredMessage } from '../outbox/outbox.js';
import type { HelpLinksConfig, ReputationConfig } from './config.js';

/** Reader is who a message is for: their language and zone. */
export interface Reader {
  locale: Locale;
  zone: string;
}

/** NodeView is a node as messages show it. */
export interface NodeView {
  id: string;
  shortId: string;
  address: string;
  port: string;
}

/** nodeView is a node as messages show it, from its id's string form and its address. */
export function nodeView(id: string, address: string): NodeView {
  // shortId is NodeId.short: the first 12 characters of the string form.
  return { id, shortId: id.slice(0, 12), address, port: address.slice(address.lastIndexOf(':') + 1) };
}

/** SAMPLE_NODE is the node every sample email is about (preview, the startup check, tests). */
export const SAMPLE_NODE: NodeView = nodeView(
  '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S',
  'node1.example.com:28967',
);

/** EventSource is what an event's words are made from: its kind, its data and its node. */
export interface EventSource {
  kind: EventKind;
  data: Readonly<Record<string, unknown>>;
  node: NodeView;
}

/** Button is a link a message offers: a button in HTML, a URL in text. */
export interface Button {
  label: string;
  url: string;
}

/** EventText is every string of one event's message, in one language. */
export interface EventText {
  title: string;
  /** The email subject without its `[satellite]` tag; also the node-log sentence. */
  subject: string;
  /** The event in a few words, as a digest line. */
  line: string;
  heading: string;
  intro: string;
  /** An announcement's own paragraphs (empty for other kinds). */
  paragraphs: string[];
  facts: Array<{ label: string; value: string }>;
  why: string;
  steps: string[];
  /** One sentence for channels without room for steps (node log, IRC). */
  action: string;
  buttons: Button[];
}

/** Headline is what a recorded notification keeps of its words: the row's title and one-line summary. */
export type Headline = Pick<EventText, 'title' | 'subject'>;

/** How each field of the kinds' data is shown: instants in the reader's zone, spans and decimals in their language. */
const FIELD_TYPES: Readonly<Record<string, 'instant' | 'span' | 'decimal'>> = {
  lastContact: 'instant',
  offlineSince: 'instant',
  deadline: 'instant',
  offlineFor: 'span',
  window: 'span',
  quietFor: 'span',
  score: 'decimal',
  threshold: 'decimal',
  distance: 'decimal',
  onlineScore: 'decimal',
};

/** WordingSettings are the sections words are made with: who sends, the reputation rules quoted, the help offered. */
export interface WordingSettings {
  satellite: Pick<SatelliteConfig, 'name'>;
  reputation: ReputationConfig;
  links: HelpLinksConfig;
}

/** Wording words events for their readers. */
export class Wording {
  readonly catalog: Catalog;
  /** The satellite's name, as every message says it. */
  readonly satellite: string;
  readonly #reputation: ReputationConfig;
  readonly #links: HelpLinksConfig;

  constructor(catalog: Catalog, settings: WordingSettings) {
    this.catalog = catalog;
    this.satellite = settings.satellite.name;
    this.#reputation = settings.reputation;
    this.#links = settings.links;
  }

  /** event words one event of `kind` about `node` for `reader`. */
  event(kind: EventKind, data: Readonly<Record<string, unknown>>, node: NodeView, reader: Reader): EventText {
    return this.worded(kind, data, node, reader).words;
  }

  /**
   * headline words only an event's title and subject: what a notification keeps when it is
   * recorded (the rest is worded for its reader when it leaves). A storm's hooks would otherwise
   * word every step and paragraph of each notice, and throw them away.
   */
  headline(kind: EventKind, data: Readonly<Record<string, unknown>>, node: NodeView, reader: Reader): Headline {
    return this.#headline(kind, reader.locale, this.#values(kind, data, node, reader));
  }

  /** #headline is the title and subject, one definition for a recorded row and the message that leaves. */
  #headline(kind: EventKind, locale: Locale, v: MessageValues): Headline {
    return {
      title: this.catalog.t(locale, `kinds.${kind}.title`, v),
      subject: this.catalog.t(locale, `kinds.${kind}.subject`, v),
    };
  }

  /** worded is event's words and the message arguments they were made with (a digest's headline quotes them too). */
  worded(
    kind: EventKind,
    data: Readonly<Record<string, unknown>>,
    node: NodeView,
    reader: Reader,
  ): { words: EventText; values: MessageValues } {
    const { locale } = reader;
    const v = this.#values(kind, data, node, reader);
    const k = `kinds.${kind}`;
    const facts = Object.entries(KIND_FACTS[kind] ?? {}).flatMap(([field]) =>
      typeof v[field] === 'string' && v[field] !== ''
        ? [{ label: this.catalog.t(locale, `${k}.facts.${field}`), value: String(v[field]) }]
        : [],
    );
    const { title, subject } = this.#headline(kind, locale, v);
    const words = {
      title,
      subject,
      line: this.catalog.t(locale, `${k}.line`, v),
      heading: this.catalog.t(locale, `${k}.heading`, v),
      intro: this.catalog.t(locale, `${k}.intro`, v),
      paragraphs: kind === 'announcement' && Array.isArray(data['paragraphs']) ? data['paragraphs'].map(String) : [],
      facts,
      why: this.catalog.t(locale, `${k}.why`, v),
      steps: kind === 'announcement' ? [text(data['action'])] : this.catalog.list(locale, `${k}.steps`, v),
      action: this.catalog.t(locale, `${k}.action`, v),
      buttons: this.buttons(kind, locale),
    };
    return { words, values: v };
  }

  /** common is the shared wording (labels, footer) every email's layout uses. */
  common(reader: Reader, recipient: string): Record<string, string> {
    const satellite = this.satellite;
    const keys = [
      'tagline',
      'nodeId',
      'address',
      'when',
      'why',
      'todo',
      'footer',
      'footerLimits',
      'manage',
      'manageWhat',
      'unsubscribe',
    ];
    return Object.fromEntries(
      keys.map((key) => [key, this.catalog.t(reader.locale, `common.${key}`, { satellite, recipient })]),
    );
  }

  /**
   * buttons are the links configured for `kind`: its guide, support (for the kinds that can cost a node its data), and
   * unless left out, the dashboard.
   */
  buttons(kind: string, locale: Locale, dashboard = true): Button[] {
    const links = this.#links;
    const out: Button[] = [];
    const docs = links.docs[kind as EventKind];
    if (docs) out.push({ label: this.catalog.t(locale, 'common.docs'), url: docs });
    if (links.support && kind in KIND_INFO && KIND_INFO[kind as EventKind].level === 'error')
      out.push({ label: this.catalog.t(locale, 'common.support'), url: links.support });
    return dashboard ? [...out, ...this.dashboard(locale)] : out;
  }

  /** dashboard is the operators' dashboard as a button, when configured. */
  dashboard(locale: Locale): Button[] {
    const url = this.#links.dashboard;
    return url ? [{ label: this.catalog.t(locale, 'common.dashboard'), url }] : [];
  }

  /** #values are the message arguments: the node, the satellite's rules, then the event's data shown for the reader. */
  #values(
    kind: EventKind,
    data: Readonly<Record<string, unknown>>,
    node: NodeView,
    reader: Reader,
  ): Record<string, string | number> {
    const { locale, zone } = reader;
    const r = this.#reputation;
    const v: Record<string, string | number> = {
      satellite: this.satellite,
      node: node.shortId,
      address: node.address,
      port: node.port,
      bar: formatDecimal(r.onlineSuspensionBelow.toFixed(3), locale),
      window: formatSpan(r.onlineWindowMs, locale),
      review: formatSpan(r.reviewPeriodMs, locale),
      days: formatSpan((1 - r.onlineSuspensionBelow) * r.onlineWindowMs, locale),
      dayCost: formatDecimal((DAY / r.onlineWindowMs).toFixed(3), locale),
      unknownBar: formatDecimal(r.unknownAuditSuspensionBelow.toFixed(3), locale),
      grace: formatSpan(r.unknownAuditGraceMs, locale),
      lastContact: this.catalog.t(locale, 'common.notRecorded'),
    };
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      v[key] = shown(FIELD_TYPES[key], value, zone, locale);
    }
    v['hasReason'] = typeof data['reason'] === 'string' && data['reason'] !== '' ? 'yes' : 'no';
    v['hasDeadline'] = data['deadline'] ? 'yes' : 'no';
    v['hasLatest'] = data['latest'] ? 'yes' : 'no';
    if (kind === 'announcement') v['title'] = text(data['title']);
    return v;
  }
}

/** Which data fields each kind shows as labelled facts (the catalog's `facts` names them). */
const KIND_FACTS: Partial<Record<EventKind, Record<string, true>>> = {
  'audit-failed': { score: true, threshold: true, distance: true },
  disqualified: { reason: true, score: true },
  'version-outdated': { version: true, minimum: true, latest: true, deadline: true },
  'offline-suspended': { onlineScore: true },
  'offline-unsuspended': { onlineScore: true },
  'node-online': { onlineScore: true },
};

/** text is a caller's string field, or nothing. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function shown(
  type: (typeof FIELD_TYPES)[string] | undefined,
  value: string | number,
  zone: string,
  locale: Locale,
): string {
  if (
    type === 'instant' &&
    typeof value === 'string' &&
    /^\d{4}-\d\d-\d\dT/.test(value) &&
    !Number.isNaN(Date.parse(value))
  )
    return formatWhen(new Date(value), zone, locale);
  if (type === 'span' && typeof value === 'number') return formatSpan(value, locale);
  if (type === 'decimal' && /^-?\d+(\.\d+)?$/.test(String(value))) return formatDecimal(value, locale);
  return String(value);
}

/** isKind tells an event kind (worded from the catalog) from a caller's own template name. */
export function isKind(name: string): name is EventKind {
  return Object.hasOwn(KIND_INFO, name);
}

/**
 * sourceOf is what a stored message is worded from: an event of a kind about a node, or null for a caller's own text.
 */
export function sourceOf(p: StoredMessage): EventSource | null {
  return p.source && isKind(p.source.kind) && p.node
    ? { kind: p.source.kind, data: p.source.data, node: nodeView(p.node.id, p.node.address) }
    : null;
}
