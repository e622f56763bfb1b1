/**
 * createNotificationService takes ready-made seams (as nodemailer's createTransport takes an object
 * with `send`): given an overlay, a status store, an outbox with its node-state store and a
 * preference store, it opens no database, and hooks record into them and deliver through them.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { registerChannelPlugin } from '../../../src/channels/registry.js';
import { InvalidConfigError } from '../../../src/errors.js';
import { MemoryStatusStore } from '../../../src/notification/limits/memory-store.js';
import { createNotificationService } from '../../../src/notification/create.js';
import { z } from 'zod';
import { RecordingSender } from '../../fakes/channels.js';
import { MemoryNodeState } from '../../fakes/memory-node-state.js';
import { MemoryOutbox } from '../../fakes/memory-outbox.js';
import { MemoryOverlay } from '../../fakes/memory-overlay.js';
import { MemoryPreferenceStore } from '../../fakes/memory-preferences.js';
import { TestClock } from '../../helpers/clock.js';
import { randomNodeIdHex } from '../../helpers/databases.js';
import { scratchDir } from '../../helpers/scratch.js';

const recorder = new RecordingSender();
registerChannelPlugin({ name: 'unit-recorder', params: z.strictObject({}), create: () => recorder });

describe('a service on ready-made seams', () => {
  it('opens no database, and a hook records into the given outbox and delivers through the channel', async () => {
    const dir = scratchDir('seams');
    const outbox = new MemoryOutbox();
    const nodeState = new MemoryNodeState(outbox);
    const statusStore = new MemoryStatusStore();
    const clock = new TestClock('2024-05-01T10:00:00Z');
    const svc = await createNotificationService({
      overlay: new MemoryOverlay(),
      statusStore,
      outbox,
      nodeState,
      preferenceStore: new MemoryPreferenceStore(),
      clock: clock.now,
      database: { dataDir: join(dir, 'db') },
      mail: { outboxDir: join(dir, 'mail') },
      channels: { rec: { plugin: 'unit-recorder' } },
      hooks: { offlineAfter: '0s', channels: { 'node-offline': ['rec'], 'node-online': ['rec'] } },
      dispatcher: { autoStart: false },
    });
    try {
      const id = randomNodeIdHex();
      await svc.overlay.upsertNode({ id, address: 'node.example.com:28967', email: 'op@example.com' });
      const r = await svc.onUptimeCheck(id, { ok: false });
      assert.equal(r.notified, true);
      assert.equal(nodeState.state(id).offlineSince?.toISOString(), '2024-05-01T10:00:00.000Z');
      assert.deepEqual(
        outbox.rows.map((i) => [i.channel, i.kind, i.status]),
        [['rec', 'node-offline', 'pending']],
      );
      await svc.dispatch();
      assert.deepEqual(
        recorder.sent.map((n) => n.kind),
        ['node-offline'],
      );
      assert.equal((await svc.status(id))['rec']?.hrCounter, 1);
      assert.equal(existsSync(join(dir, 'db')), false, 'no embedded database was made');
    } finally {
      await svc.close();
    }
  });

  it('refuses an outbox without its node-state store, and a seam without its methods, before anything opens', async () => {
    await assert.rejects(
      createNotificationService({ outbox: new MemoryOutbox() }),
      (err: InvalidConfigError) => err instanceof InvalidConfigError && err.issues[0]?.path === 'nodeState',
    );
    await assert.rejects(
      createNotificationService({ statusStore: {} as MemoryStatusStore }),
      /statusStore: must be an object with reserve, refund, get, rename methods/,
    );
  });
});
