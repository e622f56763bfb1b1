/**
 * @module cli/preview
 * `satnotify preview <template> [--data FILE] [--format html|text]`: renders a template with its
 * sample data, or with a JSON file laid over the sample, to stdout.
 */
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import { BUILT_IN_FIELDS, parseTemplateData } from '../mailservice/template-data.js';
import { TemplateSet } from '../mailservice/templates.js';

/** PreviewFormat is the part to print; `text` also prints the subject line. */
export type PreviewFormat = 'html' | 'text';

/** preview renders `template` and returns the chosen part. */
export function preview(template: string, options: { dataFile?: string; format?: PreviewFormat } = {}): string {
  const templates = TemplateSet.load();
  const data = { ...templates.sample(template), ...(options.dataFile ? readJsonObject(options.dataFile) : {}) };
  // The file may change what satnotify fills (to try another satellite name); the rest is checked as a caller's data would be.
  parseTemplateData(template, Object.fromEntries(Object.entries(data).filter(([k]) => !(BUILT_IN_FIELDS as readonly string[]).includes(k))));
  const r = templates.render(template, data);
  return options.format === 'html' ? r.html : `Subject: ${r.subject}\n\n${r.text}`;
}

function readJsonObject(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidInputError('--data', `${file}: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidInputError('--data', `${file} must hold a JSON object`);
  return value as Record<string, unknown>;
}
