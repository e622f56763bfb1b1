/**
 * The mqtt plugin against a real broker (Debian's mosquitto) and a subscriber on its own client:
 * QoS 1 messages with the topic `<prefix>/<satellite>/<nodeId>/<kind>` and the notification as
 * JSON; a broker restart mid-stream loses nothing and doubles nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { daemonSkipReason, MOSQUITTO, startMosquitto, type Daemon } from '../../../helpers/daemons.js';
import { harness, type Harness } from '../../../helpers/service.js';
import { until } from '../../../helpers/wait.js';

const skip = daemonSkipReason(MOSQUITTO, 'mosquitto');

interface Seen {
  topic: string;
  qos: number;
  body: Record<string, unknown>;
}

/** subscriber connects a second client that keeps every message under `filter`. */
async function subscriber(port: number, filter: string): Promise<{ seen: Seen[]; close(): Promise<void> }> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
  const seen: Seen[] = [];
  client.on('message', (topic, payload, packet) =>
    seen.push({ topic, qos: packet.qos, body: JSON.parse(payload.toString()) as Record<string, unknown> }),
  );
  await client.subscribeAsync(filter, { qos: 1 });
  return { seen, close: () => client.endAsync() };
}

describe('mqtt plugin on mosquitto', { skip }, () => {
  let broker: Daemon;
  let h: Harness;

  before(async () => {
    broker = await startMosquitto();
    h = await harness({
      satellite: { name: 'eu1/test' }, // a separator in the name must not add a topic level
      channels: {
        mqtt: {
          plugin: 'mqtt',
          params: { url: `mqtt://127.0.0.1:${broker.port}`, topicPrefix: 'satnotify', connectWait: '2s' },
        },
      },
      hooks: { channels: { 'node-offline': ['mqtt'], 'audit-failed': ['mqtt'] } },
      // A retry waits 1.5–3 s: longer than a drain takes to see it is not yet due.
      dispatcher: { retryBase: '3s', retryMax: '3s', maxAttempts: 30 },
    });
  });
  after(async () => {
    await h?.close();
    await broker?.stop();
  });

  it('publishes QoS 1 JSON to <prefix>/<satellite>/<nodeId>/<kind>', async () => {
    const sub = await subscriber(broker.port, 'satnotify/#');
    try {
      const node = await h.addNode();
      const nodeId = (await h.svc.overlay.get(node)).id.toString();
      const r = await h.svc.onAuditResult(node, { passed: false, score: 0.95, dqThreshold: 0.96 });
      await h.svc.dispatch();
      await until(() => sub.seen.length >= 1);
      const [m] = sub.seen;
      assert.equal(m?.topic, `satnotify/eu1_test/${nodeId}/audit-failed`);
      assert.equal(m?.qos, 1);
      assert.equal(m?.body['id'], r.ids[0]);
      assert.equal(m?.body['nodeId'], nodeId);
      assert.equal(m?.body['level'], 'warn');
      assert.equal(m?.body['title'], 'Audit failed');
      assert.deepEqual(m?.body['facts'], { score: '0.950', threshold: '0.960', distance: '-0.010' });
      assert.match(String(m?.body['text']), /GET_AUDIT/);
      assert.equal(m?.body['satellite'], 'eu1/test');
    } finally {
      await sub.close();
    }
  });

  it('a broker restart mid-stream: every notification arrives exactly once', { timeout: 60_000 }, async () => {
    const during = await Promise.all([1, 2, 3].map(() => h.addNode()));
    await broker.stop();
    for (const n of during) assert.equal((await h.svc.onUptimeCheck(n, { ok: false })).notified, true);
    await h.svc.dispatch();
    const waiting = (await h.svc.outboxCounts()).filter((c) => c.channel === 'mqtt' && c.status === 'retry');
    assert.equal(waiting[0]?.count, 3, 'the attempts during the outage failed and wait for a retry');
    await broker.start();
    const sub = await subscriber(broker.port, 'satnotify/+/+/node-offline');
    try {
      await until(async () => {
        await h.svc.dispatch();
        return (await h.svc.outboxCounts()).every(
          (c) => c.channel !== 'mqtt' || !['pending', 'held', 'retry'].includes(c.status),
        );
      });
      await until(() => sub.seen.length >= 3);
      await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show by now
      const ids = sub.seen.map((s) => s.body['nodeId']);
      for (const n of during) {
        const nodeId = (await h.svc.overlay.get(n)).id.toString();
        assert.equal(ids.filter((i) => i === nodeId).length, 1, `node ${nodeId} once: ${JSON.stringify(ids)}`);
      }
      assert.deepEqual(
        (await h.svc.outboxCounts()).filter((c) => c.channel === 'mqtt' && c.status === 'failed'),
        [],
      );
    } finally {
      await sub.close();
    }
  });
});
