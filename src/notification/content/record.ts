/**
 * @module notification/content/record
 * New outbox items: one message per notification, the same for every channel instance its kind
 * goes to, with the email an operator-audience instance renders. An event's row keeps its source
 * and title (in the default language); its words are made for its reader when it leaves. A
 * caller's own template is rendered now, once, so a template error stops it before anything is
 * recorded.
 */
import { randomUUID } from 'node:crypto';
import type { Audience, Fact } from '../../channels/plugin.js';
import { InvalidInputError } from '../../errors.js';
import { KIND_INFO, kindOfLogType, type EventKind } from '../../kinds.js';
import { assertEmailAddress } from '../../mailservice/input.js';
import type { TemplateSet } from '../../mailservice/templates.js';
import type { NodeInfo } from '../../overlay/db.js';
import type { NewItem, StoredMessage } from '../outbox/outbox.js';
import type { LogInput } from './inputs.js';
import { layoutData } from './present.js';
import { isKind, nodeView, type Headline, type NodeView, type Reader, type Wording } from './wording.js';

/** The most an email's HTML may weigh: under what Gmail clips (about 102 KB), with room to spare. */
export const MAX_EMAIL_HTML_BYTES = 96_000;

/** assertEmailSize throws an InvalidInputError naming `data` for an email whose HTML weighs more than MAX_EMAIL_HTML_BYTES. */
export function assertEmailSize(html: string): void {
  const bytes = Buffer.byteLength(html);
  if (bytes > MAX_EMAIL_HTML_BYTES)
    throw new InvalidInputError(
      'data',
      `makes an email of ${bytes} bytes of HTML (at most ${MAX_EMAIL_HTML_BYTES}); shorten it, or link to a page for the long form`,
    );
}

/** EmailLinkMaker makes an operator's unsubscribe and preferences links (links/links.ts). */
export interface EmailLinkMaker {
  email(operator: string, channel: string, kind: string, now: Date): { unsubscribe: string; preferences: string };
  snooze(operator: string, nodeHex: string, now: Date): string;
}

/**
 * RecordSettings are the sections items are made with: where each kind goes, how long an operator's emails gather,
 * which kinds skip the counts.
 */
export interface RecordSettings {
  hooks: { channels: Readonly<Partial<Record<EventKind, readonly string[]>>> };
  grouping: { waitMs: number };
  limits: { bypass: readonly EventKind[] };
}

/** Recorder turns nodes and events into outbox items. */
export class Recorder {
  readonly #templates: TemplateSet;
  readonly #wording: Wording;
  readonly #settings: RecordSettings;
  readonly #audience: (channel: string) => Audience;
  readonly #links: EmailLinkMaker | null;
  /** Whom a row's title and summary are worded for: the default reader. */
  readonly #reader: Reader;

  constructor(parts: {
    templates: TemplateSet;
    wording: Wording;
    settings: RecordSettings;
    audience: (channel: string) => Audience;
    links: EmailLinkMaker | null;
    reader: Reader;
  }) {
    this.#templates = parts.templates;
    this.#wording = parts.wording;
    this.#settings = parts.settings;
    this.#audience = parts.audience;
    this.#links = parts.links;
    this.#reader = parts.reader;
  }

