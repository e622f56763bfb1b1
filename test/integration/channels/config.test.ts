/**
 * Channel instances from config, through createNotificationService: plugins found by name (built
 * in, registered in code, or an npm module), params checked by the plugin's schema with every
 * problem named by its key, secrets from the environment or an owner-only secretsFile, and
 * nothing secret in what the service prints.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { z } from 'zod';
import { registerChannelPlugin } from '../../../src/channels/registry.js';
import type { Notification } from '../../../src/channels/plugin.js';
import { InvalidConfigError } from '../../../src/errors.js';
import { createNotificationService } from '../../../src/notification/create.js';
import { harness } from '../../helpers/service.js';
import { scratchDir } from '../../helpers/scratch.js';

const WEBHOOK_SECRET = `whsec_${Buffer.from('config-test-secret-0123456789abcd').toString('base64')}`;

/** rejectsConfig expects createNotificationService to fail with InvalidConfigError issues matching `paths`. */
async function rejectsConfig(
  options: Parameters<typeof createNotificationService>[0],
  paths: RegExp[],
  message?: RegExp,
): Promise<InvalidConfigError> {
  let caught: unknown;
  try {
    await createNotificationService({ database: { dataDir: 'memory://' }, ...options });
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof InvalidConfigError, `InvalidConfigError, got ${String(caught)}`);
  for (const p of paths)
    assert.ok(
      caught.issues.some((i) => p.test(i.path)),
      `an issue at ${p}: ${caught.message}`,
    );
  if (message) assert.match(caught.message, message);
  return caught;
}

