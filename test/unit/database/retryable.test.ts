/**
 * A DatabaseError says whether the same call may be made again: after a lost or refused
 * connection, a timed-out wait or a conflict the server gave up on, yes; after a statement the
 * server refused for what it says, no.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseError, orDatabaseError } from '../../../src/errors.js';

const coded = (code: string, message = code): Error => Object.assign(new Error(message), { code });

describe('DatabaseError.retryable', () => {
  it('is true for a failover, a restart, a cut connection, a pool timeout and a conflict', async () => {
    const transient = [
      coded('57P01', 'terminating connection due to administrator command'),
      coded('57P02'),
      coded('57P03', 'the database system is starting up'),
      coded('08006'),
      coded('25006', 'cannot execute INSERT in a read-only transaction'),
      coded('40001', 'could not serialize access'),
      coded('40P01', 'deadlock detected'),
      coded('53300', 'too many connections'),
      coded('ECONNREFUSED'),
      coded('ECONNRESET'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
    ];
    for (const cause of transient) {
      const err = await orDatabaseError(Promise.reject(cause)).catch((e: unknown) => e);
      assert.ok(err instanceof DatabaseError && err.retryable, cause.message);
    }
  });

  it('is false for a statement the server refused for what it says', async () => {
    for (const cause of [coded('23505', 'duplicate key'), coded('42P01', 'relation does not exist'), new Error('x')]) {
      const err = await orDatabaseError(Promise.reject(cause)).catch((e: unknown) => e);
      assert.ok(err instanceof DatabaseError && !err.retryable, cause.message);
    }
    assert.equal(new DatabaseError('given', { retryable: true }).retryable, true);
  });
});
