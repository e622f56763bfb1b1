/**
 * Issue 33, item 3: every email's HTML stays under what Gmail clips (about 102 KB), with its
 * unsubscribe and preferences links inside it, at any fleet size. Digests of 1, 50, 400 and 5,000
 * nodes with long addresses, in English and Polish, are built as the dispatcher builds them, sent
 * through the SMTP sender to a real SMTP server and parsed by mailparser; 400 nodes also go the
 * whole way through a service. An announcement too long for that is refused at the door.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../../src/config.js';
import { InvalidInputError } from '../../../src/errors.js';
import { Links } from '../../../src/links/links.js';
import { MailService } from '../../../src/mailservice/service.js';
import { SmtpSender } from '../../../src/mailservice/smtp-sender.js';
import { TemplateSet } from '../../../src/mailservice/templates.js';
import type { OutboxItem } from '../../../src/notification/outbox/outbox.js';
import { fakeDispatch } from '../../fakes/dispatch.js';
import { TestClock } from '../../helpers/clock.js';
import { randomNodeIdHex } from '../../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { webHarness, type WebHarness } from '../../helpers/web.js';
import { asHeld } from '../../../src/notification/digest/sample-day.js';

const KB100 = 100_000;
const LONG_HOST = (i: number): string =>
  `node-${i}.${'x'.repeat(60)}.${'y'.repeat(60)}.${'z'.repeat(40)}.operator.example:28967`;

/** assertFits checks an email's HTML: under 100 KB, with the unsubscribe and preferences links inside it. */
function assertFits(html: string): void {
  const bytes = Buffer.byteLength(html);
  assert.ok(bytes < KB100, `${bytes} bytes of HTML`);
  for (const link of [/\/unsubscribe\//, /\/preferences\?token(=|&#x3D;)/]) {
    const at = link.exec(html)?.index ?? -1;
    assert.ok(at > 0 && Buffer.byteLength(html.slice(0, at)) < KB100, `${String(link)} at ${at}`);
  }
}

describe('email size at any fleet size', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink();
  });
  after(() => sink?.close());

  for (const [nodes, language] of [
    [1, 'en'],
    [50, 'pl'],
    [400, 'en'],
    [5000, 'pl'],
  ] as const) {
    it(`a digest of ${nodes} nodes (${language}), received by SMTP: its HTML under 100 KB, both links inside it`, async () => {
      const f = fakeDispatch();
      const links = Links.create(
        resolveConfig({ web: { baseUrl: 'https://sat.example/notify', secrets: ['k'.repeat(40)] } }).web,
      );
      const operator = `fleet-${nodes}@example.com`;
      const items: OutboxItem[] = [];
      for (let i = 0; i < nodes; i++) {
        const node = { ...f.node(operator), address: LONG_HOST(i) };
        const at = new Date(Date.UTC(2024, 4, 1, 8, i % 60));
        for (const [kind, data] of [
          ['node-offline', { lastContact: '2024-05-01T07:52:00Z' }],
          ['audit-failed', { score: '0.970', threshold: '0.960', distance: '0.010' }],
        ] as const)
          for (const item of f.content.event(node, kind, { ...data }, at).filter((x) => x.channel === 'email'))
            items.push(asHeld(item));
      }
      // As the dispatcher words it, for this operator.
      const digest = f.content.digest(
        items,
        new Date(Date.UTC(2024, 4, 1, 13)),
        f.content.readerOf({ language, timezone: 'Europe/Warsaw' }),
      );
      const email = f.content.presentDigest(digest.payload).email;
      assert.ok(email && links);
      const sender = new SmtpSender(resolveConfig({ smtp: { url: sink.url } }).smtp);
      const mail = new MailService({ templates: TemplateSet.load(), sender, from: 'Sat <noreply@sat.example>' });
      try {
        const data = { ...email.data, links: links.email(operator, 'email', 'all', new Date()) };
        const before = sink.received.length;
        await mail.sendRendered(operator, email.template, data);
        await sink.waitFor(before + 1);
        assertFits(String(sink.received.at(-1)?.parsed.html));
      } finally {
        await mail.close();
      }
    });
  }

  describe('through a service', () => {
    let w: WebHarness;
    const clock = new TestClock('2024-05-01T10:00:00Z');
    before(async () => {
      w = await webHarness({
        clock: clock.now,
        hooks: { channels: { 'node-offline': ['email'] } },
        // Every node offline at once is a storm the guard would hold (its own tests); here the email's size is the point.
        guard: { enabled: false },
      });
    });
    after(() => w?.close());

    it('400 nodes of one operator going offline leave as one email that fits', async () => {
      const operator = 'fleet-service@example.com';
      const ids = Array.from({ length: 400 }, () => randomNodeIdHex());
      await Promise.all(ids.map((id, i) => w.h.svc.overlay.upsertNode({ id, address: LONG_HOST(i), email: operator })));
      await Promise.all(ids.map((id) => w.h.svc.onUptimeCheck(id, { ok: false })));
      clock.advance(6 * 60_000); // past the grouping wait: the operator's news leaves as one email
      await w.h.svc.dispatch();
      const mine = w.h.sink.received.filter((m) => m.envelopeTo.includes(operator));
      assert.equal(mine.length, 1, 'one email');
      assertFits(String(mine[0]?.parsed.html));
    });

    it('an announcement whose email would be too large is refused at the door, naming data; nothing recorded', async () => {
      const operator = 'long@example.com';
      await w.h.addNode({ email: operator });
      const paragraph = '<&> '.repeat(1000);
      await assert.rejects(
        w.h.svc.broadcast(
          { operator },
          {
            template: 'announcement',
            data: { title: 'Long', paragraphs: Array<string>(20).fill(paragraph), action: 'Read it.' },
          },
        ),
        (err: InvalidInputError) =>
          err instanceof InvalidInputError && err.field === 'data' && /bytes of HTML/.test(err.message),
      );
      assert.deepEqual(await w.h.svc.notificationsFor(operator), []);
    });
  });
});
