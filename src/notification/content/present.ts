/**
 * @module notification/content/present
 * A stored notification as it leaves for its reader, or is listed in their feed: an event worded
 * in their language and zone, its email ready to render; a caller's own text as it was recorded;
 * a digest with the layout's shared labels and footer added. Pure but for rendering templates.
 */
import type { DestinationText } from '../../destinations/words.js';
import { formatInstant } from '../../i18n/format.js';
import { resolveLocale } from '../../i18n/locale.js';
import type { Message } from '../../channels/plugin.js';
import type { EventKind } from '../../kinds.js';
import type { RenderedEmail, TemplateSet } from '../../mailservice/templates.js';
import type { OutboxItem, StoredMessage } from '../outbox/outbox.js';
import { requireTemplate } from './inputs.js';
import { REPORT_KIND } from '../../kinds.js';
import type { ReportData } from '../reports/figures.js';
import { reportWords, type ReportText } from '../reports/words.js';
import { isKind, sourceOf, type EventText, type NodeView, type Reader, type Wording } from './wording.js';

/** Presenter makes the message a plugin gets from what a row keeps. */
export class Presenter {
  readonly #templates: TemplateSet;
  readonly #wording: Wording;

  constructor(templates: TemplateSet, wording: Wording) {
    this.#templates = templates;
    this.#wording = wording;
  }

