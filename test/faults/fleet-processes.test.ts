/**
 * Issue 34, item 5, across processes: three satellites of the fleet `storj` (us1, eu1, ap1), each
 * its own process with its own satellite id and schema on one real PostgreSQL, all dispatching at
 * once. 200 operators' nodes go offline on all three: each operator gets exactly one email, naming
 * the three satellites, whichever process sends it; every satellite's row ends sent.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createNotificationService, type ServiceOptions } from '../../src/notification/create.js';
import type { NotificationService } from '../../src/notification/service.js';
import { EVENT_KINDS } from '../../src/kinds.js';
import { startTs } from '../helpers/child.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex, sqlClient } from '../helpers/databases.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const WORKER = fileURLToPath(new URL('../helpers/service-worker.ts', import.meta.url));
const SATELLITES = ['us1', 'eu1', 'ap1'] as const;
const OPERATORS = 200;

describe('one email across a fleet: three satellite processes on one PostgreSQL', { skip: postgresSkipReason }, () => {
  let sink: SmtpSink;
  let url: string;
  before(async () => {
    sink = await startSmtpSink();
    url = await freshPostgresUrl('satnotify_fleet_processes_test');
  });
  after(() => sink.close());

  it('200 operators, a node each offline on all three: 200 emails, each naming us1, eu1 and ap1', async () => {
    // Each satellite as its processes run it; emails only, so the test hears nothing but the fleet.
    const satellite = (name: string): Partial<ServiceOptions> & { database: { schema: string } } => ({
      satellite: { name, id: randomNodeIdHex() },
      database: { schema: `satnotify_${name}` },
      grouping: { wait: '0s', fleet: 'storj', fleetWait: '4s' },
      hooks: { offlineAfter: '0s', channels: Object.fromEntries(EVENT_KINDS.map((k) => [k, ['email']])) },
    });
    const options = SATELLITES.map(satellite);
    const setups: NotificationService[] = [];
    const children: ChildProcess[] = [];
    const db = sqlClient(url);
    await db.connect();
    try {
      for (const o of options)
        setups.push(
          await createNotificationService({
            ...o,
            database: { url, ...o.database },
            smtp: { url: sink.url },
            guard: { enabled: false },
            dispatcher: { autoStart: false },
          }),
        );
      const nodes = Array.from({ length: OPERATORS }, (_, i) => ({
        id: randomNodeIdHex(),
        email: `op-${i}@example.com`,
      }));
      for (const svc of setups) {
        for (const n of nodes) await svc.overlay.upsertNode({ ...n, address: '127.0.0.1:1', version: '1.120.0' });
        await Promise.all(nodes.map((n) => svc.onUptimeCheck(n.id, { ok: false })));
      }
      children.push(
        ...(await Promise.all(
          options.map((o) =>
            startTs(WORKER, ['dispatch-when-told', url, sink.url], {
              ...process.env,
              SATNOTIFY_TEST_OPTIONS: JSON.stringify(o),
            }),
          ),
        )),
      );
      // The three begin together: a satellite that starts more than fleetWait after another would,
      // rightly, find the first one's email already gone (the wait bounds the delay, it promises nothing).
      for (const c of children) c.kill('SIGUSR2');
      await sink.waitFor(OPERATORS, 30_000);
      await new Promise((r) => setTimeout(r, 2_000)); // time for a second email, if there were to be one
      // On a failure, say which operator got more than one and whether it was the same message again
      // (one Message-ID: a send retried after a lease ran out) or two messages (two rows).
      const seen = new Map<string, string[]>();
      for (const m of sink.received)
        for (const to of m.envelopeTo)
          seen.set(to, [...(seen.get(to) ?? []), `${m.parsed.messageId} ${m.parsed.subject}`]);
      const twice = [...seen].filter(([, ms]) => ms.length > 1);
      // And how the fleet's mail to the first of them was made: which rows, due when, folded where.
      const rows =
        twice.length > 0
          ? (
              await db.query(
                `SELECT kind, status, due_at, created_at, digest_id, payload->'fleet'->'satellite'->>'name' AS satellite
                 FROM satnotify_fleet_storj.satnotify_outbox WHERE operator = $1 ORDER BY created_at`,
                [twice[0]?.[0]],
              )
            ).rows
          : [];
      assert.equal(
        sink.received.length,
        OPERATORS,
        `one email per operator; more than one: ${JSON.stringify(twice)}; the fleet's rows: ${JSON.stringify(rows)}`,
      );
      const recipients = sink.received.flatMap((m) => m.envelopeTo);
      assert.equal(new Set(recipients).size, OPERATORS, 'no operator twice');
      for (const m of sink.received) {
        assert.match(m.parsed.subject ?? '', /^\[storj\] /);
        assert.match(m.parsed.text ?? '', /\(on us1, eu1,? and ap1\)/);
      }
      for (const name of SATELLITES) {
        const { rows } = await db.query<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM satnotify_${name}.satnotify_outbox GROUP BY status`,
        );
        assert.deepEqual(rows, [{ status: 'sent', n: OPERATORS }], `${name}: every row sent`);
      }
    } finally {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
      await db.end();
      for (const svc of setups) await svc.close();
    }
  });
});
