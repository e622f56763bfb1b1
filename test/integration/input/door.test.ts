/**
 * Every input checked at the door (issue 12): each case is a call a satellite could make by
 * mistake, fed to the public method on real parts (PGlite, the SMTP sink, a node-log server). Each
 * must fail with a typed error naming the field, leave the outbox, the counters and the nodes
 * table as they were, send nothing, and carry no password in its message, cause, inspect or JSON.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import type { SatnotifyError } from '../../../src/errors.js';
import { InvalidConfigError, InvalidInputError, InvalidNodeIdError } from '../../../src/errors.js';
import { createNotificationService } from '../../../src/notification/create.js';
import type { NotificationService } from '../../../src/notification/service.js';
import { TestClock } from '../../helpers/clock.js';
import { randomNodeIdHex } from '../../helpers/databases.js';
import { harness, type Harness } from '../../helpers/service.js';

type ErrorClass = abstract new (...args: never[]) => SatnotifyError;
const SECRET = 'S3cretPw';
const announcement = { title: 'T', paragraphs: ['p'], action: 'a' };

/** Loose is how a caller without types (JavaScript, JSON from elsewhere) reaches the API. */
function loose(svc: NotificationService): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return svc as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
}

async function nodeCount(svc: NotificationService): Promise<number> {
  let n = 0;
  for await (const page of svc.overlay.select({ all: true })) n += page.length;
  return n;
}

