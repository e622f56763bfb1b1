/**
 * @module notification/content/content
 * Builds outbox items: the template data every email shares, node-log messages, and the one-line
 * title and summary each item contributes to a digest. Rendering here validates the input, so a
 * template or input error stops a notification before anything is recorded.
 */
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../../config.js';
import { z } from 'zod';
import { InvalidInputError } from '../../errors.js';
import { parseInput } from '../../input/parse.js';
import { lines, oneLine } from '../../input/text.js';
import { assertEmailAddress } from '../../mailservice/input.js';
import type { MailService } from '../../mailservice/service.js';
import { INTERNAL_TEMPLATES, parseTemplateData } from '../../mailservice/template-data.js';
import type { NodeInfo } from '../../overlay/db.js';
import type { NewItem, OutboxItem } from '../outbox/outbox.js';
import { digestOf, digestText } from '../dispatch/digest.js';
import { formatInstant } from './format.js';
import { MAX_MESSAGE_CHARS, MAX_TITLE_CHARS } from '../channels/nodelog/schema.js';
import { KIND_INFO, LOG_LEVELS, LOG_TYPES, kindOfLogType, type EventKind, type LogLevel } from './kinds.js';

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
  readonly #mail: MailService;
  readonly #config: ResolvedConfig;

  constructor(mail: MailService, config: ResolvedConfig) {
    this.#mail = mail;
    this.#config = config;
  }

  /**
   * checkEmail checks a caller's email message at the door: its shape, that the template exists,
   * and its data against the template's schema. Throws InvalidInputError or TemplateError.
   */
  checkEmail(message: unknown): { template: string; data: Record<string, unknown> } {
    const { template, data = {} } = parseInput(EMAIL_MESSAGE, message, 'message');
    this.#mail.templates.require(template);
    return { template, data: parseTemplateData(template, data) };
  }

  /**
   * email builds an email item and renders it once to validate it. Caller data has passed
   * checkEmail; hooks build theirs. The built-in fields go last, so nothing overrides them.
   */
  email(node: NodeInfo, template: string, data: Record<string, unknown>, at: Date, dueAt: Date): NewItem {
    const to = this.recipient(node);
    const full = { ...data, ...this.#common(node, to, at) };
    const rendered = this.#mail.render(template, full);
    const kind = template in KIND_INFO ? (template as EventKind) : undefined;
    return {
      id: randomUUID(),
      channel: 'email',
      groupKey: `addr:${to.toLowerCase()}`,
      nodeId: node.id.hex,
      kind: kind ?? template,
      bypass: kind !== undefined && this.#config.limits.bypass.includes(kind),
      payload: { to, template, data: full },
      title: kind ? KIND_INFO[kind].title : rendered.subject,
      summary: rendered.subject.replace(/^\[[^\]]*\]\s*/, ''),
      dueAt,
      occurredAt: at,
      createdAt: at,
    };
  }

  /** log builds a node-log item; `input` was checked against LOG_INPUT at the door (or built here). */
  log(node: NodeInfo, input: LogInput, at: Date, dueAt: Date, kind: string = kindOfLogType(input.type) ?? 'custom'): NewItem {
    const title = input.title ?? (kind in KIND_INFO ? KIND_INFO[kind as EventKind].title : 'Satellite notification');
    return {
      id: randomUUID(),
      channel: 'log',
      groupKey: `node:${node.id.hex}`,
      nodeId: node.id.hex,
      kind,
      bypass: kind in KIND_INFO && this.#config.limits.bypass.includes(kind as EventKind),
      payload: { address: node.address, type: input.type, level: input.level, title, text: input.text },
      title,
      summary: input.text.split('\n')[0] ?? '',
      dueAt,
      occurredAt: at,
      createdAt: at,
    };
  }

  /** event builds the items of one hook event, on the channels config enables for its kind. */
  event(node: NodeInfo, kind: EventKind, data: Record<string, unknown>, at: Date): NewItem[] {
    const items: NewItem[] = [];
    const channels = this.#config.hooks.channels[kind] ?? [];
    let summary: string | undefined;
    if (channels.includes('email') && node.email) {
      const item = this.email(node, kind, data, at, new Date(at.getTime() + this.#config.grouping.waitMs));
      summary = item.summary;
      items.push(item);
    }
    if (channels.includes('log')) {
      summary ??= this.#mail.render(kind, { ...this.#common(node, node.email || 'operator@invalid', at), ...data }).subject.replace(/^\[[^\]]*\]\s*/, '');
      const info = KIND_INFO[kind];
      items.push(this.log(node, { type: info.logType, level: info.level, title: info.title, text: `${summary}. ${info.action}` }, at, at, kind));
    }
    return items;
  }

  /** digest folds claimed items of one group into one item. */
  digest(items: readonly OutboxItem[], now: Date): NewItem {
    const first = items[0] as OutboxItem;
    const zone = this.#config.limits.timezone;
    const { nodes, omitted } = digestOf(items, zone);
    const nodeIds = new Set(items.map((i) => i.nodeId));
    const base = {
      id: randomUUID(),
      groupKey: first.groupKey,
      nodeId: nodeIds.size === 1 ? first.nodeId : null,
      kind: 'digest',
      bypass: false,
      title: 'Digest',
      summary: `${items.length} notifications`,
      dueAt: now,
      occurredAt: (items.at(-1) as OutboxItem).occurredAt,
      createdAt: now,
    };
    if (first.channel === 'email') {
      const { to } = first.payload;
      const data = { satellite: { name: this.#config.satellite.name }, recipient: to, timezone: zone, count: items.length, nodeCount: nodeIds.size, nodes, omitted };
      this.#mail.render('digest', data);
      return { ...base, channel: 'email', payload: { to, template: 'digest', data } };
    }
    // A group holds one channel's items, so a log group's items all carry log payloads.
    const levels = items.map((i) => (i.channel === 'log' ? LOG_LEVELS.indexOf(i.payload.level) : 0));
    const level = LOG_LEVELS[Math.max(...levels)] as LogLevel;
    const { address } = first.payload;
    return { ...base, channel: 'log', payload: { address, type: 'DIGEST', level, title: `${items.length} notifications held by ${this.#config.satellite.name}`.slice(0, MAX_TITLE_CHARS), text: digestText(nodes, MAX_MESSAGE_CHARS) } };
  }

  /** recipient is the node's operator address, or an InvalidInputError saying why there is none. */
  recipient(node: NodeInfo): string {
    if (!node.email) throw new InvalidInputError('node email', `node ${node.id.toString()} has no operator email`);
    return assertEmailAddress(node.email, 'node email');
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
