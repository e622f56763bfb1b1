import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ircLines, MAX_LINE_BYTES, splitLine, stripControl } from '../../../../src/channels/irc/lines.js';
import type { Notification } from '../../../../src/channels/plugin.js';

function notification(text: string, over: Partial<Notification> = {}): Notification {
  return {
    id: 'n1',
    channel: 'irc',
    kind: 'node-offline',
    level: 'warn',
    title: 'Node offline',
    text,
    node: { id: '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S', address: 'h:1' },
    facts: {},
    actions: [],
    satellite: { id: '', name: 'eu1' },
    occurredAt: new Date(0),
    createdAt: new Date(0),
    sentAt: new Date(0),
    ...over,
  };
}

describe('irc lines', () => {
  it('a header, then the text line by line', () => {
    assert.deepEqual(ircLines(notification('Your node is offline.\nCheck the port.'), 20), [
      '[eu1] WARN Node offline · node 12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S',
      'Your node is offline.',
      'Check the port.',
    ]);
    assert.equal(ircLines(notification('x', { level: 'info', title: 'Back', node: null }), 20)[0], '[eu1] Back');
  });

  it('control characters cannot end a line early or colour it: CR, LF inside a line, mIRC codes, DEL, C1', () => {
    assert.equal(
      stripControl('a\rPRIVMSG #x :spoof\u0003,4red\u0002bold\u007f\u0085\tz'),
      'aPRIVMSG #x :spoof,4redbold z',
    );
    const lines = ircLines(notification('one\u0000two\r\nthree', { title: 'T\u0007itle\r\nQUIT' }), 20);
    // eslint-disable-next-line no-control-regex -- looking for the control characters that must be gone
    for (const l of lines) assert.doesNotMatch(l, /[\u0000-\u001f\u007f-\u009f]/);
  });

  it('cuts long lines at spaces, within the byte budget, never inside a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 2000 }), fc.integer({ min: 16, max: 400 }), (text, max) => {
        const pieces = splitLine(text, max);
        for (const p of pieces) assert.ok(Buffer.byteLength(p) <= max, `${Buffer.byteLength(p)} > ${max}`);
        assert.equal(
          pieces.join('').replace(/\s/g, ''),
          text.replace(/\s/g, ''),
          'nothing lost but spaces at the cuts',
        );
        for (const p of pieces) assert.ok(!p.includes('\ufffd') || text.includes('\ufffd'), 'no broken character');
      }),
    );
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const pieces = splitLine(words, MAX_LINE_BYTES);
    assert.ok(pieces.length > 1);
    for (const p of pieces) assert.match(p, /^word\d+( word\d+)*$/, 'cut between words');
  });

  it('caps a message at maxLines, saying how many lines were left out', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    const lines = ircLines(notification(text), 10);
    assert.equal(lines.length, 10);
    assert.equal(lines.at(-1), '… 42 more lines');
  });
});
