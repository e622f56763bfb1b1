import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { mailService, sampleEmail } from '../../helpers/mail.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { scratchDir } from '../../helpers/scratch.js';

describe('FileSender', () => {
  let sink: SmtpSink;
  before(async () => (sink = await startSmtpSink()));
  after(() => sink.close());

  it('writes .eml files that parse to the same content as the SMTP path', async () => {
    const dir = scratchDir('outbox');
    const files = mailService({ mail: { outboxDir: dir } });
    const smtp = mailService({ smtp: { url: sink.url } });
    const options = {
      messageId: 'same-id@sat.example',
      date: new Date('2024-05-01T10:00:00Z'),
      headers: { 'X-Satnotify-Kind': 'audit-failed' },
    };
    const e = sampleEmail('audit-failed');
    await files.sendRendered('op@example.com', e.template, e.data, options);
    await smtp.sendRendered('op@example.com', e.template, e.data, options);
    await sink.waitFor(1);
    await smtp.close();

    const written = readdirSync(dir);
    assert.equal(written.length, 1);
    assert.match(written[0] as string, /\.eml$/);
    const fromFile = await simpleParser(readFileSync(join(dir, written[0] as string)));
    const fromWire = (sink.received[0] as (typeof sink.received)[number]).parsed;
    for (const field of ['subject', 'messageId', 'text', 'html'] as const)
      assert.deepEqual(fromFile[field], fromWire[field], field);
    assert.deepEqual(fromFile.date, fromWire.date);
    assert.equal(fromFile.headers.get('x-satnotify-kind'), 'audit-failed');
  });
});
