/**
 * @module notification/content/inputs
 * What informNodeLog, informNodeEmail and broadcast take, checked at the door: a node-log message
 * as a node's log server accepts it, and an email message whose template exists and whose data
 * passes the template's own schema. Nothing is recorded for a message that fails here.
 */
import { z } from 'zod';
import { MAX_MESSAGE_CHARS, MAX_TITLE_CHARS } from '../../channels/nodelog/schema.js';
import { InvalidInputError, TemplateError } from '../../errors.js';
import { parseInput } from '../../input/parse.js';
import { lines, oneLine } from '../../input/text.js';
import { EVENT_KINDS, LOG_LEVELS, LOG_TYPES } from '../../kinds.js';
import { INTERNAL_TEMPLATES, parseTemplateData, TEMPLATE_DATA } from '../../mailservice/template-data.js';
import { LOCALES } from '../../i18n/locale.js';
import type { TemplateSet } from '../../mailservice/templates.js';
import { isKind } from './wording.js';

/** LOG_INPUT is what informNodeLog takes: what a node's log server accepts. */
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
  /**
   * An announcement in other languages, beside `data` in the default one: each reader gets theirs,
   * and one whose language is missing gets the default's, told so.
   */
  translations: z.partialRecord(z.enum(LOCALES), z.unknown()).optional(),
});
export type EmailMessage = z.input<typeof EMAIL_MESSAGE>;

/**
 * checkEmail checks a caller's email message: its shape, that the template exists, and its data
 * against the template's schema. Throws InvalidInputError or TemplateError.
 */
export function checkEmail(
  templates: TemplateSet,
  message: unknown,
): { template: string; data: Record<string, unknown> } {
  const { template, data = {}, translations } = parseInput(EMAIL_MESSAGE, message, 'message');
  requireTemplate(templates, template);
  const parsed = parseTemplateData(template, data);
  if (!translations) return { template, data: parsed };
  if (template !== 'announcement')
    throw new InvalidInputError('message.translations', 'only an announcement carries translations');
  const own = Object.entries(translations).map(([locale, words]) => [
    locale,
    parseInput(TEMPLATE_DATA['announcement'] as z.ZodType, words, `message.translations.${locale}`),
  ]);
  return { template, data: { ...parsed, translations: Object.fromEntries(own) } };
}

/** requireTemplate throws a TemplateError naming what exists unless `name` is a kind or a caller's template. */
export function requireTemplate(templates: TemplateSet, name: string): void {
  if (isKind(name) || (templates.has(name) && !INTERNAL_TEMPLATES.has(name) && name !== 'event')) return;
  const own = templates.names().filter((n) => !INTERNAL_TEMPLATES.has(n) && n !== 'event' && !isKind(n));
  throw new TemplateError(name, `unknown template (known: ${[...EVENT_KINDS, ...own].join(', ')})`);
}
