/**
 * @module notification/content/wording
 * The words of one event for one reader: its kind's messages from the catalog, in the reader's
 * language, with times in the reader's zone and the satellite's real thresholds. Pure: the catalog
 * and settings are read, nothing is written.
 */
import { DAY, HOUR } from '../../config-schema.js';
import { type Catalog, type MessageValues } from '../../i18n/catalog.js';
import { resolveLocale, type Locale } from '../../i18n/locale.js';
import { formatDecimal } from '../../i18n/format.js';
import { spanValues } from '../../i18n/spans.js';
import { KIND_INFO, type EventKind } from '../../kinds.js';
import type { SatelliteConfig } from '../../satellite.js';
import type { StoredMessage } from '../outbox/outbox.js';
import type { HelpLinksConfig, ReputationConfig } from './config.js';
import type { Reader } from '../../i18n/locale.js';
import { announcementIn, FIELD_TYPES, KIND_FACTS, languageName, shown } from './fields.js';

export type { Reader } from '../../i18n/locale.js';

/** NodeView is a node as messages show it. */
export interface NodeView {
  id: string;
  shortId: string;
  address: string;
  port: string;
}

/** The layout's shared words (common.* in the catalogs). */
const COMMON_KEYS = [
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
] as const;

/** How many (language, node count) pairs of common words are kept; counts beyond a few are rare. */
const MAX_COMMONS = 256;

/** A stand-in for the address, which no address or message contains. */
const RECIPIENT = '\u0000recipient\u0000';

/**
 * Common is one language's common words for one node count: those alike for every recipient, and
 * the keys that name the address, each as the text around it (null: worded per recipient).
 */
interface Common {
  shared: Record<string, string>;
  perRecipient: Array<[key: string, around: string[] | null]>;
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

/** WordingSettings are the sections words are made with: who sends, the reputation rules quoted, the help offered. */
export interface WordingSettings {
  satellite: Pick<SatelliteConfig, 'name'>;
  /** The language the satellite writes its own words in (an announcement's `data`). */
  preferences: { language: string };
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
  readonly #language: Locale;
  /** The common words per language and node count (see #commonOf). */
  readonly #commons = new Map<string, Common>();

