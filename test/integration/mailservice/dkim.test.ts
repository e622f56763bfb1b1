/**
 * Issue 33, item 2: emails are DKIM-signed with a key from the secrets file, List-Unsubscribe and
 * List-Unsubscribe-Post among the signed headers (RFC 8058 counts one-click only then). An
 * independent verifier, Debian's python3-dkim (dkimpy), checks a message the SMTP sink received,
 * the public key served by a test resolver; a tampered header fails it. The key appears nowhere.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect, promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../../src/config.js';
import { InvalidConfigError } from '../../../src/errors.js';
import { createNotificationService } from '../../../src/notification/create.js';
import { scratchDir } from '../../helpers/scratch.js';
import { webHarness, type WebHarness } from '../../helpers/web.js';

const run = promisify(execFile);
const HAS_DKIMPY = await run('/usr/bin/python3', ['-c', 'import dkim'])
  .then(() => undefined)
  .catch(() => 'python3-dkim is not installed (apt-get install python3-dkim); CI installs it');
const skip = process.env['CI'] === 'true' ? undefined : HAS_DKIMPY;

const VERIFY = String.raw`
import sys, json, dkim
record = sys.argv[1].encode()
def dns(name, timeout=5):
    return record if name == b's1._domainkey.sat.example.' else None
message = sys.stdin.buffer.read()
print(json.dumps({'ok': bool(dkim.verify(message, dnsfunc=dns))}))
`;

async function verify(raw: Buffer, record: string): Promise<boolean> {
  const child = run('/usr/bin/python3', ['-c', VERIFY, record]);
  child.child.stdin?.end(raw);
  return (JSON.parse((await child).stdout) as { ok: boolean }).ok;
}

describe('DKIM', { skip }, () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const record = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  const dir = scratchDir('dkim');
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ dkim: pem }));
  chmodSync(secretsFile, 0o600);
  let w: WebHarness;
  const logs: string[] = [];
  before(async () => {
    w = await webHarness({
      secretsFile,
      smtp: { dkim: { domainName: 'sat.example', keySelector: 's1', privateKey: { secret: 'dkim' } } },
      logger: {
        info: (o, m) => logs.push(JSON.stringify([o, m])),
        warn: (o, m) => logs.push(JSON.stringify([o, m])),
        error: (o, m) => logs.push(JSON.stringify([o, m])),
      },
    });
  });
  after(() => w?.close());

  it('signs every email, List-Unsubscribe and List-Unsubscribe-Post included; dkimpy verifies it; a tampered header fails', async () => {
    const node = await w.h.addNode({ email: 'signed@example.com' });
    const d = await w.h.svc.informNodeEmail(node, {
      template: 'audit-failed',
      data: { score: '0.962', threshold: '0.960', distance: '0.002' },
    });
    assert.equal(d.status, 'sent');
    const raw = w.h.sink.received.at(-1)?.raw as Buffer;
    const header = /^DKIM-Signature:([\s\S]*?)\r\n(?=\S)/im.exec(raw.toString())?.[1]?.replace(/\s+/g, '') ?? '';
    assert.match(header, /d=sat\.example;/);
    assert.match(header, /s=s1;/);
    const signed = (/;h=([^;]+)/.exec(header)?.[1] ?? '').toLowerCase().split(':');
    for (const h of ['from', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post'])
      assert.ok(signed.includes(h), `${h} is signed`);
    assert.equal(await verify(raw, record), true, 'dkimpy verifies the signature');
    // One character of the unsubscribe link in the List-Unsubscribe header (headers come first).
    const text = raw.toString();
    const at = text.indexOf('/unsubscribe/') + '/unsubscribe/'.length;
    const tampered = Buffer.from(`${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`);
    assert.notDeepEqual(tampered, raw);
    assert.equal(await verify(tampered, record), false, 'a changed List-Unsubscribe fails');
  });

  it('the key appears in no printout, log or error', async () => {
    const body = pem.split('\n')[1] ?? '';
    assert.ok(body.length > 40);
    for (const printed of [inspect(w.h.svc.config, { depth: null }), JSON.stringify(w.h.svc.config), logs.join('\n')])
      assert.ok(!printed.includes(body));
    await assert.rejects(
      createNotificationService({
        database: { dataDir: 'memory://' },
        secretsFile,
        smtp: { dkim: { domainName: 'sat.example', keySelector: 's1', privateKey: { secret: 'nope' } } },
      }),
      (err: InvalidConfigError) =>
        err instanceof InvalidConfigError &&
        err.issues[0]?.path === 'smtp.dkim.privateKey' &&
        !err.message.includes(body),
    );
    assert.throws(
      () =>
        resolveConfig({ smtp: { dkim: { domainName: 'sat', keySelector: 's 1', privateKey: `${pem.slice(10)}` } } }),
      (err: InvalidConfigError) =>
        err instanceof InvalidConfigError &&
        ['smtp.dkim.domainName', 'smtp.dkim.keySelector', 'smtp.dkim.privateKey'].every((p) =>
          err.issues.some((i) => i.path === p),
        ) &&
        !err.message.includes(body),
    );
  });
});
