/**
 * Issue 33, retention: finished notifications go after their horizon, on PGlite and PostgreSQL,
 * and what the rules need stays: open and held rows whatever their age, the limit counters, each
 * node's recorded state, the tallies (pruned rows are still counted), and the operator's feed says
 * how many of their older notifications went.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DAY, HOUR } from '../../../../src/config-schema.js';
import { TestClock } from '../../../helpers/clock.js';
import { freshPostgresUrl, postgresSkipReason } from '../../../helpers/databases.js';
import { harness, type Harness } from '../../../helpers/service.js';

const TARGETS = [
  { name: 'pglite', skip: undefined, database: () => Promise.resolve(undefined) },
  {
    name: 'postgres',
    skip: postgresSkipReason,
    database: async () => ({ url: await freshPostgresUrl('satnotify_retention_test') }),
  },
];

const announce = (n: number) => ({
  template: 'announcement',
  data: { title: `Notice ${n}`, paragraphs: [`body ${n}`], action: 'none' },
});

for (const target of TARGETS) {
  describe(`retention on ${target.name}`, { skip: target.skip }, () => {
    const clock = new TestClock('2025-01-06T10:00:00Z');
    let h: Harness;
    before(async () => {
      const database = await target.database();
      h = await harness({
        clock: clock.now,
        ...(database && { database }),
        limits: { email: { maxHr: 2, maxDay: 50, minDelay: '0s' } },
        retention: { delivered: '30d', feed: '90d', batchSize: 10 },
        grouping: { wait: '0s' },
        // Bob's node stays offline for months; a reminder would be news, and this test asks only whether its state was kept.
        hooks: { reminders: 0 },
      });
    });
    after(() => h.close());

    it('deletes the other channels’ copies after 30 days and the rest after 90, keeping held rows, counters, node state and tallies', async () => {
      const a = await h.addNode({ email: 'alice@example.com' });
      const b = await h.addNode({ email: 'bob@example.com' });
      // Alice: 2 sent, 2 held then sent in one digest; then 1 sent and 2 held for good.
      for (let i = 0; i < 4; i++) await h.svc.informNodeEmail(a, announce(i));
      clock.advance(HOUR);
      await h.svc.dispatch();
      clock.advance(10 * 60_000);
      const late = [];
      for (let i = 4; i < 7; i++) late.push(await h.svc.informNodeEmail(a, announce(i)));
      assert.deepEqual(
        late.map((d) => d.status),
        ['sent', 'held', 'held'],
      );
      // Bob: one node-offline, by email and to the node's log.
      const offline = await h.svc.onUptimeCheck(b, { ok: false });
      assert.equal(offline.ids.length, 2);
      await h.svc.dispatch();
      assert.deepEqual(
        (await Promise.all(offline.ids.map((id) => h.svc.delivery(id)))).map((d) => d?.status),
        ['sent', 'sent'],
      );
      const tally = await h.svc.outboxCounts();
      const statusA = await h.svc.status(a);
      const statusB = await h.svc.status(b);

      clock.advance(31 * DAY);
      const first = await h.svc.prune();
      assert.equal(first.busy, false);
      assert.equal(first.deleted, 1, 'only the log copy of Bob’s notice: no feed shows it');
      assert.equal(first.feedItems, 0);
      assert.equal((await h.svc.feed('bob@example.com')).items.length, 1, 'Bob’s feed keeps the notice');
      assert.deepEqual(await h.svc.outboxCounts(), tally, 'pruned rows stay counted');

      clock.advance(60 * DAY);
      const second = await h.svc.prune();
      assert.equal(second.deleted, 7, 'Alice’s 5 finished notices and their digest, Bob’s email copy');
      assert.equal(second.feedItems, 6);
      assert.equal(second.batches, 2, 'small batches: 10 rows a statement');
      const aliceFeed = await h.svc.feed('alice@example.com');
      assert.deepEqual(
        aliceFeed.items.map((i) => i.status),
        ['held', 'held'],
        'held notifications are never pruned, however old',
      );
      assert.equal(aliceFeed.pruned?.items, 5);
      assert.equal((await h.svc.feed('bob@example.com')).pruned?.items, 1);
      assert.equal(await h.svc.delivery(offline.ids[0] as string), null, 'a pruned notification is no longer known');
      assert.deepEqual(await h.svc.outboxCounts(), tally, 'the tallies still count every notification');
      assert.deepEqual(await h.svc.status(a), statusA, 'limit counters untouched');
      assert.deepEqual(await h.svc.status(b), statusB);
      assert.equal((await h.svc.onUptimeCheck(b, { ok: false })).notified, false, 'Bob’s node is still known offline');

      assert.equal((await h.svc.prune()).deleted, 0, 'a second round finds nothing');
      // The held ones still leave when their window opens, and are counted as they go.
      await h.svc.dispatch();
      assert.equal((await h.svc.status(a)).email.dayCounter, 1, 'one digest of the two held');
      assert.deepEqual(
        (await h.svc.feed('alice@example.com')).items.map((i) => i.status),
        ['digested', 'digested'],
      );
    });

    it('the feed says how many older notifications went, in the operator’s language', async () => {
      const feedUrl = h.svc.links ? await h.svc.feedUrl('alice@example.com') : null;
      assert.equal(feedUrl, null, 'this harness has no web section; the words come from the catalog');
      const words = h.svc.catalog.t('de', 'feed.pruned', { count: 5, date: '6. Jan. 2025', days: 90 });
      assert.equal(words, '5 ältere Benachrichtigungen (bis 6. Jan. 2025) wurden nach 90 Tagen gelöscht.');
      assert.match(h.svc.catalog.t('pl', 'feed.pruned', { count: 5, date: 'x', days: 90 }), /^5 starszych powiadomień/);
      assert.match(
        h.svc.catalog.t('en', 'feed.pruned', { count: 1, date: 'x', days: 1 }),
        /^1 older notification \(up to x\) was deleted after 1 day\.$/,
      );
    });
  });
}

describe('retention config', () => {
  it('refuses a feed horizon shorter than the delivered one, naming the key', async () => {
    const { resolveConfig } = await import('../../../../src/config.js');
    assert.throws(
      () => resolveConfig({ retention: { delivered: '30d', feed: '10d' } }),
      (e: Error) => /retention\.feed: must be at least retention\.delivered/.test(e.message),
    );
    assert.throws(() => resolveConfig({ retention: { delivered: '1h' } }), /retention\.delivered/);
    const c = resolveConfig({});
    assert.equal(c.retention.deliveredMs, 30 * DAY);
    assert.equal(c.retention.feedMs, 90 * DAY);
  });
});
