/**
 * Issue 34, item 4, on real parts (PGlite and PostgreSQL, the SMTP sink, the node log over gRPC):
 * `svc.onScores` welcomes a new node's operator on every channel once, tells the end of vetting
 * once, and warns once when a score falls near its bar (not on one dip, not while rising), again
 * only after it was clear; bad input is refused naming the field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../../src/errors.js';
import { bothDatabases } from '../../../helpers/databases.js';
import { clockedHarness } from '../../../helpers/service.js';

const targets = await bothDatabases('satnotify_scores_test');

for (const target of targets)
  describe(`scores (${target.name})`, { skip: target.skip }, () => {
    const { h, clock } = clockedHarness('2024-09-01T00:00:00Z', {
      ...(target.database && { database: target.database }),
      grouping: { wait: '0s' },
      limits: { email: { maxHr: 100, maxDay: 100, minDelay: '0s' }, log: { maxHr: 100, maxDay: 100, minDelay: '0s' } },
    });
    const subjects = (to: string): string[] =>
      h.sink.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.parsed.subject ?? '');
    let minute = 0;
    async function report(node: string, scores: Parameters<typeof h.svc.onScores>[1]): Promise<string[]> {
      clock.set(new Date(Date.parse('2024-09-01T00:00:00Z') + ++minute * 60_000).toISOString());
      const r = await h.svc.onScores(node, scores);
      await h.svc.dispatch();
      return r.ids;
    }

    it('a new node: welcomed once on every channel; vetting finished told once', async () => {
      const op = 'new@example.com';
      const node = await h.addNode({ email: op });
      const lines = h.logLines.length;
      await report(node, { vetted: false, audit: 1, online: 1 });
      await report(node, { vetted: false, audit: 1 });
      await h.sink.waitFor(1);
      assert.equal(subjects(op).length, 1, 'welcomed once');
      assert.match(subjects(op)[0] ?? '', /is set up for notifications from test-sat$/);
      assert.equal(h.logLines.length - lines, 1, 'the node log got the welcome too');
      assert.match(h.logLines.at(-1) ?? '', /NODE_WELCOME/);
      await report(node, { vetted: true });
      await report(node, { vetted: true });
      await h.sink.waitFor(2);
      assert.equal(subjects(op).length, 2);
      assert.match(subjects(op)[1] ?? '', /is vetted on test-sat$/);
    });

    it('a node first reported vetted is not welcomed, nor told of vetting', async () => {
      const op = 'old@example.com';
      const node = await h.addNode({ email: op });
      assert.deepEqual(await report(node, { vetted: true, audit: 1, online: 0.99 }), []);
      assert.deepEqual(await report(node, { vetted: false }), [], 'unvetted after vetted: not new, no welcome');
      assert.deepEqual(subjects(op), []);
    });

    it('an audit score falling near its bar warns once; a dip or a rise does not; again once clear', async () => {
      const op = 'falling@example.com';
      const node = await h.addNode({ email: op });
      assert.deepEqual(await report(node, { audit: 0.99 }), []);
      assert.deepEqual(await report(node, { audit: 0.968 }), [], 'one dip into the margin is not news');
      assert.deepEqual(await report(node, { audit: 0.969 }), [], 'rising is not news');
      assert.notDeepEqual(await report(node, { audit: 0.965 }), [], 'falling again within the margin is');
      assert.deepEqual(await report(node, { audit: 0.962 }), [], 'once');
      await h.sink.waitFor(1);
      assert.deepEqual(subjects(op), [
        `[test-sat] Your node ${subjects(op)[0]?.split(' ')[3] ?? ''} audit score falling to 0.965 (disqualification below 0.960)`,
      ]);
      const text = h.sink.received.at(-1)?.parsed.text ?? '';
      assert.match(
        text,
        /reports an audit score of 0\.965 for your storage node, down from 0\.969\. That is 0\.005 above 0\.960/,
      );
      assert.deepEqual(await report(node, { audit: 0.985 }), [], 'clear again');
      assert.deepEqual(await report(node, { audit: 0.969 }), []);
      assert.notDeepEqual(await report(node, { audit: 0.966 }), [], 'a new fall warns again');
      await h.sink.waitFor(2);
    });

    it('the online and unknown-audit scores warn the same way, each on its own', async () => {
      const op = 'online@example.com';
      const node = await h.addNode({ email: op });
      await report(node, { online: 0.69, suspension: 0.68 });
      await report(node, { online: 0.66, suspension: 0.65 });
      await h.sink.waitFor(2);
      assert.equal(subjects(op).length, 2, 'one warning per score, once each');
      const text = h.sink.received
        .filter((m) => m.envelopeTo.includes(op))
        .map((m) => m.parsed.text ?? '')
        .join('\n');
      assert.match(
        text,
        /reports an online score of 0\.660 for your storage node, down from 0\.690\. That is 0\.060 above 0\.600/,
      );
      assert.match(text, /reports an unknown-audit score of 0\.650 for your storage node, down from 0\.680/);
      await report(node, { online: 0.63, suspension: 0.62 });
      assert.equal(subjects(op).length, 2, 'not again while still falling');
    });

    it('refuses bad input naming the field, recording nothing', async () => {
      const node = await h.addNode({ email: 'bad@example.com' });
      for (const [signal, field] of [
        [{}, /signal: must carry audit, online, suspension or vetted/],
        [{ audit: 2 }, /signal\.audit/],
        [{ vetted: 'yes' }, /signal\.vetted/],
        [{ audit: 0.9, extra: 1 }, /signal/],
      ] as const)
        await assert.rejects(
          h.svc.onScores(node, signal as never),
          (e: unknown) => e instanceof InvalidInputError && field.test(e.message),
        );
      assert.deepEqual((await h.svc.history({ nodeId: node })).entries, []);
    });
  });