  /**
   * email builds an item on the `email` instance. A kind's email is worded now only for the row's
   * title and summary; a caller's own template is rendered now, which validates it. Caller data has
   * passed checkEmail.
   */
  email(node: NodeInfo, template: string, data: Record<string, unknown>, at: Date, dueAt: Date): NewItem {
    const to = this.recipient(node);
    const kind = isKind(template) ? template : undefined;
    const links = this.#links?.email(to.toLowerCase(), 'email', kind ?? 'announcement', at) ?? null;
    if (kind) {
      const words = this.#wording.headline(kind, data, viewOf(node), this.#reader);
      const message: StoredMessage = {
        ...eventMessage(kind, data, node, words),
        email: { to, template: kind, data },
        ...(links && { links }),
      };
      return this.#item('email', node, kind, message, words.subject, at, dueAt);
    }
    const full = { ...data, ...layoutData(this.#wording, viewOf(node), to, at, this.#reader), links };
    const rendered = this.#templates.render(template, full);
    assertEmailSize(rendered.html);
    const summary = subjectLine(rendered.subject);
    const message: StoredMessage = {
      level: 'info',
      title: summary,
      text: summary,
      node: nodeOf(node),
      facts: {},
      actions: [],
      email: { to, template, data: full },
      ...(links && { links }),
    };
    return this.#item('email', node, template, message, summary, at, dueAt);
  }

  /** log builds an item on the `log` instance; `input` was checked against LOG_INPUT at the door. */
  log(node: NodeInfo, input: LogInput, at: Date, dueAt: Date): NewItem {
    const kind = kindOfLogType(input.type) ?? 'custom';
    const title = input.title ?? (kind in KIND_INFO ? KIND_INFO[kind as EventKind].title : 'Satellite notification');
    const message: StoredMessage = {
      level: input.level,
      title,
      text: input.text,
      node: nodeOf(node),
      facts: {},
      actions: [],
    };
    return this.#item('log', node, kind, message, input.text.split('\n')[0] ?? '', at, dueAt);
  }

  /**
   * event builds the items of one hook event: one per channel instance config routes its kind to.
   * Operator-audience instances (email) need the node's email and wait `grouping.wait` so an
   * operator's emails leave together; a node without one gets the others only. Hooks build their
   * own data, so nothing is rendered here.
   */
  event(node: NodeInfo, kind: EventKind, data: Record<string, unknown>, at: Date): NewItem[] {
    const channels = this.#settings.hooks.channels[kind] ?? [];
    if (channels.length === 0) return [];
    const to = node.email ? this.recipient(node) : undefined;
    const words = this.#wording.headline(kind, data, viewOf(node), this.#reader);
    const base = eventMessage(kind, data, node, words);
    const items: NewItem[] = [];
    for (const channel of channels) {
      if (this.#audience(channel) === 'node') items.push(this.#item(channel, node, kind, base, words.subject, at, at));
      else if (to) {
        const links = this.#links && {
          ...this.#links.email(to.toLowerCase(), channel, kind, at),
          // Trouble can be snoozed ("I'm on it"); a disqualification is final, and good news needs no answer.
          ...(KIND_INFO[kind].level !== 'info' &&
            kind !== 'disqualified' && { snooze: this.#links.snooze(to.toLowerCase(), node.id.hex, at) }),
        };
        items.push(
          this.#item(
            channel,
            node,
            kind,
            { ...base, email: { to, template: kind, data }, ...(links && { links }) },
            words.subject,
            at,
            new Date(at.getTime() + this.#settings.grouping.waitMs),
          ),
        );
      }
    }
    // The first is the notification its operator's feed lists; the others are its copies.
    return items.map((item, i) => (i === 0 ? item : { ...item, copyOf: (items[0] as NewItem).id }));
  }

  /** recipient is the node's operator address, or an InvalidInputError saying why there is none. */
  recipient(node: NodeInfo): string {
    if (!node.email) throw new InvalidInputError('node email', `node ${node.id.toString()} has no operator email`);
    return assertEmailAddress(node.email, 'node email');
  }

  /** #item places a message on a channel instance: grouped by the operator's address or by the node. */
  #item(
    channel: string,
    node: NodeInfo,
    kind: string,
    payload: StoredMessage,
    summary: string,
    at: Date,
    dueAt: Date,
  ): NewItem {
    const to = payload.email?.to;
    return {
      id: randomUUID(),
      channel,
      groupKey: to ? `${channel}:addr:${to.toLowerCase()}` : `${channel}:node:${node.id.hex}`,
      nodeId: node.id.hex,
      operator: node.email ? node.email.toLowerCase() : null,
      kind,
      bypass: isKind(kind) && this.#settings.limits.bypass.includes(kind),
      payload,
      title: payload.title,
      summary,
      dueAt,
      occurredAt: at,
      createdAt: at,
      copyOf: null,
    };
  }
}

/**
 * eventMessage is an event's message as stored: its source and its title (the row's name, in the
 * default language). Its text and what to do are made for its reader when it leaves, so they are
 * not kept: they were a third of every row a drain reads back.
 */
function eventMessage(kind: EventKind, data: Record<string, unknown>, node: NodeInfo, words: Headline): StoredMessage {
  return {
    level: KIND_INFO[kind].level,
    title: words.title,
    text: '',
    node: nodeOf(node),
    facts: factsOf(data),
    actions: [],
    source: { kind, data },
  };
}

function nodeOf(node: NodeInfo): StoredMessage['node'] {
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
  return Object.fromEntries(
    Object.entries(data).filter((e): e is [string, Fact] => ['string', 'number', 'boolean'].includes(typeof e[1])),
  );
}

/**
 * withOwnCopies adds to an event's items a copy of its operator's email for each of their own
 * destinations (`ids`, the destinations' instance names): grouped by the address on each, so each
 * gets its own digests, limits and filters. An event no email is made of gets none.
 */
export function withOwnCopies(items: NewItem[], ids: readonly string[]): NewItem[] {
  const email = items.find((i) => i.payload.email && i.operator);
  if (!email || ids.length === 0) return items;
  const feed = (items[0] as NewItem).id;
  // The email's links unsubscribe from and manage the email: not what a copy elsewhere should offer.
  const { links: _links, ...payload } = email.payload;
  return [
    ...items,
    ...ids.map((id) => ({
      ...email,
      payload,
      id: randomUUID(),
      channel: id,
      groupKey: `${id}:addr:${email.operator as string}`,
      copyOf: feed,
    })),
  ];
}
