/**
 * A drain's next claim runs while the last groups of the pass before are still being sent. Leases
 * are set on the wall clock, so with a service clock years ahead every lease already looks over to
 * a claim: only leaving the groups in flight out keeps them from going twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { createNotificationService } from '../../../../src/notification/create.js';
import type { NotificationService } from '../../../../src/notification/service.js';
import { randomNodeIdHex } from '../../../helpers/databases.js';
import { scratchDir } from '../../../helpers/scratch.js';
import { startSmtpSink, type SmtpSink } from '../../../helpers/smtp-sink.js';

const NODES = 30;

describe('overlapping passes', () => {
  let sink: SmtpSink;
  let svc: NotificationService;
  before(async () => {
    sink = await startSmtpSink({ parse: true, dataDelayMs: 15 });
    svc = await createNotificationService({
      clock: () => new Date('2099-01-01T10:00:00Z'),
      database: { dataDir: join(scratchDir('overlap'), 'db') },
      smtp: { url: sink.url, maxConnections: 2 },
      grouping: { wait: '0s' },
      hooks: { channels: { 'node-offline': ['email'] }, offlineAfter: '0s' },
      dispatcher: { autoStart: false, batchSize: 4, concurrency: 2 },
    });
  });
  after(async () => {
    await svc.close();
    await sink.close();
  });

  it('never send a group the pass before is still sending, whatever the service clock says of its lease', async () => {
    for (let i = 0; i < NODES; i++) {
      const id = randomNodeIdHex();
      await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: `overlap${i}@example.com` });
      await svc.onUptimeCheck(id, { ok: false });
    }
    assert.equal(await svc.dispatch(), NODES, 'every item claimed once');
    await sink.waitFor(NODES);
    const ids = sink.received.map((m) => m.parsed.messageId);
    assert.equal(new Set(ids).size, NODES, 'every notification delivered');
    assert.equal(ids.length, NODES, 'none twice');
    const counts = await svc.outboxCounts();
    assert.deepEqual(
      counts.map((c) => [c.status, c.count]),
      [['sent', NODES]],
    );
  });
});
