/**
 * Issue 39 on the machine's PostgreSQL: a host list whose first host is down starts on the next;
 * a server that refuses the database is a DatabaseError that is not retryable, and one that cannot
 * be reached is retryable; neither quotes the password.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../../../src/database/connect.js';
import { resolveConfig } from '../../../src/config.js';
import { DatabaseError } from '../../../src/errors.js';
import { unusedPort } from '../../helpers/grpc.js';
import { postgresSkipReason } from '../../helpers/databases.js';

const open = (url: string): ReturnType<typeof openDatabase> =>
  openDatabase(resolveConfig({ database: { url, connectTimeout: '3s' } }).database);

describe('multi-host URLs on a real server', { skip: postgresSkipReason }, () => {
  it('a dead first host: the service starts on the next, read-write', async () => {
    const dead = await unusedPort();
    const db = await open(
      `postgres://postgres:s3cret@127.0.0.1:${dead},127.0.0.1:5432/test?target_session_attrs=read-write`,
    );
    try {
      const { rows } = await db.pool.query<{ port: number }>('SELECT inet_server_port() AS port');
      assert.equal(Number(rows[0]?.port), 5432);
    } finally {
      await db.close();
    }
  });

  it('a refused database is not retryable; no server at all is; neither names the password', async () => {
    const refused = await open('postgres://postgres:s3cret@127.0.0.1:5432/no_such_database_satnotify').catch(
      (e: unknown) => e,
    );
    assert.ok(refused instanceof DatabaseError, String(refused));
    assert.equal(refused.retryable, false, refused.message);
    assert.doesNotMatch(refused.message, /s3cret/);
    const dead = await unusedPort();
    const down = await open(`postgres://postgres:s3cret@127.0.0.1:${dead}/test`).catch((e: unknown) => e);
    assert.ok(down instanceof DatabaseError, String(down));
    assert.equal(down.retryable, true, down.message);
    assert.doesNotMatch(down.message, /s3cret/);
  });
});
