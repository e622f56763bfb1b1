import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SatnotifyError } from '../../../src/errors.js';
import {
  DatabaseError,
  InvalidConfigError,
  InvalidInputError,
  InvalidNodeIdError,
  TemplateError,
  UnknownNodeError,
} from '../../../src/errors.js';
import { createNotificationService } from '../../../src/notification/create.js';
import { TestClock } from '../../helpers/clock.js';
import { randomNodeIdHex } from '../../helpers/databases.js';
import { harness, type Harness } from '../../helpers/service.js';
import { scratchDir } from '../../helpers/scratch.js';

type ErrorClass = abstract new (...args: never[]) => SatnotifyError;

describe('bad input: a typed error with a clear message; nothing counted, sent or written', () => {
  const clock = new TestClock('2024-10-01T10:00:00Z');
  let h: Harness;
  let node: string;
  let noEmail: string;
  let badEmail: string;
  before(async () => {
    h = await harness({ clock: clock.now });
    node = await h.addNode({ email: 'ok@example.com' });
    noEmail = randomNodeIdHex();
    await h.svc.overlay.upsertNode({ id: noEmail, address: h.nodeLogAddress });
    badEmail = randomNodeIdHex();
    await h.svc.overlay.upsertNode({ id: badEmail, address: h.nodeLogAddress, email: 'x@example.com' });
  });
  after(() => h.close());

  const dir = scratchDir('bad');
  const notJson = join(dir, 'config.json');
  writeFileSync(notJson, '{ "limits": ');

  const rows: Array<[string, () => Promise<unknown>, ErrorClass, RegExp]> = [
    [
      'unknown node',
      () => h.svc.informNodeEmail(randomNodeIdHex(), { template: 'node-offline', data: { lastContact: 'x' } }),
      UnknownNodeError,
      /unknown node/,
    ],
    [
      'malformed node id',
      () => h.svc.informNodeEmail('12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3T', { template: 'node-offline' }),
      InvalidNodeIdError,
      /checksum/,
    ],
    [
      'node without email',
      () => h.svc.informNodeEmail(noEmail, { template: 'node-offline', data: { lastContact: 'x' } }),
      InvalidInputError,
      /has no operator email/,
    ],
    [
      'node with an invalid email',
      () => h.svc.overlay.upsertNode({ id: badEmail, address: 'h:1', email: 'not an address' }),
      InvalidInputError,
      /node\.email: is not an email address/,
    ],
    [
      'CR/LF in a subject value',
      () =>
        h.svc.informNodeEmail(node, {
          template: 'announcement',
          data: { title: 'Hi\r\nBcc: all@example.com', paragraphs: ['p'], action: 'x' },
        }),
      InvalidInputError,
      /data\.title: contains a line break/,
    ],
    [
      'CR/LF in a node address',
      () =>
        h.svc.overlay.upsertNode({ id: randomNodeIdHex(), address: 'evil:1\r\nX-Injected: 1', email: 'a@example.com' }),
      InvalidInputError,
      /node\.address/,
    ],
    [
      'markup in a node address',
      () =>
        h.svc.overlay.upsertNode({
          id: randomNodeIdHex(),
          address: 'x<script>alert(1)</script>:1',
          email: 'a@example.com',
        }),
      InvalidInputError,
      /node\.address: has a host that is neither/,
    ],
    [
      'CR/LF in the satellite name',
      () => createNotificationService({ satellite: { name: 'Sat\r\nBcc: x@y.z' }, database: { dataDir: 'memory://' } }),
      InvalidConfigError,
      /satellite\.name/,
    ],
    [
      'CR/LF in From',
      () => createNotificationService({ smtp: { from: 'a@b.c\nBcc: x@y.z' } }),
      InvalidConfigError,
      /smtp\.from/,
    ],
    ['unknown template', () => h.svc.informNodeEmail(node, { template: 'nope' }), TemplateError, /unknown template/],
    [
      'missing template fields, all named',
      () => h.svc.informNodeEmail(node, { template: 'audit-failed', data: { score: '1' } }),
      InvalidInputError,
      /data\.threshold: is required; data\.distance: is required/,
    ],
    [
      'negative limit',
      () => createNotificationService({ limits: { email: { maxHr: -1 } } }),
      InvalidConfigError,
      /limits\.email\.maxHr/,
    ],
    [
      'non-integer limit',
      () => createNotificationService({ limits: { email: { maxDay: 1.5 } } }),
      InvalidConfigError,
      /limits\.email\.maxDay/,
    ],
    [
      'maxHr > maxDay',
      () => createNotificationService({ limits: { log: { maxHr: 9, maxDay: 3 } } }),
      InvalidConfigError,
      /maxHr: must be ≤ maxDay/,
    ],
    [
      'bad zone',
      () => createNotificationService({ limits: { timezone: 'Europe/Atlantis' } }),
      InvalidConfigError,
      /limits\.timezone/,
    ],
    [
      'bad duration',
      () => createNotificationService({ limits: { email: { minDelay: 'soon' } } }),
      InvalidConfigError,
      /limits\.email\.minDelay/,
    ],
    [
      'config file that is not JSON',
      () => createNotificationService({ configFile: notJson }),
      InvalidConfigError,
      /not JSON/,
    ],
    [
      'database that cannot connect',
      () =>
        createNotificationService({
          database: { url: 'postgres://sat:s3cret-pw@127.0.0.1:1/x', connectTimeout: '2s' },
        }),
      DatabaseError,
      /127\.0\.0\.1:1/,
    ],
    [
      'over-long log message',
      () => h.svc.informNodeLog(node, { type: 'CUSTOM', level: 'info', text: 'x'.repeat(20_000) }),
      InvalidInputError,
      /at most 16384/,
    ],
    [
      'unknown log type',
      () => h.svc.informNodeLog(node, { type: 'NOPE' as 'CUSTOM', level: 'info', text: 'x' }),
      InvalidInputError,
      /type/,
    ],
    [
      'invalid UTF-8 in a node field',
      () => h.svc.informNodeEmail(node, { template: 'node-offline', data: { lastContact: 'bad \uDC00' } }),
      InvalidInputError,
      /UTF-8/,
    ],
    [
      'invalid UTF-8 in a stored node field',
      () => h.svc.overlay.upsertNode({ id: randomNodeIdHex(), address: 'h:1', wallet: 'w\uD800' }),
      InvalidInputError,
      /UTF-8/,
    ],
    [
      'hook on an unknown node',
      () => h.svc.onUptimeCheck(randomNodeIdHex(), { ok: false }),
      UnknownNodeError,
      /unknown node/,
    ],
    [
      'hook with a malformed node id',
      () => h.svc.onContainment('not-a-node-id', { contained: true }),
      InvalidNodeIdError,
      /not-a-node-id/,
    ],
    [
      'bad audit score',
      () => h.svc.onAuditResult(node, { passed: false, score: Number.NaN, dqThreshold: 0.96 }),
      InvalidInputError,
      /score/,
    ],
    [
      'bad version',
      () => h.svc.onVersionCheck(node, { version: 'latest', minimum: '1.68.0' }),
      InvalidInputError,
      /version/,
    ],
  ];

  for (const [name, act, type, message] of rows) {
    it(name, async () => {
      const before = {
        outbox: await h.svc.outboxCounts(),
        status: await h.svc.status(node),
        sent: h.sink.received.length,
        logged: h.logLines.length,
      };
      await assert.rejects(act(), (err: unknown) => {
        assert.ok(err instanceof type, `${name}: expected ${type.name}, got ${String(err)}`);
        assert.match((err as Error).message, message);
        assert.doesNotMatch((err as Error).message, /s3cret-pw/);
        return true;
      });
      assert.deepEqual(await h.svc.outboxCounts(), before.outbox, 'nothing written');
      assert.deepEqual(await h.svc.status(node), before.status, 'nothing counted');
      assert.equal(h.sink.received.length, before.sent, 'nothing sent');
      assert.equal(h.logLines.length, before.logged, 'nothing logged on the node');
    });
  }

  it('a hook refused for an unknown node leaves no state behind: once the node is known, the same hook is news', async () => {
    const id = randomNodeIdHex();
    await assert.rejects(h.svc.onUptimeCheck(id, { ok: false }), UnknownNodeError);
    await h.svc.overlay.upsertNode({ id, address: h.nodeLogAddress, email: 'late@example.com' });
    const r = await h.svc.onUptimeCheck(id, { ok: false });
    assert.equal(r.notified, true, 'the refused call must not have recorded the node as offline');
  });

  it('<script>, handlebars syntax and SQL in node-supplied fields are escaped and inert', async () => {
    const id = randomNodeIdHex();
    await h.svc.overlay.upsertNode({
      id,
      address: 'inert.example:1',
      email: 'inert@example.com',
      wallet: "'); DROP TABLE nodes; --",
    });
    const d = await h.svc.informNodeEmail(id, {
      template: 'node-offline',
      data: { lastContact: '<script>alert(1)</script>{{satellite.name}} <b>bold</b>' },
    });
    assert.equal(d.status, 'sent');
    await h.sink.waitFor(1);
    const mail = (h.sink.received.at(-1) as (typeof h.sink.received)[number]).parsed;
    assert.ok(typeof mail.html === 'string');
    assert.ok(!mail.html.includes('<script>') && mail.html.includes('&lt;script&gt;'));
    assert.ok(mail.html.includes('{{satellite.name}} &lt;b&gt;bold&lt;/b&gt;'));
    assert.equal((await h.svc.overlay.get(id)).wallet, "'); DROP TABLE nodes; --");
  });
});
