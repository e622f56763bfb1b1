/**
 * Issue 11, item 7: failures of configuration (an untrusted certificate, requireTLS against a
 * server without STARTTLS, refused credentials) are permanent, so a notification fails once with
 * the reason instead of retrying for hours; the transport is verified at startup.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeliveryError } from '../../../src/errors.js';
import { createNotificationService } from '../../../src/notification/create.js';
import { scratchDir } from '../../helpers/scratch.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = scratchDir('tls');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

describe('SMTP configuration failures are permanent and found at startup', () => {
  const tls = selfSigned();
  const sinks: Record<string, SmtpSink> = {};
  const urls: Record<string, string> = {};
  before(async () => {
    sinks['selfSigned'] = await startSmtpSink({ serverOptions: { secure: true, key: tls.key, cert: tls.cert } });
    urls['selfSigned'] = `smtps://127.0.0.1:${sinks['selfSigned'].port}`;
    sinks['noStarttls'] = await startSmtpSink();
    urls['noStarttls'] = sinks['noStarttls'].url;
    sinks['badLogin'] = await startSmtpSink({
      serverOptions: {
        disabledCommands: ['STARTTLS'],
        authOptional: false,
        allowInsecureAuth: true,
        onAuth: (_auth, _session, cb) =>
          cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 })),
      },
    });
    urls['badLogin'] = `smtp://user:Wr0ngPw@127.0.0.1:${sinks['badLogin'].port}`;
  });
  after(() => Promise.all(Object.values(sinks).map((s) => s.close())));

  const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
    ['a self-signed certificate with verification on', 'selfSigned', {}, /self-signed certificate/],
    ['requireTLS against a server without STARTTLS', 'noStarttls', { requireTLS: true }, /STARTTLS/],
    ['credentials the server refuses (535)', 'badLogin', {}, /535/],
  ];
  for (const [name, key, smtp, reason] of cases) {
    it(`${name}: one attempt, failed permanently with the reason, counters refunded`, async () => {
      const errors: string[] = [];
      const svc = await createNotificationService({
        database: { dataDir: 'memory://' },
        smtp: { url: urls[key], ...smtp },
        dispatcher: { autoStart: false },
        logger: {
          info: () => undefined,
          warn: () => undefined,
          error: (f, m) => errors.push(`${m} ${JSON.stringify(f)}`),
        },
      });
      try {
        const node = 'aa'.repeat(32);
        await svc.overlay.upsertNode({ id: node, address: 'node.example:28967', email: 'op@example.com' });
        const d = await svc.informNodeEmail(node, {
          template: 'announcement',
          data: { title: 'T', paragraphs: ['p'], action: 'a' },
        });
        assert.equal(d.status, 'failed', JSON.stringify(d));
        assert.match(d.reason ?? '', reason);
        assert.equal((await svc.status(node)).email.hrCounter, 0, 'refunded');
        assert.equal(errors.filter((e) => /failed verification/.test(e)).length, 1, 'the startup check logged once');
        assert.doesNotMatch(errors.join('\n'), /Wr0ngPw/);
      } finally {
        await svc.close();
      }
    });

    it(`${name}: verifyOnStart makes createNotificationService fail with a typed error`, async () => {
      await assert.rejects(
        createNotificationService({
          database: { dataDir: 'memory://' },
          smtp: { url: urls[key], verifyOnStart: true, ...smtp },
          dispatcher: { autoStart: false },
        }),
        (err: unknown) =>
          err instanceof DeliveryError && err.permanent && reason.test(err.message) && !/Wr0ngPw/.test(err.message),
      );
    });
  }
});
