/**
 * @module notification/content/content
 * Builds outbox items: one message per notification, the same for every channel (title, text,
 * facts, what to do), with the email an operator-audience channel renders; and the one-line title
 * and summary each item contributes to a digest. Rendering here validates the input, so a template
 * or input error stops a notification before anything is recorded.
 */
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../../config.js';
import { z } from 'zod';
import { InvalidInputError } from '../../errors.js';
import { parseInput } from '../../input/parse.js';
import { lines, oneLine } from '../../input/text.js';
import { assertEmailAddress } from '../../mailservice/input.js';
import { renderEmail } from '../../mailservice/service.js';
import type { TemplateSet } from '../../mailservice/templates.js';
import { INTERNAL_TEMPLATES, parseTemplateData } from '../../mailservice/template-data.js';
import type { NodeInfo } from '../../overlay/db.js';
import type { NewItem, OutboxItem } from '../outbox/outbox.js';
import { digestOf, digestText } from '../dispatch/digest.js';
import { formatInstant } from './format.js';
import { MAX_MESSAGE_CHARS, MAX_TITLE_CHARS } from '../../channels/nodelog/schema.js';
import type { Audience, Fact, Message } from '../../channels/plugin.js';
import { KIND_INFO, LOG_LEVELS, LOG_TYPES, kindOfLogType, type EventKind, type LogLevel } from './kinds.js';

/** EmailLinkMaker makes an operator's unsubscribe and preferences links (web/links.ts). */
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

/** Content turns nodes and events into outbox items. */
export class Content {
  readonly #templates: TemplateSet;
  readonly #config: ResolvedConfig;
  readonly #audience: (channel: string) => Audience;
  readonly #links: EmailLinkMaker | null;

  /** `audience` tells who a channel instance's copies are for (the channel set knows); `links` makes the operator's links, when set up. */
  constructor(templates: TemplateSet, config: ResolvedConfig, audience: (channel: string) => Audience, links: EmailLinkMaker | null = null) {
    this.#templates = templates;
    this.#config = config;
    this.#audience = audience;
    this.#links = links;
  }

  /**
   * checkEmail checks a caller's email message at the door: its shape, that the template exists,
   * and its data against the template's schema. Throws InvalidInputError or TemplateError.
   */
  checkEmail(message: unknown): { template: string; data: Record<string, unknown> } {
    const { template, data = {} } = parseInput(EMAIL_MESSAGE, message, 'message');
    this.#templates.require(template);
    return { template, data: parseTemplateData(template, data) };
  }

  /**
   * email builds an item on the `email` instance and renders it once to validate it. Caller data
   * has passed checkEmail. The built-in fields go last, so nothing overrides them.
   */
  email(node: NodeInfo, template: string, data: Record<string, unknown>, at: Date, dueAt: Date): NewItem {
    const to = this.recipient(node);
    const kind = template in KIND_INFO ? (template as EventKind) : undefined;
    const links = this.#links?.email(to.toLowerCase(), 'email', kind ?? 'announcement', at) ?? null;
    const full = { ...data, ...this.#common(node, to, at), links };
    const summary = subjectLine(renderEmail(this.#templates, template, full).subject);
    const info = kind && KIND_INFO[kind];
    const message: Message = {
      level: info?.level ?? 'info',
      title: info?.title ?? summary,
      text: info ? `${summary}. ${info.action}` : summary,
      node: nodeOf(node),
      facts: kind ? factsOf(data) : {},
      actions: info ? [info.action] : [],
      email: { to, template, data: full },
      ...(links && { links }),
    };
    return this.#item('email', node, kind ?? template, message, summary, at, dueAt);
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
   * operator's emails leave together; a node without one gets the others only.
   */
  event(node: NodeInfo, kind: EventKind, data: Record<string, unknown>, at: Date): NewItem[] {
    const channels = this.#config.hooks.channels[kind] ?? [];
    if (channels.length === 0) return [];
    const info = KIND_INFO[kind];
    const to = node.email ? this.recipient(node) : undefined;
    const full = { ...data, ...this.#common(node, to ?? 'operator@invalid', at), links: null };
    const summary = subjectLine(renderEmail(this.#templates, kind, full).subject);
    // The node log, IRC and webhooks show this text without the email around it: it names the satellite.
    const text = `${this.#config.satellite.name}: ${summary}. ${info.action}`;
    const base: Message = { level: info.level, title: info.title, text, node: nodeOf(node), facts: factsOf(data), actions: [info.action] };
    const items: NewItem[] = [];
    for (const channel of channels) {
      if (this.#audience(channel) === 'node') items.push(this.#item(channel, node, kind, base, summary, at, at));
      else if (to) {
        const links = this.#links?.email(to.toLowerCase(), channel, kind, at);
        const email = { to, template: kind, data: { ...full, links: links ?? null } };
        items.push(this.#item(channel, node, kind, { ...base, email, ...(links && { links }) }, summary, at, new Date(at.getTime() + this.#config.grouping.waitMs)));
      }
    }
    return items;
  }

  /** digest folds claimed items of one group (one channel, one node or one operator) into one item. */
  digest(items: readonly OutboxItem[], now: Date): NewItem {
    const first = items[0] as OutboxItem;
    const zone = this.#config.limits.timezone;
    const satellite = this.#config.satellite.name;
    const { nodes, omitted } = digestOf(items, zone);
    const nodeIds = new Set(items.map((i) => i.nodeId));
    const level = LOG_LEVELS[Math.max(...items.map((i) => LOG_LEVELS.indexOf(i.payload.level)))] as LogLevel;
    const message: Message = {
      level,
      title: `${items.length} notifications held by ${satellite}`.slice(0, MAX_TITLE_CHARS),
      text: digestText(nodes, MAX_MESSAGE_CHARS),
      node: nodeIds.size === 1 ? first.payload.node : null,
      facts: {},
      actions: [...new Set(items.flatMap((i) => i.payload.actions))],
      digest: { count: items.length, nodes: nodeIds.size },
    };
    const to = first.payload.email?.to;
    if (to) {
      const links = this.#links?.email(to.toLowerCase(), first.channel, 'all', now) ?? null;
      const data = { satellite: { name: satellite }, recipient: to, timezone: zone, count: items.length, nodeCount: nodeIds.size, nodes, omitted, links };
      renderEmail(this.#templates, 'digest', data);
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
      summary: `${items.length} notifications`,
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

  #common(node: NodeInfo, recipient: string, at: Date): Record<string, unknown> {
    const zone = this.#config.limits.timezone;
    return {
      satellite: { name: this.#config.satellite.name },
      recipient,
      timezone: zone,
      node: { id: node.id.toString(), shortId: node.id.short, address: node.address, port: node.address.slice(node.address.lastIndexOf(':') + 1) },
      occurredAt: formatInstant(at, zone),
    };
  }
}

function nodeOf(node: NodeInfo): Message['node'] {
  return { id: node.id.toString(), address: node.address };
}

/** subjectLine is an email subject without its `[Satellite]` tag: the one-line summary. */
function subjectLine(subject: string): string {
  return subject.replace(/^\[[^\]]*\]\s*/, '');
}

/** factsOf keeps the plain values of a hook's template data (score, threshold, version …). */
function factsOf(data: Record<string, unknown>): Record<string, Fact> {
  return Object.fromEntries(Object.entries(data).filter((e): e is [string, Fact] => ['string', 'number', 'boolean'].includes(typeof e[1])));
}
