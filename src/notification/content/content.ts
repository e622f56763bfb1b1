/**
 * @module notification/content/content
 * Builds outbox items: one message per notification, the same for every channel (title, text,
 * facts, what to do), with the email an operator-audience channel renders; and, when an item
 * leaves, its words for its reader (present) or the digest it is folded into (digest). An event's
 * words come from the catalog, so they are made in the reader's language and zone when it leaves
 * (only its title is stored); its data was checked against its kind's schema at the door. A
 * caller's own template is rendered once when recorded, so a template error stops it before
 * anything is stored; the digest template, which only ever gets words made here, is rendered on
 * a sample day at startup.
 */
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../../config.js';
import { z } from 'zod';
import { InvalidInputError, TemplateError } from '../../errors.js';
import { parseInput } from '../../input/parse.js';
import { lines, oneLine } from '../../input/text.js';
import { assertEmailAddress } from '../../mailservice/input.js';
import type { TemplateSet } from '../../mailservice/templates.js';
import { INTERNAL_TEMPLATES, parseTemplateData } from '../../mailservice/template-data.js';
import type { NodeInfo } from '../../overlay/db.js';
import type { NewItem, OutboxItem } from '../outbox/outbox.js';
import { digestOf } from '../dispatch/digest.js';
import { formatInstant } from '../../i18n/format.js';
import { MAX_MESSAGE_CHARS, MAX_TITLE_CHARS } from '../../channels/nodelog/schema.js';
import type { Audience, Fact, Message } from '../../channels/plugin.js';
import { KIND_INFO, LOG_LEVELS, LOG_TYPES, kindOfLogType, type EventKind } from '../../kinds.js';
import type { RenderedEmail } from '../../mailservice/templates.js';
import { nodeView, Presenter, SAMPLE_NODE, type EventSource, type EventText, type Headline, type NodeView, type Reader } from './present.js';
import { loadCatalog, resolveLocale } from '../../i18n/catalog.js';
import { sampleDay, sampleDigest } from './sample-day.js';

/** EmailLinkMaker makes an operator's unsubscribe and preferences links (links/links.ts). */
export interface EmailLinkMaker {
  email(operator: string, channel: string, kind: string, now: Date): { unsubscribe: string; preferences: string };
}

/** LOG_INPUT is what informNodeLog takes, checked at the door: what a node's log server accepts. */
export const LOG_INPUT = z.strictObject({
  type: z.enum(LOG_TYPES),
  level: z.enum(LOG_LEVELS),
  title: oneLine(MAX_TITLE_CHARS).optional(),
  text: lines(MAX_MESSAGE_CHARS),
});
export type LogInput = z.input<typeof LOG_INPUT>;

