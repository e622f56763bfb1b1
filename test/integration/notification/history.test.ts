/**
 * Issue 33, item 8: the support view. "Why did this node's operator hear nothing?" answered by
 * svc.history and `satnotify history` on PGlite and PostgreSQL: every notification on every
 * channel with its status and reason (a limit, the operator's choice, the receiver's refusal), its
 * attempts, the digest it went in, and times in the reader's zone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { InvalidInputError } from '../../../src/errors.js';
import { TestClock } from '../../helpers/clock.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/databases.js';
import { harness, type Harness } from '../../helpers/service.js';

const TARGETS = [
  { name: 'pglite', skip: undefined, database: () => Promise.resolve(undefined) },
  {
    name: 'postgres',
    skip: postgresSkipReason,
    database: async () => ({ url: await freshPostgresUrl('satnotify_history_test') }),
  },
];

const announce = (title: string) => ({ template: 'announcement', data: { title, paragraphs: ['x'], action: 'none' } });

for (const target of TARGETS) {
  describe(`history on ${target.name}`, { skip: target.skip }, () => {
    const clock = new TestClock('2025-02-04T09:00:00Z'); // a Tuesday
    let h: Harness;
    let node: string;
    let config: { database: Harness['database'] };
    before(async () => {
      const database = await target.database();
      h = await harness({
        clock: clock.now,
        ...(database && { database }),
        grouping: { wait: '0s' },
        limits: { email: { maxHr: 1, maxDay: 10, minDelay: '0s' } },
      });
      config = { database: h.database };
      node = await h.addNode({ email: 'Tuesday@Example.com' });
      // 09:00 sent; 09:10 held by the hour's limit, then in a digest at 10:00 with the 09:20 one.
      await h.svc.informNodeEmail(node, announce('First'));
      clock.set('2025-02-04T09:10:00Z');
      await h.svc.informNodeEmail(node, announce('Second'));
      clock.set('2025-02-04T09:20:00Z');
      await h.svc.informNodeEmail(node, announce('Third'));
      clock.set('2025-02-04T10:00:00Z');
      await h.svc.dispatch();
      // The operator turns node-offline off by email: the offline notice reaches only the node log.
      await h.svc.preferences.update('tuesday@example.com', {
        filters: { email: [{ exceptKinds: ['node-offline'] }] },
      });
      clock.set('2025-02-04T11:00:00Z');
      await h.svc.onUptimeCheck(node, { ok: false });
      await h.svc.dispatch();
      // The receiver refuses for good.
      h.sink.script.set('Tuesday@example.com', [550]); // as it reaches RCPT TO: the domain lowercased
      clock.set('2025-02-04T12:00:00Z');
      await h.svc.informNodeEmail(node, announce('Refused'));
    });
    after(() => h.close());

    it('lists every notification of the node with its fate and why', async () => {
      const history = await h.svc.history({ nodeId: node });
      assert.equal(history.nodeId, node);
      assert.equal(history.truncated, false);
      const lines = history.entries.map((e) => `${e.title}|${e.channel}|${e.status}|${e.reason ?? ''}`);
      const find = (title: string, channel = 'email') =>
        history.entries.find((e) => e.title === title && e.channel === channel);
      assert.equal(find('First')?.status, 'sent');
      assert.equal(find('First')?.attempts, 1);
      assert.equal(find('Second')?.status, 'digested');
      assert.equal(find('Second')?.digest?.status, 'sent');
      assert.equal(find('Second')?.digest?.sentAt?.toISOString(), '2025-02-04T10:00:00.000Z');
      assert.equal(find('Second')?.digest?.id, find('Third')?.digest?.id, 'both in one digest');
      const offline = history.entries.filter((e) => e.kind === 'node-offline');
      assert.deepEqual(
        offline.map((e) => `${e.channel}:${e.status}`).sort(),
        ['email:suppressed', 'log:sent'],
        lines.join('\n'),
      );
      assert.match(offline.find((e) => e.channel === 'email')?.reason ?? '', /prefer|filter|chose|turned/i);
      assert.equal(offline.find((e) => e.channel === 'log')?.copyOf, offline.find((e) => e.channel === 'email')?.id);
      assert.equal(find('Refused')?.status, 'failed', lines.join('\n'));
      assert.match(find('Refused')?.reason ?? '', /550/);
      assert.ok(
        history.entries.every((e, i, all) => i === 0 || (all[i - 1] as typeof e).recordedAt >= e.recordedAt),
        'newest first',
      );
    });

    it('an address sees the same, digests included; since and limit bound it', async () => {
      const all = await h.svc.history({ address: 'TUESDAY@example.com' });
      assert.equal(all.address, 'tuesday@example.com');
      assert.ok(all.entries.some((e) => e.kind === 'digest' && e.status === 'sent'));
      const late = await h.svc.history({ address: 'tuesday@example.com' }, { since: '2025-02-04T10:30:00Z' });
      assert.ok(late.entries.length > 0 && late.entries.every((e) => e.recordedAt >= new Date('2025-02-04T10:30:00Z')));
      const two = await h.svc.history({ nodeId: node }, { limit: 2 });
      assert.equal(two.entries.length, 2);
      assert.equal(two.truncated, true);
    });

    it('refuses a bad question naming the field', async () => {
      await assert.rejects(h.svc.history({} as never), (e: InvalidInputError) => e.issues[0]?.path === 'who');
      await assert.rejects(
        h.svc.history({ nodeId: node }, { since: 'last tuesday' }),
        (e: InvalidInputError) => e.issues[0]?.path === 'options.since',
      );
      await assert.rejects(
        h.svc.history({ address: 'not an address' }),
        (e: InvalidInputError) => e instanceof InvalidInputError,
      );
    });

    it('`satnotify history` prints it in the reader’s zone, or as JSON', async () => {
      const out: string[] = [];
      const err: string[] = [];
      const io = {
        out: (s: string) => out.push(s),
        err: (s: string) => err.push(s),
        env: {
          ...(config.database?.url
            ? { SATNOTIFY_DATABASE_URL: config.database.url }
            : { SATNOTIFY_DATABASE_DATADIR: config.database?.dataDir ?? '' }),
        },
      };
      // The command opens the database itself: an embedded one is opened by one process at a time.
      await h.svc.close();
      const code = await main(['history', node, '--zone', 'Europe/Warsaw'], io);
      assert.equal(code, 0, err.join(''));
      const text = out.join('');
      assert.match(text, /Feb 4, 2025, 10:00 CET/, 'times in the reader’s zone (UTC+1)');
      assert.match(text, /suppressed/);
      assert.match(text, /550/);
      assert.match(text, /in digest [0-9a-f]{8}.* sent/);
      out.length = 0;
      assert.equal(await main(['history', 'tuesday@example.com', '--json', '--since', '2025-02-04T11:30:00Z'], io), 0);
      const json = JSON.parse(out.join('')) as { address: string; entries: Array<{ title: string }> };
      assert.equal(json.address, 'tuesday@example.com');
      assert.deepEqual(
        json.entries.map((e) => e.title),
        ['Refused'],
      );
      assert.equal(await main(['history', node, '--since', 'yesterday'], io), 2, 'a bad --since is a usage error');
      await h.reopen();
    });
  });
}
