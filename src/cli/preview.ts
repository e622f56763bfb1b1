/**
 * @module cli/preview
 * `satnotify preview <template> [--data FILE] [--format html|text] [--locale L] [--zone Z]`: renders
 * a kind's email (or a template's) from its sample data, or a JSON file laid over it, as an operator
 * reading in that language and zone gets it; `digest` renders a digest of a sample day, `report`
 * an operator's report of a sample week, `network-report` the network's report of a sample day.
 */
import { readFileSync } from 'node:fs';
import { IANAZone } from 'luxon';
import { resolveConfig } from '../config.js';
import { InvalidInputError } from '../errors.js';
import { LOCALES, resolveLocale } from '../i18n/locale.js';
import { EVENT_KINDS, NETWORK_REPORT_KIND, REPORT_KIND } from '../kinds.js';
import { networkWords } from '../notification/reports/network.js';
import { sampleNetwork, sampleReport } from '../notification/reports/sample.js';
import { BUILT_IN_FIELDS } from '../mailservice/template-data.js';
import { TemplateSet } from '../mailservice/templates.js';
import { contentFor } from '../notification/content/content.js';
import { checkEmail, requireTemplate } from '../notification/content/inputs.js';
import type { Reader } from '../notification/content/wording.js';
import { sampleDigest, SAMPLE_NODE } from '../notification/digest/sample-day.js';

/** PreviewFormat is the part to print; `text` also prints the subject line. */
export type PreviewFormat = 'html' | 'text';

/** PreviewOptions: the data file, the part, and the reader's language and zone. */
export interface PreviewOptions {
  dataFile?: string;
  format?: PreviewFormat;
  locale?: string;
  zone?: string;
  /** A config file: its satellite name, links, reputation rules and template folder are used. */
  configFile?: string;
}

/** PREVIEW_ALL is what `preview --all` prints, in order: every kind, a sample day's digest, a sample week's report and the network's. */
export const PREVIEW_ALL: readonly string[] = [...EVENT_KINDS, 'digest', REPORT_KIND, NETWORK_REPORT_KIND];

/** previewAll renders every kind and the digest, one after another under a line naming each, for a reviewer to read in one go. */
export function previewAll(options: Omit<PreviewOptions, 'dataFile'> = {}): string {
  const locale = options.locale ?? 'default';
  return PREVIEW_ALL.map(
    (t) => `===== ${t} (${locale}, ${options.format ?? 'text'}) =====\n${preview(t, options)}\n`,
  ).join('\n');
}

/** preview renders `template` and returns the chosen part. */
export function preview(template: string, options: PreviewOptions = {}): string {
  const config = resolveConfig({}, options.configFile ? { file: options.configFile } : {});
  const templates = TemplateSet.load(config.mail.templatesDir || undefined);
  const content = contentFor(templates, config);
  const reader = readerOf(options, content.defaultReader);
  if (template === NETWORK_REPORT_KIND) {
    const w = networkWords(content.catalog, config.satellite.name, sampleNetwork(reader.zone), reader.locale);
    return [w.title, '', ...w.paragraphs, '', w.action].join('\n');
  }
  if (template !== 'digest') requireTemplate(templates, template);
  const r =
    template === REPORT_KIND
      ? content.renderReport(sampleReport(reader.zone), 'operator@example.com', reader)
      : template === 'digest'
        ? sampleDigest(content, templates, reader)
        : content.render(
            template,
            sampleData(templates, template, options.dataFile),
            SAMPLE_NODE,
            'operator@example.com',
            new Date('2024-05-01T08:04:00Z'),
            reader,
          );
  return options.format === 'html' ? r.html : `Subject: ${r.subject}\n\n${r.text}`;
}

function readerOf(o: PreviewOptions, fallback: Reader): Reader {
  if (o.locale !== undefined && !(LOCALES as readonly string[]).includes(o.locale.split(/[-_]/)[0] ?? ''))
    throw new InvalidInputError('--locale', `must be one of ${LOCALES.join(', ')} (or a regional form such as de-CH)`);
  if (o.zone !== undefined && !IANAZone.isValidZone(o.zone))
    throw new InvalidInputError('--zone', 'must be an IANA time zone such as Europe/Berlin');
  return { locale: o.locale ? resolveLocale(o.locale) : fallback.locale, zone: o.zone ?? fallback.zone };
}

/**
 * sampleData is the template's sample with the file laid over it, checked as a caller's message
 * would be (an announcement's `translations` beside its data).
 */
function sampleData(templates: TemplateSet, template: string, dataFile: string | undefined): Record<string, unknown> {
  const { translations, ...data } = { ...templates.sample(template), ...(dataFile ? readJsonObject(dataFile) : {}) };
  const own = Object.fromEntries(
    Object.entries(data).filter(([k]) => !(BUILT_IN_FIELDS as readonly string[]).includes(k)),
  );
  return checkEmail(templates, { template, data: own, ...(translations !== undefined && { translations }) }).data;
}

function readJsonObject(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidInputError('--data', `${file}: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError('--data', `${file} must hold a JSON object`);
  return value as Record<string, unknown>;
}
