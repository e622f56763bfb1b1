import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textProblem } from '../../../src/input/text.js';

test('lengths are counted in code points at the bounds, whatever the UTF-16 length says', () => {
  const rule = { lines: false, max: 3, min: 2 };
  assert.equal(textProblem('🛰🛰🛰', rule), undefined, 'three emoji are six UTF-16 units but three characters');
  assert.equal(textProblem('🛰🛰🛰🛰', rule), 'is 4 characters long (at most 3)');
  assert.equal(
    textProblem('🛰', rule),
    'must be at least 2 characters',
    'one emoji is two UTF-16 units but one character',
  );
  assert.equal(textProblem('ab', rule), undefined);
  assert.equal(textProblem('', { lines: false, max: 3, min: 1 }), 'must not be empty');
});

test('each refused character is named, in one line and in lines', () => {
  assert.equal(textProblem('a\nb', { lines: false, max: 10 }), 'contains a line break or another control character');
  assert.equal(textProblem('a\nb\tc', { lines: true, max: 10 }), undefined);
  assert.equal(textProblem('a\u0000b', { lines: true, max: 10 }), 'contains a control character (NUL, CR, ESC …)');
  assert.equal(textProblem('a\u202Eb', { lines: true, max: 10 }), 'contains a bidirectional control character');
  assert.equal(
    textProblem('a\uFFFDb', { lines: false, max: 10 }),
    'is not valid UTF-8 (contains U+FFFD from a failed decode)',
  );
  assert.equal(textProblem('a\uD800b', { lines: false, max: 10 }), 'is not valid UTF-8 (unpaired surrogate)');
});

test('C1 controls, Unicode line separators and noncharacters are refused too, whatever the field (issue 40)', () => {
  for (const lines of [false, true]) {
    const rule = { lines, max: 10 };
    assert.equal(textProblem('a\u0085b', rule), 'contains a C1 control character (U+0080–U+009F)');
    assert.equal(textProblem('a\u0080b', rule), 'contains a C1 control character (U+0080–U+009F)');
    assert.match(textProblem('a\u2028b', rule) ?? '', /^contains a Unicode line or paragraph separator/);
    assert.match(textProblem('a\u2029b', rule) ?? '', /^contains a Unicode line or paragraph separator/);
    for (const nonchar of ['\uFFFE', '\uFFFF', '\uFDD0', '\u{1FFFE}', '\u{10FFFF}'])
      assert.equal(
        textProblem(`a${nonchar}b`, rule),
        'contains a Unicode noncharacter (U+FFFE, U+FFFF …)',
        JSON.stringify(nonchar),
      );
    assert.equal(
      textProblem('Zürich 🛰 日本 \u00A0', { lines, max: 20 }),
      undefined,
      'letters, symbols, astral characters and NBSP pass',
    );
  }
});
