import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeliveryError } from '../../../src/errors.js';
import type { MailService } from '../../../src/mailservice/service.js';
import { mailService, sampleEmail, TEMPLATES } from '../../helpers/mail.js';
import { EVENT_KINDS } from '../../../src/kinds.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, `expected DeliveryError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a DeliveryError');
}

describe('MailService over SMTP (real smtp-server on loopback)', () => {
  let sink: SmtpSink;
  let mail: MailService;
  before(async () => {
    sink = await startSmtpSink();
    mail = mailService({ smtp: { url: sink.url, maxConnections: 3 } });
  });
  after(async () => {
    await mail.close();
    await sink.close();
  });

  it('delivers every kind with subject, from/to, text and HTML, Message-ID, Date and headers', async () => {
    const date = new Date('2024-05-01T08:04:00Z');
    for (const [i, name] of EVENT_KINDS.entries()) {
      const before = sink.received.length;
      const e = sampleEmail(name);
      await mail.sendRendered(`op${i}@example.com`, e.template, e.data, {
        messageId: `n-${name}@sat.example`,
        date,
        headers: { 'X-Satnotify-Kind': name },
      });
      await sink.waitFor(before + 1);
      const got = (sink.received.at(-1) as (typeof sink.received)[number]).parsed;
      const expected = TEMPLATES.render(e.template, e.data);
      assert.equal(got.subject, expected.subject, name);
      assert.deepEqual(got.from?.value, [{ name: 'Test Satellite', address: 'noreply@sat.example' }]);
      assert.equal(Array.isArray(got.to) ? undefined : got.to?.text, `op${i}@example.com`);
      assert.equal(got.messageId, `<n-${name}@sat.example>`);
      assert.deepEqual(got.date, date);
      assert.equal(got.headers.get('x-satnotify-kind'), name);
      assert.equal(got.text?.trim(), expected.text.trim().replace(/\r\n/g, '\n'));
      assert.ok(
        typeof got.html === 'string' && got.html.includes('12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S'),
        `${name} html names the node`,
      );
    }
  });

  it('451 at RCPT is a transient DeliveryError, and the retry is delivered', async () => {
    sink.script.set('flaky@example.com', [451]);
    const err = await rejection(
      mail.sendRendered('flaky@example.com', sampleEmail('node-online').template, sampleEmail('node-online').data),
    );
    assert.equal(err.permanent, false);
    assert.equal(err.responseCode, 451);
    assert.equal(err.command, 'RCPT TO');
    const before = sink.received.length;
    await mail.sendRendered('flaky@example.com', sampleEmail('node-online').template, sampleEmail('node-online').data);
    await sink.waitFor(before + 1);
  });

  it('550 at RCPT is a permanent DeliveryError carrying the server reply', async () => {
    sink.script.set('gone@example.com', [550]);
    const err = await rejection(
      mail.sendRendered('gone@example.com', sampleEmail('node-online').template, sampleEmail('node-online').data),
    );
    assert.equal(err.permanent, true);
    assert.equal(err.responseCode, 550);
    assert.match(err.response ?? '', /scripted 550/);
    assert.equal(err.code, 'ERR_DELIVERY');
  });

  it('a refused connection is transient', async () => {
    const dead = mailService({ smtp: { url: 'smtp://127.0.0.1:1', pool: false, connectionTimeout: '2s' } });
    const err = await rejection(
      dead.sendRendered('a@example.com', sampleEmail('node-online').template, sampleEmail('node-online').data),
    );
    assert.equal(err.permanent, false);
    await dead.close();
  });

  it('100 messages reuse at most maxConnections connections', async () => {
    const pooledSink = await startSmtpSink({ parse: false });
    const pooled = mailService({ smtp: { url: pooledSink.url, maxConnections: 3, maxMessages: 1000 } });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        pooled.sendRendered(
          `p${i}@example.com`,
          sampleEmail('node-offline').template,
          sampleEmail('node-offline').data,
        ),
      ),
    );
    await pooledSink.waitFor(100);
    assert.equal(pooledSink.received.length, 100);
    assert.ok(pooledSink.connections <= 3, `used ${pooledSink.connections} connections`);
    await pooled.close();
    await pooledSink.close();
  });
});