describe('channel instances from config', () => {
  it('an unknown plugin name says what it looked for and the npm install that would provide it', async () => {
    await rejectsConfig(
      { channels: { ops: { plugin: 'satnotify-plugin-nope' } } },
      [/^channels\.ops\.plugin$/],
      /npm install satnotify-plugin-nope/,
    );
  });

  it('params are checked by the plugin: every bad key named at once, secrets not quoted', async () => {
    const err = await rejectsConfig(
      {
        channels: {
          irc: {
            plugin: 'irc',
            params: { host: '', port: 70000, target: 'no spaces allowed', password: 'hunter2-inline' },
          },
        },
      },
      [/^channels\.irc\.params\.host$/, /^channels\.irc\.params\.port$/, /^channels\.irc\.params\.target$/],
    );
    assert.ok(!err.message.includes('hunter2'));
    await rejectsConfig(
      { channels: { ops: { plugin: 'webhook', params: { url: 'ftp://x', secret: 'too-short', extra: 1 } } } },
      [/^channels\.ops\.params\.url$/, /^channels\.ops\.params\.secret$/, /^channels\.ops\.params$/],
      /unknown keys extra/,
    );
  });

  it('names are checked: hooks may route only to instances that exist; email and log are built in', async () => {
    await rejectsConfig(
      { hooks: { channels: { 'node-offline': ['email', 'irc'] } } },
      [/^hooks\.channels\.node-offline\.1$/],
      /names no channel instance \(there are: email, log\)/,
    );
    await rejectsConfig({ channels: { email: { plugin: 'webhook' } } }, [/^channels\.email$/], /is built in/);
    await rejectsConfig({ channels: { 'Bad Name': { plugin: 'webhook' } } }, [/^channels\.Bad Name$/]);
  });

  it('a secretsFile that group or others may read fails the start with a typed error; owner-only, it supplies { secret } params', async () => {
    const dir = scratchDir('secrets-svc');
    const secretsFile = join(dir, 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ ops: WEBHOOK_SECRET }));
    chmodSync(secretsFile, 0o644);
    const channels = {
      ops: { plugin: 'webhook', params: { url: 'http://127.0.0.1:9/hook', secret: { secret: 'ops' } } },
    };
    const err = await rejectsConfig(
      { secretsFile, channels },
      [/^secretsFile$/],
      /group or others may access it \(mode 0644\)/,
    );
    assert.ok(!err.message.includes(WEBHOOK_SECRET));
    chmodSync(secretsFile, 0o600);
    const svc = await createNotificationService({
      database: { dataDir: 'memory://' },
      secretsFile,
      channels,
      dispatcher: { autoStart: false },
    });
    try {
      assert.deepEqual(svc.channels, ['email', 'log', 'ops']);
      const printed = inspect(svc.config, { depth: null });
      assert.ok(!printed.includes(WEBHOOK_SECRET.slice(6)), 'the secret is not in the config');
      assert.match(printed, /secret: 'ops'/, 'the config shows which secret');
    } finally {
      await svc.close();
    }
  });

  it('inline credentials are masked wherever the config is printed', async () => {
    const svc = await createNotificationService({
      database: { dataDir: 'memory://' },
      channels: {
        mqtt: {
          plugin: 'mqtt',
          params: { url: 'mqtt://user:hunter2@127.0.0.1:9', password: 'hunter3', connectWait: '100ms' },
        },
      },
      dispatcher: { autoStart: false },
    });
    try {
      const printed = [inspect(svc.config, { depth: null }), JSON.stringify(svc.config)].join('\n');
      assert.ok(!printed.includes('hunter2') && !printed.includes('hunter3'), printed);
    } finally {
      await svc.close();
    }
  });

  it('a third-party plugin loaded by its npm name delivers; its permanent refusal is recorded with the reason', async () => {
    const file = join(scratchDir('fixture-plugin'), 'lines.jsonl');
    const h = await harness({
      channels: {
        mine: {
          plugin: 'satnotify-plugin-fixture',
          params: { file, refuseKinds: ['node-online'] },
          limits: { maxHr: 10, maxDay: 10, minDelay: '0s' },
        },
      },
      hooks: { channels: { 'node-offline': ['mine'], 'node-online': ['mine'] } },
    });
    try {
      const node = await h.addNode();
      const offline = await h.svc.onUptimeCheck(node, { ok: false });
      const online = await h.svc.onUptimeCheck(node, { ok: true });
      await h.svc.dispatch();
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(lines.length, 1);
      assert.deepEqual(
        { id: lines[0]?.['id'], channel: lines[0]?.['channel'], kind: lines[0]?.['kind'] },
        { id: offline.ids[0], channel: 'mine', kind: 'node-offline' },
      );
      const refused = await h.svc.delivery(online.ids[0] as string);
      assert.equal(refused?.status, 'failed');
      assert.match(refused?.reason ?? '', /mine delivery failed \(permanent\): node-online is refused by this channel/);
      assert.equal((await h.svc.status(node))['mine']?.hrCounter, 1, 'the refused one was refunded');
    } finally {
      await h.close();
    }
  });

  it('registerChannelPlugin: a plugin in code, by its name; malformed plugins and built-in names are refused', async () => {
    const sent: Notification[] = [];
    registerChannelPlugin({
      name: 'test-memory',
      params: z.strictObject({ tag: z.string() }),
      create: (params) => ({
        description: `memory ${params.tag}`,
        send: (n) => Promise.resolve(void sent.push(n)),
        close: () => Promise.resolve(),
      }),
    });
    assert.throws(
      () =>
        registerChannelPlugin({
          name: 'webhook',
          params: z.object({}),
          create: () => ({ description: '', send: () => Promise.resolve(), close: () => Promise.resolve() }),
        }),
      /built-in plugin/,
    );
    assert.throws(() => registerChannelPlugin({ name: 'x' } as never), /params must be a zod schema/);
    const h = await harness({
      channels: { pager: { plugin: 'test-memory', params: { tag: 'a' } } },
      hooks: { channels: { disqualified: ['pager'] } },
    });
    try {
      const node = await h.addNode();
      await h.svc.onDisqualified(node, { reason: 'audits' });
      await h.svc.dispatch();
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.kind, 'disqualified');
      assert.equal(sent[0]?.level, 'error');
      assert.deepEqual(sent[0]?.facts, { reason: 'audits' });
      assert.equal(sent[0]?.email, undefined, 'a node-audience plugin gets no email');
      assert.equal(sent[0]?.satellite.name, 'test-sat');
    } finally {
      await h.close();
    }
  });
});