/** EMAIL_MESSAGE is what informNodeEmail and broadcast take; `data` is checked by the template's own schema. */
export const EMAIL_MESSAGE = z.strictObject({
  template: z
    .string()
    .min(1)
    .max(100)
    .refine((t) => !INTERNAL_TEMPLATES.has(t), 'is built by satnotify itself, not sent by callers'),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type EmailMessage = z.input<typeof EMAIL_MESSAGE>;

/** Content turns nodes and events into outbox items, and items into the words their readers get. */
export class Content {
  readonly #templates: TemplateSet;
  readonly #config: ResolvedConfig;
  readonly #audience: (channel: string) => Audience;
  readonly #links: EmailLinkMaker | null;
  readonly #words: Presenter;
  /** The reader of a notification whose operator chose nothing (or has no address). */
  readonly defaultReader: Reader;

  /** `audience` tells who a channel instance's copies are for (the channel set knows); `links` makes the operator's links, when set up. */
  constructor(templates: TemplateSet, config: ResolvedConfig, audience: (channel: string) => Audience, words: Presenter, links: EmailLinkMaker | null = null) {
    this.#templates = templates;
    this.#config = config;
    this.#audience = audience;
    this.#words = words;
    this.#links = links;
    this.defaultReader = { locale: resolveLocale(config.preferences.language), zone: config.preferences.timezone || config.limits.timezone };
    if (!templates.has('event') && !KINDS.every((k) => templates.has(k))) throw new TemplateError(templates.dir, 'needs event.{subject,html,text}.hbs, or a template for every kind');
    // Word and render every kind's sample in every language now: a catalog or template that no
    // longer fits its data fails at startup, not in front of an operator.
    // The digest is checked here too, on a sample day, instead of each time one is made.
    const day = sampleDay(this);
    for (const locale of words.catalog.locales()) {
      for (const kind of KINDS) if (templates.hasSample(kind)) this.render(kind, templates.sample(kind), SAMPLE_NODE, 'operator@example.com', new Date(0), { locale, zone: 'UTC' });
      if (day.length > 1) sampleDigest(this, templates, { locale, zone: 'UTC' }, day);
    }
  }

  /** readerOf is how an operator with these preferences reads; the default reader without them. */
  readerOf(prefs: { language: string; timezone: string } | null): Reader {
    return prefs ? { locale: resolveLocale(prefs.language), zone: prefs.timezone } : this.defaultReader;
  }

  /**
   * checkEmail checks a caller's email message at the door: its shape, that the template exists,
   * and its data against the template's schema. Throws InvalidInputError or TemplateError.
   */
  checkEmail(message: unknown): { template: string; data: Record<string, unknown> } {
    const { template, data = {} } = parseInput(EMAIL_MESSAGE, message, 'message');
    this.requireTemplate(template);
    return { template, data: parseTemplateData(template, data) };
  }

  /** requireTemplate throws a TemplateError naming what exists unless `name` is a kind or a caller's template. */
  requireTemplate(name: string): void {
    if (isKind(name) || (this.#templates.has(name) && !INTERNAL_TEMPLATES.has(name) && name !== 'event')) return;
    const own = this.#templates.names().filter((n) => !INTERNAL_TEMPLATES.has(n) && n !== 'event' && !isKind(n));
    throw new TemplateError(name, `unknown template (known: ${[...KINDS, ...own].join(', ')})`);
  }

  /**
   * email builds an item on the `email` instance. A kind's email is worded now only for the row's
   * title and summary (in the default language), and for its reader when it leaves or is listed
   * (present); a caller's own template is rendered now, which validates it. Caller data has
   * passed checkEmail.
   */
  email(node: NodeInfo, template: string, data: Record<string, unknown>, at: Date, dueAt: Date): NewItem {
    const to = this.recipient(node);
    const kind = isKind(template) ? template : undefined;
    const links = this.#links?.email(to.toLowerCase(), 'email', kind ?? 'announcement', at) ?? null;
    if (kind) {
      const words = this.#words.headline(kind, data, viewOf(node), this.defaultReader);
      const message: Message = { ...this.#eventMessage(kind, data, node, words), email: { to, template: kind, data }, ...(links && { links }) };
      return this.#item('email', node, kind, message, words.subject, at, dueAt);
    }
    const full = { ...data, ...this.#common(viewOf(node), to, at, this.defaultReader), links };
    const summary = subjectLine(this.#templates.render(template, full).subject);
    const message: Message = { level: 'info', title: summary, text: summary, node: nodeOf(node), facts: {}, actions: [], email: { to, template, data: full }, ...(links && { links }) };
    return this.#item('email', node, template, message, summary, at, dueAt);
  }

  /** log builds an item on the `log` instance; `input` was checked against LOG_INPUT at the door. */
  log(node: NodeInfo, input: LogInput, at: Date, dueAt: Date): NewItem {
    const kind = kindOfLogType(input.type) ?? 'custom';
    const title = input.title ?? (kind in KIND_INFO ? KIND_INFO[kind as EventKind].title : 'Satellite notification');
    const message: Message = { level: input.level, title, text: input.text, node: nodeOf(node), facts: {}, actions: [] };
    return this.#item('log', node, kind, message, input.text.split('\n')[0] ?? '', at, dueAt);
  }

  /**
   * event builds the items of one hook event: one per channel instance config routes its kind to.
   * Operator-audience instances (email) need the node's email and wait `grouping.wait` so an
   * operator's emails leave together; a node without one gets the others only. Hooks build their
   * own data, so nothing is rendered here: the words are made from the catalog.
   */
  event(node: NodeInfo, kind: EventKind, data: Record<string, unknown>, at: Date): NewItem[] {
    const channels = this.#config.hooks.channels[kind] ?? [];
    if (channels.length === 0) return [];
    const to = node.email ? this.recipient(node) : undefined;
    const words = this.#words.headline(kind, data, viewOf(node), this.defaultReader);
    const base = this.#eventMessage(kind, data, node, words);
    const items: NewItem[] = [];
    for (const channel of channels) {
      if (this.#audience(channel) === 'node') items.push(this.#item(channel, node, kind, base, words.subject, at, at));
      else if (to) {
        const links = this.#links?.email(to.toLowerCase(), channel, kind, at);
        items.push(this.#item(channel, node, kind, { ...base, email: { to, template: kind, data }, ...(links && { links }) }, words.subject, at, new Date(at.getTime() + this.#config.grouping.waitMs)));
      }
    }
    return items;
  }

  /**
   * present is the message as `item` leaves for `reader`, or is listed in their feed: an event
   * worded in their language and zone, its email ready to render; a caller's own text as it was
   * recorded.
   */
  present(item: OutboxItem, reader: Reader): Message {
    const p = item.payload;
    const source = sourceOf(p);
    if (!source) return this.#withCommon(p, reader);
    const words = this.#words.event(source.kind, source.data, source.node, reader);
    const message: Message = { ...p, title: words.title, text: this.#nodeText(words), actions: words.steps };
    if (p.email) message.email = { to: p.email.to, ...this.#emailOf(source.kind, source.data, words, source.node, p.email.to, item.occurredAt, reader, p.links ?? null) };
    return message;
  }

  /**
   * presentDigest is a digest as it leaves, in the language and zone it was worded in when made:
   * the layout's shared labels and footer are added now, kept out of its row (the same ~1 KB for
   * every digest).
   */
  presentDigest(p: Message): Message {
    const data = p.email?.data;
    return data ? this.#withCommon(p, this.readerOf({ language: String(data['locale']), timezone: String(data['timezone']) })) : p;
  }

  #withCommon(p: Message, reader: Reader): Message {
    return p.email ? { ...p, email: { ...p.email, data: { ...p.email.data, s: this.#words.common(reader, p.email.to), locale: reader.locale } } } : p;
  }

  /**
   * emailFor is the email a kind (or a caller's template) makes for `reader`, as present would send
   * it: the template to render and its whole data. For `satnotify preview`, the startup check and tests.
   */
  emailFor(template: string, data: Record<string, unknown>, node: NodeView, recipient: string, at: Date, reader: Reader): { template: string; data: Record<string, unknown> } {
    this.requireTemplate(template);
    if (!isKind(template)) return { template, data: { ...data, ...this.#common(node, recipient, at, reader), links: null } };
    return this.#emailOf(template, data, this.#words.event(template, data, node, reader), node, recipient, at, reader, null);
  }

  /** render renders emailFor's email. */
  render(template: string, data: Record<string, unknown>, node: NodeView, recipient: string, at: Date, reader: Reader): RenderedEmail {
    const email = this.emailFor(template, data, node, recipient, at, reader);
    return this.#templates.render(email.template, email.data);
  }

  /**
   * digest folds claimed items of one group (one channel, one node or one operator) into one item,
   * worded for `reader`: the most serious kinds first, each with its why and what to do once.
   */
  digest(items: readonly OutboxItem[], now: Date, reader: Reader = this.defaultReader): NewItem {
    const first = items[0] as OutboxItem;
    const d = digestOf(items);
    const words = this.#words.digest(d, reader, (i) => sourceOf(i.payload));
    const nodeIds = new Set(items.map((i) => i.nodeId));
    const message: Message = {
      level: d.level,
      title: words.subject.slice(0, MAX_TITLE_CHARS),
      text: digestLogText(words, MAX_MESSAGE_CHARS),
      node: nodeIds.size === 1 ? first.payload.node : null,
      facts: {},
      actions: words.sections.map((s) => s.action).filter(Boolean),
      digest: { count: d.count, nodes: d.nodes },
    };
    const to = first.payload.email?.to;
    if (to) {
      const links = this.#links?.email(to.toLowerCase(), first.channel, 'all', now) ?? null;
      const data = { satellite: { name: this.#config.satellite.name }, recipient: to, timezone: reader.zone, locale: reader.locale, links, m: { subject: words.subject }, preheader: words.preheader, d: words };
      message.email = { to, template: 'digest', data };
      if (links) message.links = links;
    }
    return {
      id: randomUUID(),
      channel: first.channel,
      groupKey: first.groupKey,
      nodeId: nodeIds.size === 1 ? first.nodeId : null,
      operator: first.operator,
      kind: 'digest',
      bypass: false,
      payload: message,
      title: 'Digest',
      summary: words.subject,
      dueAt: now,
      occurredAt: (items.at(-1) as OutboxItem).occurredAt,
      createdAt: now,
    };
  }

  /** recipient is the node's operator address, or an InvalidInputError saying why there is none. */
  recipient(node: NodeInfo): string {
    if (!node.email) throw new InvalidInputError('node email', `node ${node.id.toString()} has no operator email`);
    return assertEmailAddress(node.email, 'node email');
  }

  /**
   * An event's message as stored: its source and its title (the row's name, in the default
   * language). Its text and what to do are made for its reader by present, so they are not kept:
   * they were a third of every row a drain reads back.
   */
  #eventMessage(kind: EventKind, data: Record<string, unknown>, node: NodeInfo, words: Headline): Message {
    return { level: KIND_INFO[kind].level, title: words.title, text: '', node: nodeOf(node), facts: factsOf(data), actions: [], source: { kind, data } };
  }

  /** The node log, IRC and webhooks show this without the email around it, so it names the satellite. */
  #nodeText(words: EventText): string {
    return `${this.#config.satellite.name}: ${words.subject}. ${words.action}`;
  }

  #emailOf(kind: EventKind, data: Record<string, unknown>, words: EventText, node: NodeView, recipient: string, at: Date, reader: Reader, links: Message['links'] | null): { template: string; data: Record<string, unknown> } {
    // A template folder with its own template for this kind keeps it; it gets the same words.
    const template = this.#templates.has(kind) ? kind : 'event';
    const steps = words.steps.map((text, i) => ({ n: i + 1, text }));
    const m = { ...words, steps, oneStep: steps.length === 1 ? words.steps[0] : '', hideWhen: kind === 'announcement' };
    return { template, data: { ...data, ...this.#common(node, recipient, at, reader), links, kind, m, preheader: words.intro || words.line } };
  }

  /** #item places a message on a channel instance: grouped by the operator's address or by the node. */
  #item(channel: string, node: NodeInfo, kind: string, payload: Message, summary: string, at: Date, dueAt: Date): NewItem {
    const to = payload.email?.to;
    return {
      id: randomUUID(),
      channel,
      groupKey: to ? `${channel}:addr:${to.toLowerCase()}` : `${channel}:node:${node.id.hex}`,
      nodeId: node.id.hex,
      operator: node.email ? node.email.toLowerCase() : null,
      kind,
      bypass: kind in KIND_INFO && this.#config.limits.bypass.includes(kind as EventKind),
      payload,
      title: payload.title,
      summary,
      dueAt,
      occurredAt: at,
      createdAt: at,
    };
  }

  #common(node: NodeView, recipient: string, at: Date, reader: Reader): Record<string, unknown> {
    return {
      satellite: { name: this.#config.satellite.name },
      recipient,
      timezone: reader.zone,
      locale: reader.locale,
      node,
      occurredAt: formatInstant(at, reader.zone, reader.locale),
      s: this.#words.common(reader, recipient),
      preheader: '',
    };
  }
}

/** contentFor builds a Content that words with the catalog beside `templates`. */
export function contentFor(templates: TemplateSet, config: ResolvedConfig, audience: (channel: string) => Audience = () => 'operator', links: EmailLinkMaker | null = null): Content {
  return new Content(templates, config, audience, new Presenter(loadCatalog(templates.dir), config), links);
}

const KINDS = Object.keys(KIND_INFO) as EventKind[];

function isKind(name: string): name is EventKind {
  return Object.hasOwn(KIND_INFO, name);
}

/** sourceOf is what a stored message is worded from: an event of a kind about a node, or null for a caller's own text. */
function sourceOf(p: Message): EventSource | null {
  return p.source && isKind(p.source.kind) && p.node ? { kind: p.source.kind, data: p.source.data, node: nodeView(p.node.id, p.node.address) } : null;
}

function nodeOf(node: NodeInfo): Message['node'] {
  return { id: node.id.toString(), address: node.address };
}

function viewOf(node: NodeInfo): NodeView {
  return nodeView(node.id.toString(), node.address);
}

/** subjectLine is an email subject without its `[Satellite]` tag: the one-line summary. */
function subjectLine(subject: string): string {
  return subject.replace(/^\[[^\]]*\]\s*/, '');
}

/** factsOf keeps the plain values of an event's data (score, threshold, version …). */
function factsOf(data: Record<string, unknown>): Record<string, Fact> {
  return Object.fromEntries(Object.entries(data).filter((e): e is [string, Fact] => ['string', 'number', 'boolean'].includes(typeof e[1])));
}

/**
 * digestLogText is a digest as the node log shows it: the header, then each kind with its lines
 * and what to do, within `maxChars` code points (the last lines give way first, and say so).
 */
function digestLogText(words: DigestWords, maxChars: number): string {
  const blocks = words.sections.map((s) => [`${s.title} (${s.count}):`, ...s.lines.map((l) => `  ${l.when}  ${l.text}`), ...(s.action ? [`  → ${s.action}`] : [])]);
  const all = [words.logHeader, ...(words.folded ? [words.folded] : []), ...blocks.flat()];
  let text = all.join('\n');
  for (let kept = all.length - 1; [...text].length > maxChars && kept > 1; kept--) text = `${all.slice(0, kept).join('\n')}\n… (${all.length - kept})`;
  return text;
}

type DigestWords = ReturnType<Presenter['digest']>;
