/**
 * @module notification/content/content
 * Content: what the service and the dispatcher ask of a notification's content, in one place.
 * Items are built when recorded (record.ts), worded for their reader when they leave or are listed
 * (present.ts, whose Presenter Content is, from wording.ts), and folded into digests
 * (digest/build.ts); inputs are checked at the door (inputs.ts). contentFor wires them and checks them once at startup (self-check.ts).
 */
import type { Audience } from '../../channels/plugin.js';
import { loadCatalog, type Catalog } from '../../i18n/catalog.js';
import { resolveLocale, type Locale } from '../../i18n/locale.js';
import type { EventKind } from '../../kinds.js';
import type { TemplateSet } from '../../mailservice/templates.js';
import type { NodeInfo } from '../../overlay/db.js';
import type { PreferencesConfig } from '../../preferences/config.js';
import { buildDigest } from '../digest/build.js';
import type { DigestText } from '../digest/words.js';

import type { NewItem, OutboxItem } from '../outbox/outbox.js';
import { checkEmail, type LogInput } from './inputs.js';
import { Presenter } from './present.js';
import { assertEmailSize, MAX_EMAIL_HTML_BYTES, Recorder, type EmailLinkMaker, type RecordSettings } from './record.js';
import { checkContent } from './self-check.js';
import { SAMPLE_NODE, Wording, type Reader, type WordingSettings } from './wording.js';

/** ContentSettings are the sections content is made with; a resolved configuration is one. */
export interface ContentSettings extends WordingSettings, RecordSettings {
  /** The default reader: a new operator's language and zone (falling back to the limits' zone). */
  preferences: Pick<PreferencesConfig, 'language' | 'timezone'>;
  limits: RecordSettings['limits'] & { timezone: string };
}

/**
 * Content turns nodes and events into outbox items, and items into the words their readers get:
 * a Presenter (present, presentDigest, emailFor, render) that also checks inputs, records items
 * and builds digests.
 */
export class Content extends Presenter {
  /** The reader of a notification whose operator chose nothing (or has no address). */
  readonly defaultReader: Reader;
  readonly #templates: TemplateSet;
  readonly #wording: Wording;
  readonly #recorder: Recorder;
  readonly #links: EmailLinkMaker | null;

  constructor(
    templates: TemplateSet,
    wording: Wording,
    settings: ContentSettings,
    audience: (channel: string) => Audience,
    links: EmailLinkMaker | null,
  ) {
    super(templates, wording);
    this.#templates = templates;
    this.#wording = wording;
    this.#links = links;
    this.defaultReader = {
      locale: resolveLocale(settings.preferences.language),
      zone: settings.preferences.timezone || settings.limits.timezone,
    };
    this.#recorder = new Recorder({ templates, wording, settings, audience, links, reader: this.defaultReader });
  }

  /** catalog is the words of every message, per language (pages and feeds word with it too). */
  get catalog(): Catalog {
    return this.#wording.catalog;
  }

  /** readerOf is how an operator with these preferences reads; the default reader without them. */
  readerOf(prefs: { language: string; timezone: string } | null): Reader {
    return prefs ? { locale: resolveLocale(prefs.language), zone: prefs.timezone } : this.defaultReader;
  }

  /**
   * checkEmail checks a caller's email message at the door (inputs.ts). An announcement carries the
   * caller's own paragraphs, so its email is rendered here once: one that would weigh more than
   * MAX_EMAIL_HTML_BYTES is an InvalidInputError (link to a page for the long form).
   */
  checkEmail(message: unknown): { template: string; data: Record<string, unknown> } {
    const email = checkEmail(this.#templates, message);
    if (email.template === 'announcement') {
      // Each language it carries is rendered: any of them may be the longest.
      const locales = new Set([this.defaultReader.locale, ...Object.keys(email.data['translations'] ?? {})]);
      for (const locale of locales)
        assertEmailSize(
          this.render(email.template, email.data, SAMPLE_NODE, 'operator@example.com', new Date(0), {
            ...this.defaultReader,
            locale: locale as Locale,
          }).html,
        );
    }
    return email;
  }

  /** email builds an item on the `email` instance (record.ts). */
  email(node: NodeInfo, template: string, data: Record<string, unknown>, at: Date, dueAt: Date): NewItem {
    return this.#recorder.email(node, template, data, at, dueAt);
  }

  /** log builds an item on the `log` instance (record.ts). */
  log(node: NodeInfo, input: LogInput, at: Date, dueAt: Date): NewItem {
    return this.#recorder.log(node, input, at, dueAt);
  }

  /** event builds the items of one hook event, one per instance its kind goes to (record.ts). */
  event(node: NodeInfo, kind: EventKind, data: Record<string, unknown>, at: Date): NewItem[] {
    return this.#recorder.event(node, kind, data, at);
  }

  /**
   * digest folds claimed items of one group into one item, worded for `reader` (digest/build.ts).
   * An email digest lists as many lines as keep its HTML within MAX_EMAIL_HTML_BYTES (Gmail clips a
   * message past about 102 KB, and with it the unsubscribe link at the bottom): long addresses or
   * words take room, so the lines that do not fit are counted instead.
   */
  digest(items: readonly OutboxItem[], now: Date, reader: Reader = this.defaultReader): NewItem {
    const parts = { wording: this.#wording, links: this.#links };
    let d = buildDigest(items, now, reader, parts);
    for (let bytes = this.#htmlBytes(d); bytes > MAX_EMAIL_HTML_BYTES; bytes = this.#htmlBytes(d)) {
      const listed = linesOf(d);
      if (listed === 0) break;
      d = buildDigest(items, now, reader, parts, Math.floor((listed * MAX_EMAIL_HTML_BYTES * 0.97) / bytes));
    }
    return d;
  }

  /** #htmlBytes is the size of a digest's email as it will leave (0 for a digest that is no email). */
  #htmlBytes(d: NewItem): number {
    const email = this.presentDigest(d.payload).email;
    return email ? Buffer.byteLength(this.#templates.render(email.template, email.data).html) : 0;
  }
}

/** linesOf counts the lines a digest lists. */
function linesOf(d: NewItem): number {
  const words = d.payload.email?.data['d'] as DigestText | undefined;
  return words?.sections.reduce((n, s) => n + s.lines.length, 0) ?? 0;
}

/**
 * contentFor builds a Content that words with the catalog beside `templates`, and checks every
 * kind and the digest in every language before it is used.
 */
export function contentFor(
  templates: TemplateSet,
  settings: ContentSettings,
  audience: (channel: string) => Audience = () => 'operator',
  links: EmailLinkMaker | null = null,
): Content {
  const wording = new Wording(loadCatalog(templates.dir), settings);
  const content = new Content(templates, wording, settings, audience, links);
  checkContent(content, templates, wording.catalog.locales());
  return content;
}
