/**
 * @module mailservice/service
 * MailService renders a template for a recipient and hands the message to a Sender. It never
 * decides whether to send: that is the notification service's job.
 */
import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../errors.js';
import { assertEmailAddress, assertHeaderValue, MAX_MESSAGE_CHARS } from './input.js';
import { assertJsonSafe } from './template-data.js';
import type { MailMessage, Sender, SendResult } from './sender.js';
import type { RenderedEmail, TemplateSet } from './templates.js';

/** ComposeOptions fixes the parts of a message that must be stable across retries. */
export interface ComposeOptions {
  /** Message-ID without brackets; default a fresh UUID at the From domain. */
  messageId?: string;
  date?: Date;
  headers?: Record<string, string>;
}

/** MailService renders templates and sends them through its Sender. */
export class MailService {
  readonly templates: TemplateSet;
  readonly sender: Sender;
  readonly from: string;
  readonly #domain: string;

  constructor(options: { templates: TemplateSet; sender: Sender; from: string }) {
    this.templates = options.templates;
    this.sender = options.sender;
    this.from = options.from;
    assertHeaderValue(this.from, 'smtp.from');
    this.#domain = /@([^>\s]+)>?\s*$/.exec(this.from)?.[1] ?? 'satnotify.invalid';
  }

  /** render checks the data, renders the template, and checks the result is safe to send. */
  render(template: string, data: Record<string, unknown>): RenderedEmail {
    return renderEmail(this.templates, template, data);
  }

  /** compose builds the message for one recipient; the address is validated here. */
  compose(to: string, rendered: RenderedEmail, options: ComposeOptions = {}): MailMessage {
    const headers = options.headers ?? {};
    for (const [k, v] of Object.entries(headers)) assertHeaderValue(`${k}: ${v}`, `header ${k}`);
    return {
      from: this.from,
      to: assertEmailAddress(to, 'recipient'),
      ...rendered,
      messageId: options.messageId ?? this.messageIdFor(randomUUID()),
      date: options.date ?? new Date(),
      headers,
    };
  }

  /** messageIdFor turns a notification id into a Message-ID at the From domain. */
  messageIdFor(id: string): string {
    return `${id}@${this.#domain}`;
  }

  /** sendRendered renders `template` with `data` and sends it to `to`. */
  async sendRendered(
    to: string,
    template: string,
    data: Record<string, unknown>,
    options: ComposeOptions = {},
  ): Promise<SendResult> {
    return this.sender.send(this.compose(to, this.render(template, data), options));
  }

  /** close waits for the sender to finish and releases it. */
  close(): Promise<void> {
    return this.sender.close();
  }
}

/** renderEmail checks the data, renders `template` from `templates`, and checks the result is safe to send. */
export function renderEmail(templates: TemplateSet, template: string, data: Record<string, unknown>): RenderedEmail {
  assertJsonSafe(data, 'data');
  const r = templates.render(template, data);
  assertHeaderValue(r.subject, `${template} subject`);
  if (r.html.length + r.text.length > MAX_MESSAGE_CHARS) {
    throw new InvalidInputError(
      `${template} message`,
      `renders to ${r.html.length + r.text.length} characters (at most ${MAX_MESSAGE_CHARS})`,
    );
  }
  return r;
}
