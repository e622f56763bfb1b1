/**
 * One email across a fleet (`grouping.fleet`): three satellites, each a service with its own
 * satellite id and schema on one real PostgreSQL, the SMTP sink and a node log over gRPC. An
 * operator whose node is offline on all three gets one email naming them; the per-address limits
 * count for the fleet; a fleet email that fails for good is given back and each satellite sends
 * its own; the node log still hears from every satellite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createNotificationService } from '../../../../src/notification/create.js';
import type { NotificationService } from '../../../../src/notification/service.js';
import { NodeLogServer } from '../../../../src/node/node-log-server.js';
import { InvalidConfigError } from '../../../../src/errors.js';
import { TestClock } from '../../../helpers/clock.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex, sqlClient } from '../../../helpers/databases.js';
import { startSmtpSink, type Received, type SmtpSink } from '../../../helpers/smtp-sink.js';

const SATELLITES = ['us1', 'eu1', 'ap1'] as const;
const MINUTE = 60_000;

describe('one email across a fleet of three satellites on one PostgreSQL', { skip: postgresSkipReason }, () => {
  const clock = new TestClock('2026-03-02T10:00:00Z');
  let sink: SmtpSink;
  let nodeLog: NodeLogServer;
  let address: string;
  const logLines: string[] = [];
  const fleet: NotificationService[] = [];
  let url: string;

  before(async () => {
    sink = await startSmtpSink();
    nodeLog = new NodeLogServer({ sink: (l) => logLines.push(l) });
    address = `127.0.0.1:${await nodeLog.listen()}`;
    url = await freshPostgresUrl('satnotify_fleet_test');
    for (const name of SATELLITES)
      fleet.push(
        await createNotificationService({
          clock: clock.now,
          database: { url, schema: `satnotify_${name}`, poolSize: 3 },
          smtp: { url: sink.url, from: 'Storj <noreply@sat.example>' },
          satellite: { name, id: randomNodeIdHex() },
          grouping: { wait: '5m', fleet: 'storj', fleetWait: '5m' },
          hooks: { offlineAfter: '0s' },
          limits: { perAddress: { maxHr: 1, maxDay: 10, minDelay: '0s' } },
          guard: { enabled: false },
          dispatcher: { autoStart: false },
        }),
      );
  });
  after(async () => {
    for (const svc of fleet) await svc.close();
    await nodeLog.close();
    await sink.close();
  });

  /** on registers a node of `email` on the given satellites (every one by default). */
  const node = async (email: string, on: readonly NotificationService[] = fleet): Promise<string> => {
    const id = randomNodeIdHex();
    for (const svc of on) await svc.overlay.upsertNode({ id, address, email, version: '1.120.0' });
    return id;
  };
  const drainAll = async (): Promise<void> => {
    for (const svc of fleet) await svc.dispatch();
  };
  /** windows lets a satellite's grouping wait pass (it hands over), then the fleet's (it sends). */
  const windows = async (): Promise<void> => {
    for (let i = 0; i < 2; i++) {
      clock.advance(5 * MINUTE);
      await drainAll();
    }
  };
  const emailsTo = (to: string): Received[] => sink.received.filter((m) => m.envelopeTo.includes(to));

  it('a node offline on us1, eu1 and ap1: one email naming them, three node-log lines', async () => {
    const to = 'fleet-op@example.com';
    const id = await node(to);
    for (const svc of fleet) await svc.onUptimeCheck(id, { ok: false });
    await drainAll();
    assert.equal(logLines.length, 3, 'each satellite writes to the node log itself, at once');
    assert.deepEqual(
      SATELLITES.map((name) => logLines.filter((l) => l.includes(name)).length),
      [1, 1, 1],
    );

    clock.advance(5 * MINUTE); // every satellite's own grouping wait is over: they hand over to the fleet
    await drainAll();
    assert.equal(emailsTo(to).length, 0, "the fleet's mail waits fleetWait for the other satellites");

    clock.advance(5 * MINUTE);
    await fleet[1]?.dispatch(); // any satellite of the fleet sends it
    await drainAll();
    const mails = emailsTo(to);
    assert.equal(mails.length, 1, 'one email for the three satellites');
    const mail = mails[0] as Received;
    assert.match(mail.parsed.subject ?? '', /^\[storj\] /);
    const text = mail.parsed.text ?? '';
    assert.match(text, /The satellites us1, eu1,? and ap1 held these back/);
    const lines = text.split('\n').filter((l) => /\(on us1, eu1,? and ap1\)/.test(l));
    assert.equal(lines.length, 1, `one line naming the three satellites:\n${text}`);
    assert.match(mail.parsed.html || '', /on us1, eu1,? and ap1/);
    assert.match(text, /^storj · /m, 'signed by the fleet, not by the satellite that sent it');
    assert.doesNotMatch(text, /eu1 stores data/);

    // Each satellite records its own notification as sent, in the fleet's email.
    for (const svc of fleet) {
      const history = await svc.history({ nodeId: id });
      const email = history.entries.find((e) => e.channel === 'email');
      assert.equal(email?.status, 'sent');
      assert.match(email?.reason ?? '', /in one email across the fleet storj/);
    }
    assert.equal(logLines.length, 3, 'nothing more in the node log');
    for (const svc of fleet)
      assert.match(
        await svc.metrics.registry.getSingleMetricAsString('satnotify_notifications_total'),
        /\{channel="email",kind="node-offline",outcome="handed"\} 1(\n|$)/,
      );
  });

  it("limits per operator address are the fleet's: a second email in the hour waits for the next", async () => {
    const to = 'limited-op@example.com';
    const a = await node(to, [fleet[0] as NotificationService]);
    const b = await node(to, [fleet[2] as NotificationService]);
    await fleet[0]?.onUptimeCheck(a, { ok: false });
    await windows();
    assert.equal(emailsTo(to).length, 1, 'the first email leaves (1 per hour for the address)');

    await fleet[2]?.onUptimeCheck(b, { ok: false });
    await fleet[0]?.onUptimeCheck(a, { ok: true });
    await windows();
    await windows();
    assert.equal(emailsTo(to).length, 1, "ap1's and us1's news wait: the address had its email this hour");

    clock.set('2026-03-02T11:00:00Z');
    await drainAll();
    const mails = emailsTo(to);
    assert.equal(mails.length, 2, 'the held news leaves as one email in the next hour');
    const text = mails[1]?.parsed.text ?? '';
    assert.match(text, /\(on ap1\)/);
    assert.match(text, /\(on us1\)/);
  });

  it('a fleet email refused for good is given back: each satellite sends its own, nothing lost', async () => {
    const to = 'bounce-once@example.com';
    const id = await node(to);
    sink.script.set(to, [550]);
    for (const svc of fleet) await svc.onUptimeCheck(id, { ok: false });
    await windows(); // hand over; then the fleet's email is refused (550) and given back
    await drainAll(); // the satellites send what was given back
    const mails = emailsTo(to);
    assert.equal(mails.length, 3, 'one email from each satellite');
    assert.deepEqual(mails.map((m) => /^\[(\w+)\]/.exec(m.parsed.subject ?? '')?.[1]).sort(), ['ap1', 'eu1', 'us1']);
    for (const svc of fleet) {
      const email = (await svc.history({ nodeId: id })).entries.find((e) => e.channel === 'email');
      assert.equal(email?.status, 'sent');
    }
  });

  it("an operator erased at us1 while their mail is with the fleet: gone from the fleet's rows, eu1 and ap1 send their own", async () => {
    const to = 'erase-me@example.com';
    const id = await node(to);
    for (const svc of fleet) await svc.onUptimeCheck(id, { ok: false });
    clock.advance(5 * MINUTE);
    await drainAll(); // handed over; the fleet's mail waits
    const report = await fleet[0]?.operators.erase(to);
    assert.equal(report?.inFlight, 0, "us1's row came back from the fleet and was erased with the rest");
    const db = sqlClient(url);
    await db.connect();
    try {
      const kept = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM satnotify_fleet_storj.satnotify_outbox
         WHERE operator = $1 OR group_key LIKE '%' || $1 || '%' OR payload::text LIKE '%' || $1 || '%'`,
        [to],
      );
      assert.equal(kept.rows[0]?.n, 0, "the address is nowhere in the fleet's mail");
      const us1 = await db.query<{ status: string }>(
        `SELECT status FROM satnotify_us1.satnotify_outbox WHERE node_id = decode($1, 'hex') AND channel = 'email'`,
        [id],
      );
      assert.deepEqual(
        us1.rows.map((r) => r.status),
        ['suppressed'],
      );
    } finally {
      await db.end();
    }
    await drainAll(); // eu1 and ap1 send what came back
    clock.advance(5 * MINUTE);
    await drainAll();
    const mails = emailsTo(to);
    assert.deepEqual(mails.map((m) => /^\[(\w+)\]/.exec(m.parsed.subject ?? '')?.[1]).sort(), ['ap1', 'eu1']);
  });
});

describe('a fleet mends what it left unsettled', { skip: postgresSkipReason }, () => {
  it('a satellite row whose fleet copy ended unsent (an erase raced it) is given back and sent by its satellite', async () => {
    const clock = new TestClock('2026-03-02T10:00:00Z');
    const sink = await startSmtpSink();
    const url = await freshPostgresUrl('satnotify_fleet_mend_test');
    const svc = await createNotificationService({
      clock: clock.now,
      database: { url, schema: 'satnotify_mend1' },
      smtp: { url: sink.url, from: 'Storj <noreply@sat.example>' },
      satellite: { name: 'mend1' },
      grouping: { wait: '0s', fleet: 'mend', fleetWait: '5m' },
      hooks: { offlineAfter: '0s', channels: { 'node-offline': ['email'] } },
      guard: { enabled: false },
      dispatcher: { autoStart: false },
    });
    const db = sqlClient(url);
    await db.connect();
    try {
      const id = randomNodeIdHex();
      await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: 'mend@example.com' });
      const [emailId] = (await svc.onUptimeCheck(id, { ok: false })).ids;
      await svc.dispatch(); // handed over; the fleet's mail waits 5 minutes
      await db.query(`UPDATE satnotify_fleet_mend.satnotify_outbox SET status = 'suppressed' WHERE id = $1`, [emailId]);
      await svc.dispatch(); // the drain finds it ended in the fleet, unsettled here: given back, then sent
      await svc.dispatch();
      assert.equal(sink.received.length, 1);
      assert.match(sink.received[0]?.parsed.subject ?? '', /^\[mend1\] /);
      assert.equal((await svc.delivery(emailId as string))?.status, 'sent');
    } finally {
      await db.end();
      await svc.close();
      await sink.close();
    }
  });
});

describe('grouping.fleet needs PostgreSQL', () => {
  it('on the embedded database it is refused, naming the field', async () => {
    await assert.rejects(
      createNotificationService({ database: { dataDir: 'memory://' }, grouping: { fleet: 'storj' } }),
      (err: unknown) => err instanceof InvalidConfigError && /grouping\.fleet: needs database\.url/.test(err.message),
    );
  });
});
