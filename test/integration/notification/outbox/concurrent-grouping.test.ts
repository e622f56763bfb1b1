/**
 * Grouping under concurrent inserts, on a real PostgreSQL: two processes record news for one
 * operator at the same instant, each in its own transaction, so neither insert sees the other's
 * row and each sets its own grouping wait, milliseconds apart. The group still leaves as one:
 * the claim that takes it when its first row is due takes the row still waiting too. Rows that
 * wait for a hold or a retry are not taken early.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../../../src/config.js';
import { openDatabase, type Database } from '../../../../src/database/connect.js';
import type { NewItem } from '../../../../src/notification/outbox/outbox.js';
import { PgOutbox } from '../../../../src/notification/outbox/pg-outbox.js';
import { insertItems } from '../../../../src/notification/outbox/sql.js';
import { freshPostgresUrl, postgresSkipReason, sqlClient } from '../../../helpers/databases.js';

const WAIT_MS = 60_000;
const T0 = Date.parse('2026-03-01T10:00:00Z');

/** offline is one node-offline email for `operator`, recorded at `at` and waiting WAIT_MS for its group. */
function offline(operator: string, at: number, node: string): NewItem {
  const payload = {
    level: 'warn' as const,
    title: 'Your node is offline',
    text: '',
    node: { id: node, address: 'node.example.net:28967' },
    facts: {},
    actions: [],
    source: { kind: 'node-offline', data: {} },
  };
  return {
    id: randomUUID(),
    channel: 'email',
    groupKey: `email:addr:${operator}`,
    nodeId: node,
    operator,
    kind: 'node-offline',
    bypass: false,
    payload,
    title: payload.title,
    summary: payload.title,
    dueAt: new Date(at + WAIT_MS),
    occurredAt: new Date(at),
    createdAt: new Date(at),
    copyOf: null,
  };
}

describe('grouping when two inserts run at once', { skip: postgresSkipReason }, () => {
  let url: string;
  let db: Database;
  let outbox: PgOutbox;
  before(async () => {
    url = await freshPostgresUrl('satnotify_concurrent_grouping_test');
    db = await openDatabase(resolveConfig({ database: { url } }).database);
    outbox = new PgOutbox(db.pool, db.statements);
  });
  after(() => db.close());

  it('a row whose insert could not see its group leaves with the group, not as a second message', async () => {
    const operator = 'race@example.com';
    const first = offline(operator, T0, '01'.repeat(32));
    const second = offline(operator, T0 + 40, '02'.repeat(32));
    const a = sqlClient(url);
    const b = sqlClient(url);
    await a.connect();
    await b.connect();
    try {
      await a.query('BEGIN');
      await a.query(insertItems([first]));
      await b.query(insertItems([second])); // commits before the first, never having seen it
      await a.query('COMMIT');
    } finally {
      await a.end();
      await b.end();
    }
    const { rows } = await db.pool.query<{ id: string; due_at: Date }>(
      'SELECT id, due_at FROM satnotify_outbox WHERE operator = $1',
      [operator],
    );
    // The race is real: the two rows wait for different instants.
    assert.notEqual(rows[0]?.due_at.getTime(), rows[1]?.due_at.getTime());
    const claimed = await outbox.claim({
      now: new Date(T0 + WAIT_MS),
      leaseUntil: new Date(Date.now() + 60_000),
      groups: 10,
    });
    assert.deepEqual(claimed.map((i) => i.id).sort(), [first.id, second.id].sort());
  });

  it('a held or retried row of the group waits for its own time', async () => {
    const operator = 'held@example.com';
    const due = offline(operator, T0, '03'.repeat(32));
    const held = offline(operator, T0, '04'.repeat(32));
    const retried = offline(operator, T0, '05'.repeat(32));
    await outbox.insert([due, held, retried]);
    const later = new Date(T0 + 10 * WAIT_MS);
    await outbox.markHeld([held.id], later, 'quiet hours');
    await outbox.markRetry(retried.id, { dueAt: later, reason: 'try again', reservations: [], ambiguous: false });
    const claimed = await outbox.claim({
      now: new Date(T0 + WAIT_MS),
      leaseUntil: new Date(Date.now() + 60_000),
      groups: 10,
      groupKey: `email:addr:${operator}`,
    });
    assert.deepEqual(
      claimed.map((i) => i.id),
      [due.id],
    );
  });
});
