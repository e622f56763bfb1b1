import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createNotificationService } from '../../../src/notification/create.js';
import { runTs } from '../../helpers/child.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex } from '../../helpers/databases.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';

const CLI = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

describe('satnotify CLI', () => {
  it('send-test delivers the sample announcement through the configured SMTP server', async () => {
    const sink = await startSmtpSink();
    try {
      const out = await runTs(CLI, ['send-test', '--to', 'admin@example.com'], { ...process.env, SATNOTIFY_SMTP_URL: sink.url });
      assert.match(out, /^sent \S+ via smtp:\/\/127\.0\.0\.1/);
      await sink.waitFor(1);
      assert.match((sink.received[0] as (typeof sink.received)[number]).parsed.subject ?? '', /satnotify test message/);
    } finally {
      await sink.close();
    }
  });

  it('preview prints a template with its sample data', async () => {
    const out = await runTs(CLI, ['preview', 'audit-failed']);
    assert.match(out, /^Subject: \[us1\.storj\.io\] Audit failed/);
    assert.match(out, /Distance to it: +0\.002/);
  });

  it('status prints a node\'s counters', { skip: postgresSkipReason }, async () => {
    const url = await freshPostgresUrl('satnotify_cli_status');
    const svc = await createNotificationService({ database: { url }, dispatcher: { autoStart: false }, mail: { outboxDir: '.satnotify/cli-test-outbox' } });
    const id = randomNodeIdHex();
    await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: 'st@example.com' });
    await svc.informNodeEmail(id, { template: 'disqualified', data: { reason: 'x' } });
    await svc.close();
    const out = await runTs(CLI, ['status', id], { ...process.env, SATNOTIFY_DATABASE_URL: url });
    const s = JSON.parse(out) as { email: { hrCounter: number; dayCounter: number; lastSent: string | null }; log: { hrCounter: number } };
    assert.equal(s.email.hrCounter, 1);
    assert.equal(s.email.dayCounter, 1);
    assert.equal(s.log.hrCounter, 0);
  });

  it('exits 2 with usage on a bad command, 1 with the typed error on bad input', async () => {
    await assert.rejects(runTs(CLI, ['frobnicate']), /exited 2[\s\S]*unknown command/);
    await assert.rejects(runTs(CLI, ['preview', 'nope']), /exited 1[\s\S]*unknown template/);
  });
});