describe('inputs at the door: typed errors naming the field; nothing written, counted or sent; no secret anywhere', () => {
  const clock = new TestClock('2024-10-01T10:00:00Z');
  let h: Harness;
  let node: string;
  before(async () => {
    h = await harness({ clock: clock.now });
    node = await h.addNode({ email: 'ok@example.com' });
  });
  after(() => h.close());

  const deep: unknown[] = [];
  let cursor = deep;
  for (let i = 0; i < 20_000; i++) cursor.push((cursor = []));
  const circular: Record<string, unknown> = { title: 'T', action: 'a' };
  circular['paragraphs'] = [circular];
  const up = (over: Record<string, unknown>) => (s: NotificationService) =>
    s.overlay.upsertNode({ id: randomNodeIdHex(), address: 'node.example:28967', email: 'x@example.com', ...over });
  const email = (message: unknown) => (s: NotificationService) => loose(s)['informNodeEmail']!(node, message);
  const log = (message: unknown) => (s: NotificationService) => loose(s)['informNodeLog']!(node, message);
  const hook = (name: string, signal: unknown) => (s: NotificationService) => loose(s)[name]!(node, signal);
  const broadcast =
    (filter: unknown, message: unknown = { template: 'announcement', data: announcement }) =>
    (s: NotificationService) =>
      loose(s)['broadcast']!(filter, message);

  const cases: Array<[string, (s: NotificationService) => Promise<unknown>, ErrorClass, RegExp]> = [
    ['log text missing', log({ type: 'CUSTOM', level: 'info' }), InvalidInputError, /message\.text: is required/],
    [
      'log text a number',
      log({ type: 'CUSTOM', level: 'info', text: 5 }),
      InvalidInputError,
      /message\.text: .*expected string/,
    ],
    [
      'log title a number',
      log({ type: 'CUSTOM', level: 'info', title: 7, text: 'x' }),
      InvalidInputError,
      /message\.title/,
    ],
    [
      'NUL in log text',
      log({ type: 'CUSTOM', level: 'info', text: 'a\u0000b' }),
      InvalidInputError,
      /message\.text: contains a control character/,
    ],
    [
      'log text over 16,384 code points (emoji count once)',
      log({ type: 'CUSTOM', level: 'info', text: '😀'.repeat(16_385) }),
      InvalidInputError,
      /message\.text: is 16385 characters long/,
    ],
    [
      'unknown field in a log message',
      log({ type: 'CUSTOM', level: 'info', text: 'x', colour: 'red' }),
      InvalidInputError,
      /message: unknown field "colour"/,
    ],
    ['no email message at all', email(undefined), InvalidInputError, /message: .*expected object/],
    [
      'the internal digest template',
      email({ template: 'digest', data: {} }),
      InvalidInputError,
      /message\.template: is built by satnotify/,
    ],
    [
      'BigInt in template data',
      email({ template: 'audit-failed', data: { score: 1n, threshold: '0.96', distance: '0' } }),
      InvalidInputError,
      /data\.score/,
    ],
    [
      'an object where a number goes',
      email({ template: 'audit-failed', data: { score: { x: 1 }, threshold: '0.96', distance: '0' } }),
      InvalidInputError,
      /data\.score/,
    ],
    [
      'circular template data',
      email({ template: 'announcement', data: circular }),
      InvalidInputError,
      /data\.paragraphs\.0/,
    ],
    [
      '20,000-deep template data',
      email({ template: 'announcement', data: { ...announcement, paragraphs: deep } }),
      InvalidInputError,
      /data\.paragraphs\.0/,
    ],
    [
      'NUL in a template-data key',
      email({ template: 'announcement', data: { ...announcement, 'a\u0000': 'x' } }),
      InvalidInputError,
      /data: unknown field "a\\u0000"/,
    ],
    [
      'a lone surrogate in a template-data key',
      email({ template: 'announcement', data: { ...announcement, '\uD800': 'x' } }),
      InvalidInputError,
      /data: unknown field/,
    ],
    [
      '20 MB of unused template data',
      email({ template: 'announcement', data: { ...announcement, blob: 'x'.repeat(20_000_000) } }),
      InvalidInputError,
      /data: unknown field "blob"/,
    ],
    [
      'caller data setting the satellite',
      email({ template: 'announcement', data: { ...announcement, satellite: { name: 'Evil Sat' } } }),
      InvalidInputError,
      /data\.satellite: is filled by satnotify/,
    ],
    [
      'caller data setting the node and recipient',
      email({ template: 'announcement', data: { ...announcement, node: {}, recipient: 'x@evil.example' } }),
      InvalidInputError,
      /data\.recipient: is filled by satnotify.*; data\.node: is filled by satnotify/,
    ],
    [
      'every missing field at once',
      email({ template: 'announcement', data: {} }),
      InvalidInputError,
      /data\.title: is required; data\.paragraphs: is required; data\.action: is required/,
    ],
    [
      'node without an address',
      (s) => s.overlay.upsertNode({ id: randomNodeIdHex() } as never),
      InvalidInputError,
      /node\.address: is required/,
    ],
    [
      'lastContactSuccess: garbage',
      up({ lastContactSuccess: 'garbage' }),
      InvalidInputError,
      /node\.lastContactSuccess/,
    ],
    ['auditScore: abc', up({ auditScore: 'abc' }), InvalidInputError, /node\.auditScore/],
    [
      'U+202E in the address host',
      up({ address: 'evil\u202Emoc.example:1' }),
      InvalidInputError,
      /node\.address: contains a bidirectional/,
    ],
    [
      'U+202E in the email local part',
      up({ email: 'op\u202E@example.com' }),
      InvalidInputError,
      /node\.email: contains a bidirectional/,
    ],
    [
      'U+202E in the email domain',
      up({ email: 'op@exa\u202Emple.com' }),
      InvalidInputError,
      /node\.email: contains a bidirectional/,
    ],
    ['NUL in the email', up({ email: 'op\u0000@example.com' }), InvalidInputError, /node\.email/],
    ['port 99999', up({ address: 'node.example:99999' }), InvalidInputError, /node\.address: has a port outside/],
    ['port 0', up({ address: 'node.example:0' }), InvalidInputError, /node\.address: has a port outside/],
    [
      'a 10,000-character host',
      up({ address: `${'a'.repeat(10_000)}:1` }),
      InvalidInputError,
      /node\.address: is 10002 characters long/,
    ],
    ['version v1.2.3', up({ version: 'v1.2.3' }), InvalidInputError, /node\.version/],
    ['a quoted local part', up({ email: '"a@b"@c.com' }), InvalidInputError, /node\.email: has a quoted local part/],
    ['unknown field in a node', up({ emial: 'x@example.com' }), InvalidInputError, /node: unknown field "emial"/],
    ['no uptime signal', hook('onUptimeCheck', undefined), InvalidInputError, /signal: .*expected object/],
    ["{ ok: 'false' }", hook('onUptimeCheck', { ok: 'false' }), InvalidInputError, /signal\.ok: .*expected boolean/],
    [
      "{ contained: 'no' }",
      hook('onContainment', { contained: 'no' }),
      InvalidInputError,
      /signal\.contained: .*expected boolean/,
    ],
    [
      'an audit score as a string',
      hook('onAuditResult', { passed: false, score: '0.9', dqThreshold: 0.96 }),
      InvalidInputError,
      /signal\.score/,
    ],
    [
      'an audit score above 1',
      hook('onAuditResult', { passed: false, score: 1.5, dqThreshold: 0.96 }),
      InvalidInputError,
      /signal\.score: must be from 0 to 1/,
    ],
    [
      'a version with a v',
      hook('onVersionCheck', { version: 'v1.60.0', minimum: '1.68.0' }),
      InvalidInputError,
      /signal\.version/,
    ],
    [
      'a reason with a line break',
      hook('onDisqualified', { reason: 'a\nBcc: x@example.com' }),
      InvalidInputError,
      /signal\.reason: contains a line break/,
    ],
    [
      'a node id that is a number',
      (s) => loose(s)['onUptimeCheck']!(42, { ok: false }),
      InvalidNodeIdError,
      /\(number\)/,
    ],
    ['broadcast(null)', broadcast(null), InvalidInputError, /filter: .*expected object/],
    [
      'a typo in a broadcast filter',
      broadcast({ versionbelow: '1.0.0' }),
      InvalidInputError,
      /filter: unknown field "versionbelow"/,
    ],
    ['an empty broadcast filter', broadcast({}), InvalidInputError, /filter: selects nothing; pass \{ all: true \}/],
    ["{ disqualified: 'no' }", broadcast({ disqualified: 'no' }), InvalidInputError, /filter\.disqualified/],
    [
      'a broadcast with bad data',
      broadcast({ all: true }, { template: 'announcement', data: { title: 'x' } }),
      InvalidInputError,
      /data\.paragraphs: is required/,
    ],
  ];

  for (const [name, act, type, message] of cases) {
    it(name, async () => {
      const before = {
        outbox: await h.svc.outboxCounts(),
        status: await h.svc.status(node),
        nodes: await nodeCount(h.svc),
        sent: h.sink.received.length,
        logged: h.logLines.length,
      };
      await assert.rejects(act(h.svc), (err: unknown) => {
        assert.ok(err instanceof type, `expected ${type.name}, got ${inspect(err)}`);
        assert.match((err as Error).message, message);
        return true;
      });
      assert.deepEqual(await h.svc.outboxCounts(), before.outbox, 'outbox unchanged');
      assert.deepEqual(await h.svc.status(node), before.status, 'counters unchanged');
      assert.equal(await nodeCount(h.svc), before.nodes, 'nodes table unchanged');
      assert.equal(h.sink.received.length, before.sent, 'nothing sent');
      assert.equal(h.logLines.length, before.logged, 'nothing logged on the node');
    });
  }

  it('the per-field issues are listed on the error, and the message quotes no value', async () => {
    const err = await loose(h.svc)['informNodeEmail']!(node, {
      template: 'announcement',
      data: { title: `pw ${SECRET}\n`, paragraphs: 'nope' },
    }).then(
      () => assert.fail('accepted'),
      (e: unknown) => e as InvalidInputError,
    );
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ['data.title', 'data.paragraphs', 'data.action'],
    );
    assert.equal(err.field, 'data.title');
    assert.doesNotMatch(err.message, new RegExp(SECRET));
  });
});

