/**
 * @module cli/template-reference
 * The README's table of template fields, generated from the templates' data schemas so it cannot
 * drift: each shipped template, the fields a caller passes in `data`, their types and meaning.
 */
import { z } from 'zod';
import { BUILT_IN_FIELDS, TEMPLATE_DATA } from '../mailservice/template-data.js';

interface FieldSchema {
  type?: string;
  description?: string;
  anyOf?: FieldSchema[];
  items?: FieldSchema;
}

/** templateReference renders the table. */
export function templateReference(): string {
  const rows = ['| kind | `data` fields (required unless marked optional; unknown fields are refused) |', '|---|---|'];
  for (const [name, schema] of Object.entries(TEMPLATE_DATA)) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, FieldSchema>;
      required?: string[];
    };
    const fields = Object.entries(json.properties ?? {}).map(
      ([k, f]) => `\`${k}\` (${typeOf(f)}${json.required?.includes(k) ? '' : ', optional'}): ${f.description ?? ''}`,
    );
    rows.push(`| \`${name}\` | ${fields.length ? fields.join('<br>') : 'none'} |`);
  }
  return `${rows.join('\n')}\n\nsatnotify fills ${BUILT_IN_FIELDS.map((f) => `\`${f}\``).join(', ')} itself; \`data\` may not set them.\n`;
}

function typeOf(f: FieldSchema): string {
  if (f.anyOf) return f.anyOf.map(typeOf).join(' or ');
  if (f.type === 'array') return `list of ${f.items ? typeOf(f.items) : 'values'}`;
  return f.type ?? 'value';
}
