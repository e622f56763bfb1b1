/**
 * A drain's next claim runs while the last groups of the pass before are still being sent, and a
 * process may run its background loop, a drain and first attempts at once. Leases are set on the
 * wall clock, so with a service clock years ahead every lease already looks over to a claim: only
 * leaving out the groups the process is delivering keeps them from going twice.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { join } from 'node:path';
import { createNotificationService } from '../../../../src/notification/create.js';
import type { NotificationService } from '../../../../src/notification/service.js';
import { randomNodeIdHex } from '../../../helpers/databases.js';
import { scratchDir } from '../../../helpers/scratch.js';
import { startSmtpSink, type SmtpSink } from '../../../helpers/smtp-sink.js';

const NODES = 30;

describe('overlapping passes', () => {
  let sink: SmtpSink;
  let svc: NotificationService | undefined;
  let dataDir: string;
  const open = (autoStart: boolean): Promise<NotificationService> =>
    createNotificationService({
      clock: () => new Date('2099-01-01T10:00:00Z'),
      database: { dataDir },
      smtp: { url: sink.url, maxConnections: 2 },
      grouping: { wait: '0s' },
      hooks: { channels: { 'node-offline': ['email'] }, offlineAfter: '0s' },
      dispatcher: { autoStart, interval: '5ms', batchSize: 4, concurrency: 2 },
    });
  const record = async (s: NotificationService): Promise<void> => {
    for (let i = 0; i < NODES; i++) {
      const id = randomNodeIdHex();
      await s.overlay.upsertNode({ id, address: '127.0.0.1:1', email: `overlap${i}@example.com` });
      await s.onUptimeCheck(id, { ok: false });
    }
  };
  const assertEachSentOnce = async (s: NotificationService): Promise<void> => {
    await sink.waitFor(NODES);
    await new Promise((r) => setTimeout(r, 200)); // a second copy, if any, would arrive meanwhile
    const ids = sink.received.map((m) => m.parsed.messageId);
    assert.equal(new Set(ids).size, NODES, 'every notification delivered');
    assert.equal(ids.length, NODES, 'none twice');
    assert.deepEqual(
      (await s.outboxCounts()).map((c) => [c.status, c.count]),
      [['sent', NODES]],
    );
  };
  beforeEach(async () => {
    dataDir = join(scratchDir('overlap'), 'db');
    sink = await startSmtpSink({ parse: true, dataDelayMs: 15 });
  });
  afterEach(async () => {
    await svc?.close();
    await sink.close();
  });

  it('a drain never sends a group the pass before is still sending, whatever the service clock says of its lease', async () => {
    svc = await open(false);
    await record(svc);
    assert.equal(await svc.dispatch(), NODES, 'every item claimed once');
    await assertEachSentOnce(svc);
  });

  it("the background loop, two drains and first attempts in one process never take each other's groups", async () => {
    const setup = await open(false);
    await record(setup);
    await setup.close();
    svc = await open(true);
    const node = randomNodeIdHex();
    await svc.overlay.upsertNode({ id: node, address: '127.0.0.1:1', email: 'first-attempt@example.com' });
    const [a, b, first] = await Promise.all([
      svc.dispatch(),
      svc.dispatch(),
      svc.informNodeEmail(node, {
        template: 'announcement',
        data: { title: 'Hello', paragraphs: ['x'], action: 'none' },
      }),
    ]);
    assert.ok(a + b <= NODES + 1, `the drains claimed ${a} + ${b}`);
    assert.equal(first.status, 'sent');
    await sink.waitFor(NODES + 1);
    await new Promise((r) => setTimeout(r, 200));
    const ids = sink.received.map((m) => m.parsed.messageId);
    assert.equal(ids.length, NODES + 1, 'none twice');
    assert.equal(new Set(ids).size, NODES + 1, 'every notification delivered');
  });
});
