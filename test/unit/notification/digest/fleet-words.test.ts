/**
 * A fleet's one email (issue 34, item 5): a node's same news from several satellites is one line
 * naming them, in en, de and pl; each satellite's own news keeps its line, naming its satellite;
 * the email is signed by the fleet; a satellite's outage and its recovery pair up apart from the
 * others'. Pure: the items are made as the fleet's mail keeps them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeDispatch } from '../../../fakes/dispatch.js';
import type { OutboxItem } from '../../../../src/notification/outbox/outbox.js';
import { asHeld } from '../../../../src/notification/digest/sample-day.js';
import type { DigestText } from '../../../../src/notification/digest/words.js';

const at = (minute: number): Date => new Date(Date.UTC(2026, 2, 2, 10, minute));

describe("a fleet's digest", () => {
  const f = fakeDispatch();
  const node = f.node('fleet@example.com');
  const other = f.node('fleet@example.com');
  /** from is `kind` about `n` as satellite `name` handed it to the fleet storj. */
  const from = (name: string, n: typeof node, kind: 'node-offline' | 'node-online', minute: number): OutboxItem => {
    const data = kind === 'node-online' ? { offlineSince: at(0).toISOString(), offlineFor: 20 * 60_000 } : {};
    const item = f.content.event(n, kind, data, at(minute)).find((i) => i.channel === 'email') as OutboxItem;
    const held = asHeld(item);
    return {
      ...held,
      payload: { ...held.payload, fleet: { name: 'storj', satellite: { id: '', name, schema: `satnotify_${name}` } } },
    };
  };
  const words = (items: readonly OutboxItem[], language: string): { d: DigestText; subject: string } => {
    const digest = f.content.digest(items, at(30), f.content.readerOf({ language, timezone: 'UTC' }));
    const data = digest.payload.email?.data as { d: DigestText; m: { subject: string } };
    return { d: data.d, subject: data.m.subject };
  };
  const fleetItems = (): OutboxItem[] => [
    from('us1', node, 'node-offline', 0),
    from('eu1', node, 'node-offline', 2),
    from('ap1', node, 'node-offline', 4),
    from('eu1', other, 'node-offline', 5),
  ];

  it('one line for the node offline on three satellites, one for the other node on eu1 (en, de, pl)', () => {
    const expected = {
      en: ['(on us1, eu1, and ap1)', '(on eu1)', 'The satellites us1, eu1, and ap1 held these back'],
      de: ['(bei us1, eu1 und ap1)', '(bei eu1)', 'Die Satelliten us1, eu1 und ap1 haben'],
      pl: ['(satelity: us1, eu1 i ap1)', '(satelita: eu1)', 'Satelity us1, eu1 i ap1 wstrzymały'],
    } as const;
    for (const [language, [three, one, intro]] of Object.entries(expected)) {
      const { d, subject } = words(fleetItems(), language);
      const lines = d.sections.flatMap((s) => s.lines.map((l) => l.text));
      assert.equal(lines.length, 2, `${language}: ${lines.join(' | ')}`);
      assert.ok(lines[0]?.endsWith(three), `${language}: ${lines[0]}`);
      assert.ok(lines[1]?.endsWith(one), `${language}: ${lines[1]}`);
      assert.ok(d.intro.startsWith(intro), `${language}: ${d.intro}`);
      assert.match(subject, /^\[storj\] /);
    }
  });

  it("counts a node's news from several satellites once (a pair counts two), and pairs each satellite's outage with its own recovery", () => {
    const { d } = words([...fleetItems(), from('us1', node, 'node-online', 20)], 'en');
    assert.match(d.heading, /^4 notifications about 2 of your nodes$/);
    const texts = d.sections.flatMap((s) => s.lines.map((l) => l.text));
    // us1's outage closed by its recovery: a span of its own; eu1 and ap1 still offline, one line.
    assert.equal(texts.length, 3, texts.join(' | '));
    assert.ok(
      texts.some((t) => /10:00.*10:20.*\(on us1\)$/.test(t)),
      texts.join(' | '),
    );
    assert.ok(
      texts.some((t) => t.endsWith('(on eu1 and ap1)')),
      texts.join(' | '),
    );
  });

  it("one satellite's news alone reads as that satellite's, without satellite names", () => {
    const { d, subject } = words([from('eu1', node, 'node-offline', 0), from('eu1', other, 'node-offline', 1)], 'en');
    assert.match(subject, /^\[eu1\] /);
    assert.ok(d.intro.startsWith('eu1 held these back'));
    assert.ok(d.sections.every((s) => s.lines.every((l) => !l.text.includes('(on '))));
  });
});
