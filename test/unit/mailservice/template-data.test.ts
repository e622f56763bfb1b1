import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.js';
import { assertJsonSafe } from '../../../src/mailservice/template-data.js';

/** The error assertJsonSafe throws for `data`, as "field: why". */
function problem(data: unknown): string {
  try {
    assertJsonSafe(data, 'data');
  } catch (err) {
    assert.ok(err instanceof InvalidInputError);
    return `${err.field}: ${err.message}`;
  }
  return 'none';
}

/** Objects nested `n` deep, innermost holding `leaf`. */
function nested(n: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

describe('assertJsonSafe', () => {
  it('passes plain JSON data, and data as deep as allowed', () => {
    assert.equal(
      problem({ title: 'Node offline', facts: [{ label: 'Since', value: 3 }], ok: true, none: null }),
      'none',
    );
    assert.equal(problem(nested(15, 'x')), 'none');
  });

  it('names a cycle where it closes, and too deep data as too deep', () => {
    const root: Record<string, unknown> = { title: 'T', list: [{}] };
    (root['list'] as Array<Record<string, unknown>>)[0] = { back: root };
    assert.match(problem(root), /^data\.list\[0\]\.back: .*refers to itself \(a cycle\)/);
    assert.match(problem(nested(17, 'x')), /^data(\.a){16}: .*nests deeper than 16 levels/);
  });

  it('a key is checked wherever it appears, even after the same key passed elsewhere', () => {
    assert.equal(
      problem({ 'title\u202e': 'x' }).includes('has a key that contains a bidirectional control character'),
      true,
    );
    assert.equal(problem({ title: 'x' }), 'none');
    assert.match(problem({ ok: { 'bad\nkey': 1 } }), /^data\.ok: .*has a key that contains a line break/);
  });

  it('refuses what JSON cannot carry and text an email should not', () => {
    assert.match(problem({ n: Number.NaN }), /^data\.n: .*finite number/);
    assert.match(problem({ f: () => 1 }), /^data\.f: .*cannot be a function/);
    assert.match(problem({ b: [1n] }), /^data\.b\[0\]: .*cannot be a bigint/);
    assert.match(problem({ s: 'a\u0000b' }), /^data\.s: .*control character/);
  });
});
