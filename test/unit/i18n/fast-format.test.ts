/**
 * The compiled messages format exactly as intl-messageformat does: every message of every shipped
 * catalog, in every language, with plural numbers across CLDR's categories (Polish one, few, many,
 * other; fractions), every select option and one that is not there, hostile text as arguments, and
 * a missing argument (an error either way).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { IntlMessageFormat } from 'intl-messageformat';
import { compileMessage } from '../../../src/i18n/fast-format.js';
import { LOCALES } from '../../../src/i18n/locale.js';

interface El {
  type: number;
  value?: string;
  options?: Record<string, { value: El[] }>;
}

const NUMBERS = [0, 1, 2, 3, 4, 5, 11, 12, 14, 21, 22, 25, 100, 101, 1000, 12345, 1.5];
const TEXTS = ['x', '<b>&"\'</b> 🛰️', '', '1.5 TB'];

function messages(locale: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') out.push([key, v]);
    else if (Array.isArray(v)) v.forEach((m, i) => walk(m, `${key}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, key ? `${key}.${k}` : k);
  };
  walk(JSON.parse(readFileSync(new URL(`../../../templates/locales/${locale}.json`, import.meta.url), 'utf8')), '');
  return out;
}

/** argsOf lists each argument a message names, with the values worth trying for it. */
function argsOf(
  ast: readonly El[],
  into = new Map<string, Array<string | number>>(),
): Map<string, Array<string | number>> {
  for (const el of ast) {
    if (el.type === 1 && el.value && !into.has(el.value)) into.set(el.value, [...TEXTS, ...NUMBERS.slice(0, 3)]);
    if (el.type === 5 && el.value) into.set(el.value, [...Object.keys(el.options ?? {}), 'zzz']);
    if (el.type === 6 && el.value) into.set(el.value, NUMBERS);
    for (const o of Object.values(el.options ?? {})) argsOf(o.value, into);
  }
  return into;
}

function outcome(f: () => string): string {
  try {
    return `ok:${f()}`;
  } catch {
    return 'error';
  }
}

describe('compiled ICU messages', () => {
  it('format every shipped message exactly as intl-messageformat, in every language', () => {
    let compiled = 0;
    let total = 0;
    for (const locale of LOCALES)
      for (const [key, source] of messages(locale)) {
        if (key === 'about' || key.startsWith('terms') || key.startsWith('borrowed')) continue;
        total++;
        const m = new IntlMessageFormat(source, locale);
        const fast = compileMessage(m.getAst(), locale, source);
        if (!fast) continue;
        compiled++;
        const args = [...argsOf(m.getAst())];
        const tries = Math.max(1, ...args.map(([, vs]) => vs.length));
        for (let i = 0; i < tries; i++) {
          const values = Object.fromEntries(
            args.map(([name, vs], k) => [name, vs[(i + k) % vs.length] as string | number]),
          );
          assert.equal(
            outcome(() => fast(values)),
            outcome(() => String(m.format(values))),
            `${locale} ${key} ${JSON.stringify(values)}`,
          );
        }
        if (args.length > 0)
          assert.equal(
            outcome(() => fast({})),
            outcome(() => String(m.format({}))),
            `${locale} ${key}: no values`,
          );
      }
    assert.ok(compiled / total > 0.95, `${compiled} of ${total} compiled`);
    console.log(`# ${compiled} of ${total} messages compiled`);
  });
});