  constructor(catalog: Catalog, settings: WordingSettings) {
    this.catalog = catalog;
    this.satellite = settings.satellite.name;
    this.#language = resolveLocale(settings.preferences.language);
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
    // A coded reason already names its score against the bar.
    const shownElsewhere = kind === 'disqualified' && data['reasonCode'] !== undefined ? 'score' : '';
    const facts = Object.entries(KIND_FACTS[kind] ?? {}).flatMap(([field]) =>
      field !== shownElsewhere && typeof v[field] === 'string' && v[field] !== ''
        ? [{ label: this.catalog.t(locale, `${k}.facts.${field}`), value: String(v[field]) }]
        : [],
    );
    const { title, subject } = this.#headline(kind, locale, v);
    const own = kind === 'announcement' ? announcementIn(data, locale) : null;
    const words = {
      title,
      subject,
      line: this.catalog.t(locale, `${k}.line`, v),
      heading: this.catalog.t(locale, `${k}.heading`, v),
      intro:
        own && !own.translated && locale !== this.#language
          ? this.catalog.t(locale, 'kinds.announcement.fallback', { language: languageName(this.#language, locale) })
          : this.catalog.t(locale, `${k}.intro`, v),
      paragraphs: own?.paragraphs ?? [],
      facts,
      why: this.catalog.t(locale, `${k}.why`, v),
      steps: own ? [own.action] : this.catalog.list(locale, `${k}.steps`, v),
      action: this.catalog.t(locale, `${k}.action`, v),
      buttons: this.buttons(kind, locale),
    };
    return { words, values: v };
  }

  /** common is the shared wording (labels, footer) every email's layout uses; `nodes` is how many nodes it is about. */
  common(reader: Reader, recipient: string, nodes = 1): Record<string, string> {
    const { shared, perRecipient } = this.#commonOf(reader.locale, nodes);
    const out = { ...shared };
    for (const [key, around] of perRecipient)
      out[key] = around
        ? around.join(recipient)
        : this.catalog.t(reader.locale, `common.${key}`, { satellite: this.satellite, recipient, nodes });
    return out;
  }

  /**
   * #commonOf is the common words that are alike for every recipient in one language, worded once,
   * and those that name the address (the footer does): each worded once around a stand-in for it,
   * so the address is put in its place without formatting the message again, unless the message
   * does more with the address than show it. Both are read off the words, so a translation naming
   * the address elsewhere is still right.
   */
  #commonOf(locale: Locale, nodes: number): Common {
    const id = `${locale}|${nodes}`;
    let c = this.#commons.get(id);
    if (c) return c;
    const word = (key: string, recipient: string): string =>
      this.catalog.t(locale, `common.${key}`, { satellite: this.satellite, recipient, nodes });
    const shared: Record<string, string> = {};
    const perRecipient: Common['perRecipient'] = [];
    for (const key of COMMON_KEYS) {
      const [a, b] = [word(key, 'a@example.invalid'), word(key, 'b@example.invalid')];
      if (a === b) {
        shared[key] = a;
        continue;
      }
      const around = word(key, RECIPIENT).split(RECIPIENT);
      const plain = around.join('a@example.invalid') === a && around.join('b@example.invalid') === b;
      perRecipient.push([key, plain ? around : null]);
    }
    if (this.#commons.size >= MAX_COMMONS) this.#commons.clear();
    this.#commons.set(id, (c = { shared, perRecipient }));
    return c;
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
      dqBar: formatDecimal(r.auditDisqualificationBelow.toFixed(3), locale),
      dayCost: formatDecimal((DAY / r.onlineWindowMs).toFixed(3), locale),
      unknownBar: formatDecimal(r.unknownAuditSuspensionBelow.toFixed(3), locale),
      lastContact: this.catalog.t(locale, 'common.notRecorded'),
    };
    const span = (name: string, ms: number): void => void Object.assign(v, spanValues(this.catalog, locale, name, ms));
    span('window', r.onlineWindowMs);
    span('review', r.reviewPeriodMs);
    span('days', (1 - r.onlineSuspensionBelow) * r.onlineWindowMs);
    span('grace', r.unknownAuditGraceMs);
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string' && typeof value !== 'number') continue;
      if (FIELD_TYPES[key] === 'span' && typeof value === 'number') span(key, value);
      else v[key] = shown(FIELD_TYPES[key], value, zone, locale);
    }
    // Whether a value is known: a message shows it against its bar, or says plainly that it was not reported.
    // What is at stake in a reminder: about how much time is left.
    const left = timeLeft(kind, data, r);
    if (left !== null) {
      v['hasDaysLeft'] = left >= HOUR ? 'yes' : 'no';
      // "About 9 days", not "about 9 days, 8 hours": an estimate says no more than it knows.
      if (left >= HOUR)
        span('daysLeft', left >= 2 * DAY ? Math.round(left / DAY) * DAY : Math.round(left / HOUR) * HOUR);
    }
    for (const field of [
      'score',
      'threshold',
      'onlineScore',
      'unknownScore',
      'deadline',
      'latest',
      'lastContact',
      'reminder',
      'previous',
    ])
      v[`has${field[0]?.toUpperCase()}${field.slice(1)}`] =
        data[field] !== undefined && data[field] !== '' ? 'yes' : 'no';
    if (typeof data['reasonCode'] === 'string')
      v['reason'] = this.catalog.t(locale, `kinds.disqualified.reasons.${data['reasonCode']}`, v);
    else if (typeof data['reason'] === 'string' && data['reason'] !== '')
      v['reason'] = this.catalog.t(locale, 'kinds.disqualified.reasons.own', { text: data['reason'] });
    v['hasReason'] = typeof v['reason'] === 'string' && v['reason'] !== '' ? 'yes' : 'no';
    if (kind === 'announcement') v['title'] = announcementIn(data, locale).title;
    return v;
  }
}

/**
 * timeLeft is what a reminder says is at stake, in ms: for a suspension, what is left of its review
 * period (or grace); for an outage, about how much longer offline before the online score crosses
 * the bar (from the score when the satellite passed one, else from a node never offline before).
 * Null for anything but a reminder.
 */
function timeLeft(kind: EventKind, data: Readonly<Record<string, unknown>>, r: ReputationConfig): number | null {
  if (typeof data['reminder'] !== 'number') return null;
  if (typeof data['suspendedFor'] === 'number')
    return (kind === 'offline-suspended' ? r.reviewPeriodMs : r.unknownAuditGraceMs) - data['suspendedFor'];
  if (typeof data['offlineFor'] !== 'number') return null;
  const score = Number(data['onlineScore'] ?? 1);
  return (score - r.onlineSuspensionBelow) * r.onlineWindowMs - (data['onlineScore'] ? 0 : data['offlineFor']);
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