  /** present is `item`'s message for `reader`. */
  present(item: OutboxItem, reader: Reader): Message {
    if (item.kind === REPORT_KIND) return this.#report(item.payload, reader);
    const { source: _source, ...p } = item.payload;
    const source = sourceOf(item.payload);
    if (!source) return this.#withCommon(p, reader);
    const words = this.#wording.event(source.kind, source.data, source.node, reader);
    const message: Message = {
      ...p,
      title: titleOf(source.kind, words),
      text: this.#nodeText(words),
      actions: words.steps,
    };
    if (p.email)
      message.email = {
        to: p.email.to,
        ...this.#emailOf(
          source.kind,
          source.data,
          words,
          source.node,
          p.email.to,
          item.occurredAt,
          reader,
          p.links ?? null,
        ),
      };
    return message;
  }

  /** title is `item`'s title for `reader`, without the rest of its message. */
  title(item: OutboxItem, reader: Reader): string {
    if (item.kind === REPORT_KIND) return this.#report(item.payload, reader).title;
    const source = sourceOf(item.payload);
    return source
      ? titleOf(source.kind, this.#wording.event(source.kind, source.data, source.node, reader))
      : item.payload.title;
  }

  /**
   * presentDigest is a digest as it leaves, in the language and zone it was worded in when made:
   * the layout's shared labels and footer are added now, kept out of its row (the same for every digest).
   */
  presentDigest(p: StoredMessage): Message {
    const data = p.email?.data;
    return data
      ? this.#withCommon(p, { locale: resolveLocale(String(data['locale'])), zone: String(data['timezone']) })
      : p;
  }

  /**
   * emailFor is the email a kind (or a caller's template) makes for `reader`, as present would send
   * it: the template to render and its whole data. For `satnotify preview`, the startup check and tests.
   */
  emailFor(
    template: string,
    data: Record<string, unknown>,
    node: NodeView,
    recipient: string,
    at: Date,
    reader: Reader,
  ): { template: string; data: Record<string, unknown> } {
    requireTemplate(this.#templates, template);
    if (!isKind(template))
      return { template, data: { ...data, ...layoutData(this.#wording, node, recipient, at, reader), links: null } };
    return this.#emailOf(
      template,
      data,
      this.#wording.event(template, data, node, reader),
      node,
      recipient,
      at,
      reader,
      null,
    );
  }

  /** render renders emailFor's email. */
  render(...email: Parameters<Presenter['emailFor']>): RenderedEmail {
    const e = this.emailFor(...email);
    return this.#templates.render(e.template, e.data);
  }

  /**
   * reportEmail is an operator's report as its email: the template and its whole data, worded
   * for `reader` (reports/words.ts).
   */
  reportEmail(
    data: ReportData,
    recipient: string,
    reader: Reader,
    links: Message['links'] | null,
  ): { template: string; data: Record<string, unknown>; words: ReportText } {
    const words = reportWords(this.#wording.catalog, this.#wording.satellite, data, reader);
    // A report's footer says what reports are, not the limits a trouble notice names.
    const s = this.#wording.common(reader, recipient, data.totals.nodes);
    s['footerLimits'] = words.footer;
    return {
      template: REPORT_KIND,
      words,
      data: {
        satellite: { name: this.#wording.satellite },
        recipient,
        timezone: reader.zone,
        locale: reader.locale,
        s,
        links,
        preheader: words.preheader,
        r: words,
      },
    };
  }

  /**
   * destinationEmail is a message to an operator's own address (its verification code, a test):
   * the template and its data. Its footer says why this address gets it, not the node's.
   */
  destinationEmail(
    c: DestinationText,
    recipient: string,
    reader: Reader,
  ): { template: string; data: Record<string, unknown> } {
    const s = this.#wording.common(reader, recipient);
    if (c.footer) s['footer'] = c.footer; // an address not on the nodes: why it gets this
    s['footerLimits'] = '';
    return {
      template: 'destination',
      data: {
        satellite: { name: this.#wording.satellite },
        recipient,
        timezone: reader.zone,
        locale: reader.locale,
        s,
        links: null,
        preheader: c.heading,
        c,
      },
    };
  }

  /** renderReport renders reportEmail's email (preview, the startup check, tests). */
  renderReport(data: ReportData, recipient: string, reader: Reader): RenderedEmail {
    const { template, data: d } = this.reportEmail(data, recipient, reader, null);
    return this.#templates.render(template, d);
  }

  /** #report is a report's message: worded when it leaves, like an event, from the figures its row keeps. */
  #report(p: StoredMessage, reader: Reader): Message {
    const { source, ...rest } = p;
    const data = source?.data as unknown as ReportData;
    const to = p.email?.to ?? '';
    const { words, ...email } = this.reportEmail(data, to, reader, p.links ?? null);
    return {
      ...rest,
      title: words.title,
      text: words.logText,
      actions: words.first ? [words.first.text] : [],
      ...(p.email && { email: { to, ...email } }),
    };
  }

  #withCommon(p: Message, reader: Reader): Message {
    return p.email
      ? {
          ...p,
          email: {
            ...p.email,
            data: {
              ...p.email.data,
              s: this.#wording.common(reader, p.email.to, p.digest?.nodes ?? 1),
              locale: reader.locale,
            },
          },
        }
      : p;
  }

  /** The node log, IRC and webhooks show this without the email around it, so it names the satellite. */
  #nodeText(words: EventText): string {
    // An announcement is its own words: its title, its paragraphs and what to do, whole.
    if (words.paragraphs.length > 0)
      return [`${this.#wording.satellite}: ${words.subject}`, ...words.paragraphs, ...words.steps].join('\n');
    return `${this.#wording.satellite}: ${words.subject}. ${words.action}`;
  }

  #emailOf(
    kind: EventKind,
    data: Record<string, unknown>,
    words: EventText,
    node: NodeView,
    recipient: string,
    at: Date,
    reader: Reader,
    links: Message['links'] | null,
  ): { template: string; data: Record<string, unknown> } {
    // A template folder with its own template for this kind keeps it; it gets the same words.
    const template = this.#templates.has(kind) ? kind : 'event';
    const steps = words.steps.map((text, i) => ({ n: i + 1, text }));
    // "I'm on it" comes first: it is the one answer the operator can give from the email itself.
    const buttons = links?.snooze
      ? [{ label: this.#wording.catalog.t(reader.locale, 'common.snooze'), url: links.snooze }, ...words.buttons]
      : words.buttons;
    const m = {
      ...words,
      buttons,
      steps,
      oneStep: steps.length === 1 ? words.steps[0] : '',
      hideWhen: kind === 'announcement',
    };
    return {
      template,
      data: {
        ...data,
        ...layoutData(this.#wording, node, recipient, at, reader),
        links,
        kind,
        m,
        preheader: words.intro || words.line,
      },
    };
  }
}

/**
 * layoutData is what every email's layout reads besides the message's own words: who sends, to whom, about which node,
 * when, and the shared labels.
 */
export function layoutData(
  wording: Wording,
  node: NodeView,
  recipient: string,
  at: Date,
  reader: Reader,
): Record<string, unknown> {
  return {
    satellite: { name: wording.satellite },
    recipient,
    timezone: reader.zone,
    locale: reader.locale,
    node,
    occurredAt: formatInstant(at, reader.zone, reader.locale),
    s: wording.common(reader, recipient),
    preheader: '',
  };
}

/** titleOf: an announcement is titled by what it announces, not by its kind. */
function titleOf(kind: string, words: { subject: string; title: string }): string {
  return kind === 'announcement' ? words.subject : words.title;
}
