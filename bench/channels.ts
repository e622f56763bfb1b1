/**
 * Channel plugins against their bare libraries, each side sending the same notification JSON to
 * the same real receiver, as many in flight:
 * - webhook: our plugin (Standard Webhooks signature, timeout, status checks) against a bare
 *   `fetch` POST of the same body, into a loopback HTTP server that answers 204;
 * - MQTT: our plugin (QoS 1, waits for the PUBACK) against a bare mqtt.js client publishing at
 *   QoS 1 and awaiting the same acknowledgement, into mosquitto;
 * - IRC: our plugin (one message at a time, confirmed by a PING/PONG after its lines) against bare
 *   irc-framework doing the same (the PONG is what tells a sender the server took the lines;
 *   without it a bare `say` only fills a socket buffer), into ngircd.
 * Receivers run in this process for both sides alike (mosquitto and ngircd are their own).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveConfig, type Config } from '../src/config.js';
import { openChannels } from '../src/channels/instances.js';
import type { Notification } from '../src/channels/plugin.js';
import { notificationJson } from '../src/channels/plugin.js';
import { ircLines } from '../src/channels/irc/lines.js';
import { TemplateSet } from '../src/mailservice/templates.js';
import { silentLogger } from '../src/logger.js';
import { MOSQUITTO, NGIRCD, startMosquitto, startNgircd } from '../test/helpers/daemons.js';
import { existsSync } from 'node:fs';
import { compare, opsPerSecond, type Comparison } from './measure.js';

const SECRET = `whsec_${Buffer.from('satnotify-bench-secret-0123456789').toString('base64')}`;

/** channelBenchmarks compares every channel plugin whose receiver can run here. */
export async function channelBenchmarks(ops: number, say: (line: string) => void): Promise<Comparison[]> {
  const out = [await webhookBenchmark(ops)];
  if (existsSync(MOSQUITTO)) out.push(await mqttBenchmark(ops));
  else say(`${MOSQUITTO} missing (apt-get install mosquitto): no MQTT entry`);
  // ngircd relays a client's lines at a few dozen messages a second, whoever sends them: fewer rounds.
  if (existsSync(NGIRCD)) out.push(await ircBenchmark(Math.max(20, Math.round(ops / 40))));
  else say(`${NGIRCD} missing (apt-get install ngircd): no IRC entry`);
  return out;
}

async function webhookBenchmark(ops: number): Promise<Comparison> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const ours = await instance({ plugin: 'webhook', params: { url, secret: { env: 'BENCH_SECRET' } } });
  const peer = async (i: number): Promise<void> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': `p${i}` },
      body: JSON.stringify({
        type: 'satnotify.node-offline',
        timestamp: new Date().toISOString(),
        data: notificationJson(notification(i)),
      }),
    });
    await res.body?.cancel();
    if (res.status !== 204) throw new Error(`webhook receiver answered ${res.status}`);
  };
  try {
    // Rounds on loopback HTTP swing ±20% either side: nine rounds' medians, not five.
    return await compare(
      'webhook POSTs, 16 in flight',
      'bare fetch (undici)',
      () => opsPerSecond((i) => ours.send(notification(i)), ops, 16),
      () => opsPerSecond(peer, ops, 16),
      9,
      'requests/s',
    );
  } finally {
    await ours.close();
    server.close();
  }
}

async function mqttBenchmark(ops: number): Promise<Comparison> {
  const broker = await startMosquitto();
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const ours = await instance({ plugin: 'mqtt', params: { url } });
  const { connectAsync } = await import('mqtt');
  const bare = await connectAsync(url);
  try {
    return await compare(
      'MQTT publishes at QoS 1, 16 in flight',
      'bare mqtt.js publishAsync',
      () => opsPerSecond((i) => ours.send(notification(i)), ops, 16),
      () =>
        opsPerSecond(
          (i) =>
            bare.publishAsync(
              `satnotify/bench/${i % 100}/node-offline`,
              JSON.stringify(notificationJson(notification(i))),
              { qos: 1 },
            ),
          ops,
          16,
        ),
      5,
      'messages/s',
    );
  } finally {
    await ours.close();
    await bare.endAsync();
    await broker.stop();
  }
}

async function ircBenchmark(ops: number): Promise<Comparison> {
  const server = await startNgircd();
  const ours = await instance({
    plugin: 'irc',
    params: { host: '127.0.0.1', port: server.port, nick: 'ours', target: '#bench' },
  });
  const { Client } = await import('irc-framework');
  const bare = new Client();
  await new Promise<void>((resolve) => {
    bare.on('registered', () => bare.join('#bench'));
    bare.on('join', () => resolve());
    bare.connect({ host: '127.0.0.1', port: server.port, nick: 'bare', username: 'bare', gecos: 'bare' });
  });
  let pings = 0;
  let queue: Promise<unknown> = Promise.resolve();
  // One message at a time, confirmed by the PONG to a PING sent after its lines: what ours guarantees.
  const peer = (i: number): Promise<unknown> =>
    (queue = queue.then(
      () =>
        new Promise<void>((resolve) => {
          const token = `bare-${++pings}`;
          const pong = (e: { message?: string }): void => {
            if (e.message !== token) return;
            bare.off('pong', pong);
            resolve();
          };
          bare.on('pong', pong);
          for (const line of ircLines(notification(i), 20)) bare.say('#bench', line);
          bare.ping(token);
        }),
    ));
  try {
    // A first send waits for our connection to register and join.
    await ours.send(notification(0));
    return await compare(
      'IRC messages (lines + PONG), 4 in flight',
      'bare irc-framework',
      () => opsPerSecond((i) => ours.send(notification(i)), ops, 4),
      () => opsPerSecond(peer, ops, 4),
      3,
      'messages/s',
    );
  } finally {
    await ours.close();
    bare.quit('bench done');
    await server.stop();
  }
}

/** instance opens one channel instance the way a satellite's config does. */
async function instance(
  spec: NonNullable<Config['channels']>[string],
): Promise<{ send(n: Notification): Promise<void>; close(): Promise<void> }> {
  const config = resolveConfig({ channels: { bench: spec }, mail: { outboxDir: '.satnotify/bench-outbox' } });
  const set = await openChannels(config, {
    templates: TemplateSet.load(),
    logger: silentLogger,
    secrets: { env: { BENCH_SECRET: SECRET }, envSource: 'the bench', named: null },
  });
  return { send: (n) => set.get('bench').sender.send(n), close: () => set.close() };
}

function notification(i: number): Notification {
  return {
    id: `bench-${i}-${Math.random().toString(36).slice(2)}`,
    channel: 'bench',
    kind: 'node-offline',
    level: 'warn',
    title: 'Node offline',
    text: 'Bench Satellite: Node 12EayRS2V1kE is offline. Check that the node runs, its port 28967 is forwarded and its public address is current.',
    node: { id: '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S', address: 'node1.example.com:28967' },
    facts: { lastContact: '2024-05-01T07:52:00Z' },
    actions: [
      'Check that the node process runs.',
      'Check that port 28967 is forwarded to it.',
      'Check that its public address is current.',
    ],
    satellite: { id: 'bench', name: 'Bench Satellite' },
    occurredAt: new Date(),
    createdAt: new Date(),
    sentAt: new Date(),
  };
}
