/**
 * @module notification/content/self-check
 * At startup, every kind's sample is worded and rendered in every language, and the digest on a
 * sample day: a catalog or template that no longer fits its data fails when the service starts,
 * not in front of an operator.
 */
import { TemplateError } from '../../errors.js';
import type { Locale } from '../../i18n/locale.js';
import { EVENT_KINDS, REPORT_KIND } from '../../kinds.js';
import { sampleReport } from '../reports/sample.js';
import type { TemplateSet } from '../../mailservice/templates.js';
import { sampleDay, sampleDigest, type SampleDayContent } from '../digest/sample-day.js';
import type { Presenter } from './present.js';
import { SAMPLE_NODE } from './wording.js';

/** Checked is what the check needs of Content (structural: Content runs it on itself when made). */
type Checked = SampleDayContent & Pick<Presenter, 'render' | 'renderReport'>;

/** checkContent throws a TemplateError (or the catalog's) for the first kind or language that does not render. */
export function checkContent(content: Checked, templates: TemplateSet, locales: readonly Locale[]): void {
  if (!templates.has('event') && !EVENT_KINDS.every((k) => templates.has(k)))
    throw new TemplateError(templates.dir, 'needs event.{subject,html,text}.hbs, or a template for every kind');
  const day = sampleDay(content);
  for (const locale of locales) {
    const reader = { locale, zone: 'UTC' };
    for (const kind of EVENT_KINDS)
      if (templates.hasSample(kind))
        content.render(kind, templates.sample(kind), SAMPLE_NODE, 'operator@example.com', new Date(0), reader);
    if (day.length > 1) sampleDigest(content, templates, reader, day);
    if (templates.has(REPORT_KIND)) content.renderReport(sampleReport(), 'operator@example.com', reader);
  }
}
