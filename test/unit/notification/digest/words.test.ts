/**
 * A digest's words for what its line budget left out (issue 40, item 9): 600 audit failures of one
 * node list 400 lines and count the other 200 as about the nodes above, never "0 more nodes", in
 * every language; and one more notification is one, not "are".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeDispatch } from '../../../fakes/dispatch.js';
import type { OutboxItem } from '../../../../src/notification/outbox/outbox.js';
import { asHeld } from '../../../../src/notification/digest/sample-day.js';

function held(f: ReturnType<typeof fakeDispatch>, nodes: number, each: number): OutboxItem[] {
  const items: OutboxItem[] = [];
  for (let n = 0; n < nodes; n++) {
    const node = f.node('many@example.com');
    for (let i = 0; i < each; i++) {
      const [item] = f.content.event(
        node,
        'audit-failed',
        { score: '0.970', threshold: '0.960', distance: '0.010' },
        new Date(Date.UTC(2024, 4, 1, 8, 0, i)),
      );
      if (item) items.push(asHeld(item));
    }
  }
  return items.filter((i) => i.channel === 'email');
}

describe("a digest's overflow line", () => {
  const f = fakeDispatch();
  const omitted = (items: readonly OutboxItem[], language: string): string => {
    const d = f.content.digest(
      items,
      new Date(Date.UTC(2024, 4, 1, 13)),
      f.content.readerOf({ language, timezone: 'UTC' }),
    );
    return String((d.payload.email?.data['d'] as { omitted: { text: string } | null }).omitted?.text);
  };

  it('counts what one node had beyond the budget as about the nodes above, in en, de and pl', () => {
    const items = held(f, 1, 600);
    assert.equal(
      omitted(items, 'en'),
      '200 more notifications about the nodes above are not listed, to keep this email readable:',
    );
    assert.equal(
      omitted(items, 'de'),
      '200 weitere Benachrichtigungen zu den Nodes oben sind nicht aufgeführt, damit diese E-Mail lesbar bleibt:',
    );
    assert.equal(omitted(items, 'pl'), 'Dla czytelności pominięto 200 powiadomień o węzłach wymienionych powyżej:');
  });

  it('says how many more nodes when there are some, and agrees in number', () => {
    assert.equal(
      omitted(held(f, 401, 1), 'en'),
      '1 more notification about 1 more node is not listed, to keep this email readable:',
    );
    assert.equal(omitted(held(f, 403, 1), 'pl'), 'Dla czytelności pominięto 3 powiadomienia o 3 kolejnych węzłach:');
  });
});
