import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { resolveConfig } from '../../../../src/config.js';
import { DeliveryError } from '../../../../src/errors.js';
import { GrpcNodeLogClient } from '../../../../src/channels/nodelog/grpc-client.js';
import type { NotificationMessage } from '../../../../src/channels/nodelog/schema.js';
import { NodeLogServer } from '../../../../src/node/node-log-server.js';
import { NodeId } from '../../../../src/overlay/node-id.js';
import { startStallingServer, unusedPort } from '../../../helpers/grpc.js';

const SATELLITE = NodeId.parse('12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S');
const NODE = NodeId.fromBytes(new Uint8Array(32).fill(7));

function message(over: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    nodeId: NODE.bytes,
    type: 'AUDIT_FAILED',
    level: 'warn',
    title: 'Audit failed',
    message: 'audit score 0.962, disqualification below 0.96 (distance 0.002) — ünïcödé',
    createdAt: new Date('2024-05-01T10:04:05.123Z'),
    satelliteId: SATELLITE.bytes,
    notificationId: `n-${Math.random().toString(36).slice(2)}`,
    ...over,
  };
}

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, String(err));
    return err;
  }
  assert.fail('expected a DeliveryError');
}

describe('node log over gRPC (loopback)', () => {
  const lines: string[] = [];
  let server: NodeLogServer;
  let address: string;
  let client: GrpcNodeLogClient;
  const config = resolveConfig({ nodeLog: { deadline: '500ms' } }).nodeLog;

  before(async () => {
    server = new NodeLogServer({ sink: (l) => lines.push(l) });
    address = `127.0.0.1:${await server.listen()}`;
    client = new GrpcNodeLogClient(config);
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  it('round-trips every field into one structured log line', async () => {
    const m = message();
    const r = await client.send(address, m);
    assert.deepEqual(r, { accepted: true, duplicate: false });
    const logged = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
    assert.deepEqual(
      {
        node: logged['node'],
        satellite: logged['satellite'],
        type: logged['type'],
        level: logged['level'],
        title: logged['title'],
        message: logged['message'],
        createdAt: logged['createdAt'],
        notificationId: logged['notificationId'],
      },
      {
        node: NODE.toString(),
        satellite: SATELLITE.toString(),
        type: m.type,
        level: m.level,
        title: m.title,
        message: m.message,
        createdAt: m.createdAt.toISOString(),
        notificationId: m.notificationId,
      },
    );
  });

  it('every type and level survives the wire', async () => {
    for (const type of [
      'CUSTOM',
      'UPTIME_FAILED',
      'UPTIME_RECOVERED',
      'CONTAINMENT_ENTERED',
      'CONTAINMENT_RELEASED',
      'DISQUALIFIED',
      'VERSION_OUTDATED',
      'DIGEST',
    ] as const) {
      for (const level of ['info', 'warn', 'error'] as const) {
        await client.send(address, message({ type, level }));
        const logged = JSON.parse(lines.at(-1) as string) as { type: string; level: string };
        assert.deepEqual([logged.type, logged.level], [type, level]);
      }
    }
  });

  it('logs the same notification id once', async () => {
    const m = message();
    const before = lines.length;
    assert.deepEqual(await client.send(address, m), { accepted: true, duplicate: false });
    assert.deepEqual(await client.send(address, m), { accepted: false, duplicate: true });
    assert.equal(lines.length - before, 1);
  });

  it('an invalid message is a permanent INVALID_ARGUMENT', async () => {
    const err = await failure(client.send(address, message({ title: 'two\nlines' })));
    assert.equal(err.permanent, true);
    assert.equal(err.responseCode, grpc.status.INVALID_ARGUMENT);
    const short = await failure(client.send(address, message({ nodeId: Buffer.alloc(5) })));
    assert.equal(short.permanent, true);
  });

  it('a stalling receiver → transient DEADLINE_EXCEEDED within the deadline', async () => {
    const stall = await startStallingServer();
    const t0 = performance.now();
    const err = await failure(client.send(stall.address, message()));
    const ms = performance.now() - t0;
    stall.close();
    assert.equal(err.responseCode, grpc.status.DEADLINE_EXCEEDED);
    assert.equal(err.permanent, false);
    assert.ok(ms >= 450 && ms < 1500, `took ${ms.toFixed(0)} ms for a 500 ms deadline`);
  });

  it('an unused port → transient UNAVAILABLE, quickly', async () => {
    const t0 = performance.now();
    const err = await failure(client.send(`127.0.0.1:${await unusedPort()}`, message()));
    const ms = performance.now() - t0;
    assert.equal(err.responseCode, grpc.status.UNAVAILABLE);
    assert.equal(err.permanent, false);
    assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
  });

  it('reuses one channel per address', async () => {
    const c = new GrpcNodeLogClient(config);
    await Promise.all(Array.from({ length: 20 }, () => c.send(address, message())));
    assert.equal(c.openChannels, 1);
    await c.close();
    assert.equal(c.openChannels, 0);
  });

  it('closes idle channels', async () => {
    const c = new GrpcNodeLogClient(resolveConfig({ nodeLog: { idleClose: '50ms' } }).nodeLog);
    await c.send(address, message());
    assert.equal(c.openChannels, 1);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(c.openChannels, 0);
    await c.close();
  });

  it('serves the standard gRPC health check', async () => {
    const { service } = await import('grpc-health-check');
    const Health = grpc.makeGenericClientConstructor(service, 'Health');
    const health = new Health(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      check(req: { service: string }, cb: (err: grpc.ServiceError | null, res: { status: string }) => void): void;
    };
    const res = await new Promise<{ status: string }>((resolve, reject) =>
      health.check({ service: '' }, (e, r) => (e ? reject(e) : resolve(r))),
    );
    health.close();
    assert.equal(res.status, 'SERVING');
  });
});
