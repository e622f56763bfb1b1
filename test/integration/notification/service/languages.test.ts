/**
 * An operator's language and zone, end to end: the same event reaches a German-reading operator in
 * Europe/Berlin and a Polish-reading one in Asia/Kathmandu in their own words and times, by email
 * (SMTP, parsed) and in the node's log (gRPC); an operator who chose nothing reads English in the
 * satellite's zone; a digest is worded for its operator too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harness } from '../../../helpers/service.js';
import { TestClock } from '../../../helpers/clock.js';
import { NodeId } from '../../../../src/overlay/node-id.js';

describe('each operator reads in their own language and zone', () => {
  it('email and node log follow the operator, a digest too', async () => {
    const clock = new TestClock('2024-05-01T08:04:00Z');
    const h = await harness({
      clock: clock.now,
      grouping: { wait: '0s' },
      limits: { timezone: 'UTC', email: { maxHr: 1, minDelay: '0s' }, log: { minDelay: '0s' } },
    });
    try {
      const de = await h.addNode({ email: 'de@example.com' });
      const pl = await h.addNode({ email: 'pl@example.com' });
      const en = await h.addNode({ email: 'en@example.com' });
      await h.svc.preferences.update('de@example.com', { language: 'de', timezone: 'Europe/Berlin' });
      await h.svc.preferences.update('pl@example.com', { language: 'pl', timezone: 'Asia/Kathmandu' });
      for (const id of [de, pl, en]) await h.svc.onAuditResult(id, { passed: false, score: 0.961, dqThreshold: 0.96 });
      await h.svc.dispatch();
      await h.sink.waitFor(3);
      const to = (who: string): { subject: string; text: string } => {
        const m = h.sink.received.find((r) => r.envelopeTo.includes(who))?.parsed;
        return { subject: m?.subject ?? '', text: m?.text ?? '' };
      };
      assert.match(
        to('de@example.com').subject,
        /Audit bei Node \w+ fehlgeschlagen: Score 0,961 \(Disqualifikation unter 0,960\)/,
      );
      assert.match(to('de@example.com').text, /Zeitpunkt: 01\.05\.2024, 10:04 CEST \(Europe\/Berlin\)/);
      assert.match(
        to('pl@example.com').subject,
        /Nieudany audyt węzła \w+: wynik 0,961 \(dyskwalifikacja poniżej 0,960\)/,
      );
      assert.match(to('pl@example.com').text, /Kiedy: 1 maja 2024, 13:49 GMT\+5:45 \(Asia\/Kathmandu\)/);
      assert.match(to('en@example.com').text, /When: May 1, 2024, 08:04 UTC/);
      assert.ok(
        h.logLines.some((l) =>
          /"message":"test-sat: Audit bei Node \w+ fehlgeschlagen.*Prüfen Sie die Festplatte/.test(l),
        ),
        `German node-log text: ${h.logLines.join('\n')}`,
      );
      assert.ok(
        h.logLines.some((l) => /"message":"test-sat: Nieudany audyt węzła .*Sprawdź dysk z danymi/.test(l)),
        'Polish node-log text',
      );
      assert.ok(
        h.logLines.some((l) => /"message":"test-sat: Audit failed on node .*Check the storage disk/.test(l)),
        'English node-log text',
      );

      // Two more within the hour are held for the German operator, then leave as one German digest.
      await h.svc.onContainment(de, { contained: true });
      await h.svc.onContainment(de, { contained: false });
      await h.svc.dispatch();
      clock.set('2024-05-01T09:01:00Z');
      await h.svc.dispatch();
      await h.sink.waitFor(4);
      const digest = h.sink.received[3]?.parsed;
      assert.equal(digest?.subject, `[test-sat] Node ${NodeId.parse(de).short} nicht mehr im Containment`);
      assert.match(digest?.text ?? '', /^2 Benachrichtigungen zu Ihrem Node/m);
      assert.match(
        digest?.text ?? '',
        /im Containment von 10:04 CEST bis 10:04 CEST \(0 Minuten\), jetzt nicht mehr im Containment/,
      );
      assert.match(digest?.text ?? '', /Was zu tun ist:/);
    } finally {
      await h.close();
    }
  });
});
