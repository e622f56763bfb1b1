import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonLinesLogger } from '../../../src/logger.js';
import { createNotificationService } from '../../../src/notification/create.js';
import { TestClock } from '../../helpers/clock.js';
import { PG_URL, postgresSkipReason, randomNodeIdHex } from '../../helpers/databases.js';
import { unusedPort } from '../../helpers/grpc.js';

const SMTP_SECRET = 'hunter2-smtp-secret';
const DB_SECRET = 'pg-secret-pw';

describe('secrets stay out of logs, errors and metrics', { skip: postgresSkipReason }, () => {
  it('SMTP and database passwords never appear', async () => {
    const lines: string[] = [];
    const clock = new TestClock('2024-10-02T10:00:00Z');
    const db = new URL(PG_URL);
    db.username = 'postgres';
    db.password = DB_SECRET; // trust auth ignores it; it must still never be printed
    const svc = await createNotificationService({
      clock: clock.now,
      logger: jsonLinesLogger((l) => lines.push(l)),
      database: { url: db.toString() },
      smtp: { url: `smtp://mailer:${SMTP_SECRET}@127.0.0.1:${await unusedPort()}`, connectionTimeout: '1s' },
      dispatcher: { autoStart: false, retryBase: '1s', maxAttempts: 2 },
    });
    const id = randomNodeIdHex();
    await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: 'sec@example.com' });
    const first = await svc.informNodeEmail(id, { template: 'disqualified', data: { reason: 'x' } });
    clock.advance(5_000);
    await svc.dispatch();
    const after = await svc.informNodeLog(id, { type: 'CUSTOM', level: 'info', text: 'x' });
    const metrics = await svc.metrics.registry.metrics();
    await svc.close();

    const errors = await (async () => {
      try {
        await createNotificationService({
          database: { url: `postgres://sat:${DB_SECRET}@127.0.0.1:1/x`, connectTimeout: '1s' },
        });
        return '';
      } catch (err) {
        return `${(err as Error).message} ${(err as Error).stack ?? ''}`;
      }
    })();
    const everything = [lines.join(''), JSON.stringify(first), JSON.stringify(after), metrics, errors].join('\n');
    assert.ok(lines.length > 0 && errors.length > 0, 'there was something to leak');
    assert.match(everything, /\*\*\*/, 'passwords are shown masked');
    assert.doesNotMatch(everything, new RegExp(SMTP_SECRET));
    assert.doesNotMatch(everything, new RegExp(DB_SECRET));
  });
});
