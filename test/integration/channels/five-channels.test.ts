/**
 * One kind routed to five channel instances, each a real endpoint: email (SMTP sink), log (the
 * node's gRPC log server), irc (ngircd), mqtt (mosquitto) and ops (a webhook). One outbox row per
 * instance; each instance counts against its own limits, so a denial on one holds only that
 * instance's copy, and what it held leaves later as one digest on that instance alone.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { Webhook } from 'standardwebhooks';
import {
  daemonSkipReason,
  MOSQUITTO,
  NGIRCD,
  startMosquitto,
  startNgircd,
  type Daemon,
} from '../../helpers/daemons.js';
import { ircObserver, type IrcObserver } from '../../helpers/irc-observer.js';
import { harness, type Harness } from '../../helpers/service.js';
import { until } from '../../helpers/wait.js';

const SECRET = `whsec_${Buffer.from('five-channels-test-secret-0123456').toString('base64')}`;
const skip = daemonSkipReason(NGIRCD, 'ngircd') ?? daemonSkipReason(MOSQUITTO, 'mosquitto');

describe('one kind on five channel instances', { skip }, () => {
  let irc: Daemon;
  let broker: Daemon;
  let hook: Server;
  let watcher: IrcObserver;
  let sub: mqtt.MqttClient;
  const published: string[] = [];
  const posted: string[] = [];
  let h: Harness;
  let now = Date.parse('2026-03-02T10:05:00Z');

  before(async () => {
    [irc, broker] = await Promise.all([startNgircd(), startMosquitto()]);
    watcher = await ircObserver(irc.port, '#ops');
    sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0 });
    sub.on('message', (topic) => published.push(topic));
    await sub.subscribeAsync('satnotify/#', { qos: 1 });
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        new Webhook(SECRET).verify(body, req.headers as Record<string, string>);
        posted.push((JSON.parse(body) as { type: string }).type);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const open = { maxHr: 10, maxDay: 50, minDelay: '0s' };
    h = await harness({
      clock: () => new Date(now),
      env: { OPS_SECRET: SECRET },
      limits: { email: { maxHr: 5, maxDay: 10, minDelay: '0s' }, log: open },
      grouping: { wait: '0s' },
      channels: {
        irc: {
          plugin: 'irc',
          params: { host: '127.0.0.1', port: irc.port, target: '#ops' },
          limits: { maxHr: 1, maxDay: 10, minDelay: '0s' },
        },
        mqtt: { plugin: 'mqtt', params: { url: `mqtt://127.0.0.1:${broker.port}` }, limits: open },
        ops: {
          plugin: 'webhook',
          params: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, secret: { env: 'OPS_SECRET' } },
          limits: open,
        },
      },
      hooks: {
        channels: {
          'node-offline': ['email', 'log', 'irc', 'mqtt', 'ops'],
          'node-online': ['email', 'log', 'irc', 'mqtt', 'ops'],
        },
      },
    });
  });
  after(async () => {
    await h?.close();
    await watcher?.close();
    await sub?.endAsync();
    hook?.closeAllConnections();
    await new Promise((r) => hook?.close(r));
    await Promise.all([irc?.stop(), broker?.stop()]);
  });

  it(
    'arrives on all five, each within its own limits; the held irc copies leave as one irc digest',
    { timeout: 60_000 },
    async () => {
      const node = await h.addNode();
      const changes = [false, true, false]; // offline, back online, offline again: three notices
      for (const ok of changes) {
        const r = await h.svc.onUptimeCheck(node, { ok });
        assert.equal(r.ids.length, 5, 'one outbox row per instance');
        await h.svc.dispatch();
        now += 60_000;
      }
      const counts = async (channel: string): Promise<Record<string, number>> =>
        Object.fromEntries(
          (await h.svc.outboxCounts())
            .filter((c) => c.channel === channel)
            .map((c) => [`${c.kind}/${c.status}`, c.count]),
        );
      for (const channel of ['email', 'log', 'mqtt', 'ops'])
        assert.deepEqual(await counts(channel), { 'node-offline/sent': 2, 'node-online/sent': 1 }, channel);
      assert.deepEqual(
        await counts('irc'),
        { 'node-offline/sent': 1, 'node-online/held': 1, 'node-offline/held': 1 },
        'irc allows one an hour: only its copies wait',
      );

      await until(
        () => h.sink.received.length === 3 && h.logLines.length === 3 && published.length === 3 && posted.length === 3,
        10_000,
        'three messages at each of the four open endpoints',
      );
      assert.deepEqual(posted, ['satnotify.node-offline', 'satnotify.node-online', 'satnotify.node-offline']);
      assert.ok(
        published.every((t) => /^satnotify\/test-sat\/\w+\/node-(offline|online)$/.test(t)),
        published.join(),
      );
      const status = await h.svc.status(node);
      assert.deepEqual(Object.keys(status), ['email', 'log', 'irc', 'mqtt', 'ops']);
      assert.equal(status['irc']?.hrCounter, 1);
      assert.equal(status['ops']?.hrCounter, 3);

      now = Date.parse('2026-03-02T11:00:30Z'); // the next hour: irc may send again
      await h.svc.dispatch();
      assert.deepEqual(await counts('irc'), {
        'node-offline/sent': 1,
        'node-online/digested': 1,
        'node-offline/digested': 1,
        'digest/sent': 1,
      });
      for (const channel of ['email', 'log', 'mqtt', 'ops'])
        assert.equal((await counts(channel))['digest/sent'], undefined, `no digest on ${channel}`);
      await until(
        () => watcher.lines.some((l) => l.includes('test-sat: 2 notifications, the most serious first.')),
        10_000,
        'the irc digest',
      );
      assert.ok(
        watcher.lines.some((l) => /^\[test-sat\] WARN Node \w+ offline · Node \w+ back online · node \w+$/.test(l)),
        `the digest's title says what happened, worst first: ${JSON.stringify(watcher.lines)}`,
      );
      const headers = watcher.lines.filter((l) => l.startsWith('[test-sat]'));
      assert.equal(headers.length, 2, `one single message and one digest on irc: ${JSON.stringify(watcher.lines)}`);
    },
  );
});
