/**
 * A dispatch pass whose batch read of operator preferences fails (a pool timeout) still delivers
 * what it claimed, reading each operator's preferences on its own; it never leaves claimed rows
 * leased for the whole lease. Real PgOutbox and status store on PGlite; the preference store is a
 * fake whose batch read fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelSet } from '../../src/channels/instances.js';
import type { Notification } from '../../src/channels/plugin.js';
import { resolveConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database/connect.js';
import { TemplateSet } from '../../src/mailservice/templates.js';
import { contentFor } from '../../src/notification/content/content.js';
import { Dispatcher } from '../../src/notification/dispatch/loop.js';
import { PgStatusStore } from '../../src/notification/limits/pg-store.js';
import { Metrics } from '../../src/notification/metrics.js';
import { PgOutbox } from '../../src/notification/outbox/pg-outbox.js';
import { NodeId } from '../../src/overlay/node-id.js';
import { OperatorPreferences } from '../../src/preferences/operator-preferences.js';
import type { PreferenceStore } from '../../src/preferences/store.js';
import { randomNodeIdHex } from '../helpers/databases.js';

describe('issue 15: a failed preferences read in a pass', () => {
  it('delivers what was claimed and leaves nothing leased', async () => {
    const config = resolveConfig({
      database: { dataDir: 'memory://' },
      hooks: { channels: { 'node-offline': ['log'] } },
    });
    const db = await openDatabase(config.database);
    try {
      const sent: Notification[] = [];
      const channels = new ChannelSet([
        {
          name: 'email',
          plugin: 'email',
          audience: 'operator',
          limits: config.limits.email,
          sender: { description: '', send: () => Promise.resolve(), close: () => Promise.resolve() },
        },
        {
          name: 'log',
          plugin: 'nodelog',
          audience: 'node',
          limits: config.limits.log,
          sender: {
            description: 'memory',
            send: (n) => Promise.resolve(void sent.push(n)),
            close: () => Promise.resolve(),
          },
        },
      ]);
      const store: PreferenceStore = {
        // The batch read (both operators) fails; a read of one operator works.
        getMany: (ops) =>
          ops.length > 1
            ? Promise.reject(new Error('timeout exceeded when trying to connect'))
            : Promise.resolve(new Map()),
        put: () => Promise.resolve(),
        erase: () => Promise.resolve(),
        erasedAt: () => Promise.resolve(null),
      };
      const outbox = new PgOutbox(db.pool, db.statements);
      const templates = TemplateSet.load();
      const content = contentFor(templates, config, (name) => channels.get(name).audience);
      const dispatcher = new Dispatcher({
        config,
        outbox,
        status: new PgStatusStore(db.pool, db.statements),
        channels,
        content,
        preferences: new OperatorPreferences(store, config, channels.names),
        metrics: new Metrics(),
        clock: () => new Date(),
      });
      const now = new Date();
      const nodes = [randomNodeIdHex(), randomNodeIdHex()].map((hex, i) => ({
        id: NodeId.parse(hex),
        address: `127.0.0.1:${1000 + i}`,
        email: `op${i}@example.com`,
      }));
      const items = nodes.flatMap((n) => content.event(n as never, 'node-offline', {}, now));
      await outbox.insert(items);

      await dispatcher.pass();
      assert.equal(sent.length, 2, 'both delivered, each group reading its operator on its own');
      const { rows } = await db.pool.query<{ open: string }>(
        `SELECT count(*) AS open FROM satnotify_outbox WHERE leased_until > now() OR status IN ('pending', 'held', 'retry')`,
      );
      assert.equal(rows[0]?.open, '0', 'nothing left leased or open');
    } finally {
      await db.close();
    }
  });
});
