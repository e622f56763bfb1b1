/**
 * Found while adding the outbox's status CHECK: on the embedded database, one failed statement
 * broke every statement after it. pg-pool ends a client whose query failed, and PGlite's adapter
 * gives every client its one session, so the next query failed with "Connection terminated
 * unexpectedly" and the ones after it read each other's answers (`SELECT 2` came back empty).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openTarget } from '../helpers/databases.js';

describe('a failed statement on the embedded database', () => {
  it('leaves the session sound: every later statement gets its own answer', async () => {
    const db = await openTarget('pglite');
    try {
      for (let round = 0; round < 3; round++) {
        await assert.rejects(db.pool.query('SELECT 1/0'), /division by zero/);
        assert.deepEqual((await db.pool.query('SELECT 1 AS a')).rows, [{ a: 1 }]);
        assert.deepEqual((await db.pool.query('SELECT $1::int AS b', [2])).rows, [{ b: 2 }]);
      }
      await assert.rejects(
        db.pool
          .query(`INSERT INTO satnotify_outbox (id, channel, group_key, kind, payload, title, summary, status, due_at, occurred_at, created_at)
          VALUES ('x', 'email', 'g', 'node-offline', '{}', 't', 's', 'sending', now(), now(), now())`),
        /satnotify_outbox_status_check/,
      );
      assert.deepEqual((await db.pool.query('SELECT count(*)::int AS n FROM satnotify_outbox')).rows, [{ n: 0 }]);
    } finally {
      await db.close();
    }
  });
});