describe('inputs at the door: configuration and secrets', () => {
  const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
    [
      'database given as a URL string',
      () => createNotificationService({ database: `postgres://u:${SECRET}@127.0.0.1/db` } as never),
      /database: /,
    ],
    [
      'smtp given as a URL string',
      () => createNotificationService({ smtp: `smtps://u:${SECRET}@mail.example` } as never),
      /smtp: /,
    ],
    [
      'an SMTP URL that does not parse',
      () => createNotificationService({ smtp: { url: `smtp://u:${SECRET}@[bad` } }),
      /smtp\.url: must be a URL/,
    ],
    [
      'SATNOTIFY_DATABASE as a string',
      () => createNotificationService({ env: { SATNOTIFY_DATABASE: `postgres://u:${SECRET}@h/db` } }),
      /database: /,
    ],
    [
      'SATNOTIFY_SMTP as a string',
      () => createNotificationService({ env: { SATNOTIFY_SMTP: `smtp://u:${SECRET}@h` } }),
      /smtp: /,
    ],
    [
      'maxHr 3e9',
      () => createNotificationService({ limits: { email: { maxHr: 3e9, maxDay: 3e9 } } }),
      /limits\.email\.maxHr: must be ≤ 1000000/,
    ],
    [
      "minDelay '99999999999d'",
      () => createNotificationService({ limits: { email: { minDelay: '99999999999d' } } }),
      /limits\.email\.minDelay: must be from 0s to 30d/,
    ],
    [
      "dispatcher.interval '30d'",
      () => createNotificationService({ dispatcher: { interval: '30d' } }),
      /dispatcher\.interval: must be from 1ms to 1h/,
    ],
    ['dispatcher.interval 0', () => createNotificationService({ dispatcher: { interval: 0 } }), /dispatcher\.interval/],
    [
      "grouping.wait '99999999d'",
      () => createNotificationService({ grouping: { wait: '99999999d' } }),
      /grouping\.wait: must be from 0s to 1d/,
    ],
    [
      'options that are not an object',
      () => createNotificationService(null as never),
      /\(options\): must be an object/,
    ],
    [
      'a clock that is not a function',
      () => createNotificationService({ clock: 'now' } as never),
      /clock: must be a function/,
    ],
  ];
  for (const [name, act, message] of cases) {
    it(name, async () => {
      await assert.rejects(act(), (err: unknown) => {
        assert.ok(err instanceof InvalidConfigError, `expected InvalidConfigError, got ${inspect(err)}`);
        assert.match(err.message, message);
        const everywhere = `${err.message} ${inspect(err, { depth: 8 })} ${JSON.stringify(err)} ${inspect(err.cause, { depth: 8 })}`;
        assert.doesNotMatch(everywhere, new RegExp(SECRET));
        return true;
      });
    });
  }

  it('util.inspect and JSON of a running service config show no password', async () => {
    const svc = await createNotificationService({
      database: { dataDir: 'memory://' },
      smtp: { url: `smtps://u:${SECRET}@mail.example:465` },
      dispatcher: { autoStart: false },
    });
    try {
      assert.equal(svc.config.smtp.url, `smtps://u:${SECRET}@mail.example:465`, 'code still reads the real value');
      for (const shown of [
        inspect(svc.config, { depth: 8 }),
        JSON.stringify(svc.config),
        inspect(svc.config.smtp),
        inspect(svc, { depth: 4 }),
      ]) {
        assert.doesNotMatch(shown, new RegExp(SECRET));
      }
      assert.match(inspect(svc.config.smtp), /smtps:\/\/u:\*\*\*@mail\.example:465/);
    } finally {
      await svc.close();
    }
  });
});
