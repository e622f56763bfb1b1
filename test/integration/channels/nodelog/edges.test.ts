/**
 * The node-log receiver and client at their edges (issue 11, items 11 and 12), on real gRPC over
 * loopback: messages our own encoder would never produce are sent as raw protobuf.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { resolveConfig } from '../../../../src/config.js';
import { DeliveryError } from '../../../../src/errors.js';
import { GrpcNodeLogClient } from '../../../../src/channels/nodelog/grpc-client.js';
import {
  decodeMessage,
  encodeMessage,
  METHOD_PATH,
  NOTIFICATION_SERVICE,
  PROTO_PATH,
  type NotificationMessage,
} from '../../../../src/channels/nodelog/schema.js';
import { NodeLogServer } from '../../../../src/node/node-log-server.js';
import { unusedPort } from '../../../helpers/grpc.js';

const Message = protobuf.loadSync(PROTO_PATH).lookupType('satnotify.v1.NotificationMessage');
const NODE = Buffer.alloc(32, 7);

function raw(over: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    Message.encode(
      Message.fromObject({
        nodeId: NODE,
        type: 1,
        level: 1,
        title: 'Node offline',
        message: 'text',
        createdAt: { seconds: 1714557845, nanos: 0 },
        notificationId: `n-${Math.random()}`,
        ...over,
      }),
    ).finish(),
  );
}

/** sendRaw makes one call with bytes as given; resolves with the status code (0 = OK). */
function sendRaw(address: string, bytes: Buffer): Promise<{ code: number; details: string }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      METHOD_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      (err) => {
        client.close();
        resolve({ code: err?.code ?? 0, details: err?.details ?? '' });
      },
    );
  });
}

function message(over: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    nodeId: NODE,
    type: 'CUSTOM',
    level: 'info',
    title: 't',
    message: 'm',
    createdAt: new Date('2024-05-01T10:00:00Z'),
    satelliteId: Buffer.alloc(0),
    notificationId: `n-${Math.random()}`,
    ...over,
  };
}

describe('node-log receiver: everything checked before the id is marked seen', () => {
  const lines: string[] = [];
  let server: NodeLogServer;
  let address: string;
  before(async () => {
    server = new NodeLogServer({ sink: (l) => lines.push(l) });
    address = `127.0.0.1:${await server.listen()}`;
  });
  after(() => server.close());

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['created_at beyond what a Date holds', { createdAt: { seconds: 9e15, nanos: 0 } }, /created_at/],
    ['no created_at', { createdAt: null }, /created_at/],
    ['NUL in the title', { title: 'a\u0000b' }, /title contains/],
    ['NUL in the text', { message: 'a\u0000b' }, /message contains a control character/],
    ['ESC in the text', { message: 'a\u001B[31mred' }, /message contains a control character/],
    ['a title over 200 code points', { title: '😀'.repeat(201) }, /title is 201 characters long/],
  ];
  for (const [name, over, reason] of refused) {
    it(`${name}: INVALID_ARGUMENT, and the same id sent right is then accepted`, async () => {
      const id = `edge-${Math.random()}`;
      const before = lines.length;
      const bad = await sendRaw(address, raw({ ...over, notificationId: id }));
      assert.equal(bad.code, grpc.status.INVALID_ARGUMENT, bad.details);
      assert.match(bad.details, reason);
      assert.equal(lines.length, before, 'nothing logged');
      const good = await sendRaw(address, raw({ notificationId: id }));
      assert.equal(good.code, 0, good.details);
      assert.equal(lines.length, before + 1, 'the corrected message is logged, not answered as a duplicate');
    });
  }

  it('invalid UTF-8 in the text: INVALID_ARGUMENT', async () => {
    // Field 5 (message) again, as bytes no UTF-8 decoder accepts; the last occurrence wins in protobuf.
    const bytes = Buffer.concat([raw(), Buffer.from([0x2a, 3, 0x61, 0xff, 0x62])]);
    const r = await sendRaw(address, bytes);
    assert.equal(r.code, grpc.status.INVALID_ARGUMENT);
    assert.match(r.details, /message is not valid UTF-8/);
  });

  it('a text of exactly 16,384 emoji is accepted (limits count code points)', async () => {
    assert.equal((await sendRaw(address, raw({ message: '😀'.repeat(16_384) }))).code, 0);
  });

  it('an unknown type or level reads as CUSTOM / info, as the proto says', async () => {
    const r = await sendRaw(address, raw({ type: 99, level: 42 }));
    assert.equal(r.code, 0, r.details);
    const logged = JSON.parse(lines.at(-1) as string) as { type: string; level: string };
    assert.deepEqual([logged.type, logged.level], ['CUSTOM', 'info']);
  });
});

describe('node-log client', () => {
  const config = resolveConfig({ nodeLog: { deadline: '2s' } }).nodeLog;

  it('an instant before 1970 crosses the wire as a valid Timestamp and comes back exact', () => {
    for (const iso of [
      '1969-12-31T23:59:59.999Z',
      '1960-01-01T00:00:00.001Z',
      '1970-01-01T00:00:00.000Z',
      '2024-05-01T10:04:05.123Z',
    ]) {
      const bytes = encodeMessage(message({ createdAt: new Date(iso) }));
      const wire = Message.toObject(Message.decode(bytes), { longs: Number }) as {
        createdAt: { seconds: number; nanos?: number };
      };
      const nanos = wire.createdAt.nanos ?? 0;
      assert.ok(nanos >= 0 && nanos <= 999_999_999, `${iso}: nanos ${nanos}`);
      assert.equal(decodeMessage(bytes).createdAt?.toISOString(), iso);
    }
  });

  it('a reply that is neither accepted nor duplicate is a permanent failure, not "sent"', async () => {
    const server = new grpc.Server();
    server.addService(NOTIFICATION_SERVICE, {
      processNotification: (_call: unknown, cb: grpc.sendUnaryData<{ accepted: boolean; duplicate: boolean }>) =>
        cb(null, { accepted: false, duplicate: false }),
    });
    const port = await new Promise<number>((res, rej) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
    );
    const client = new GrpcNodeLogClient(config);
    try {
      await assert.rejects(
        client.send(`127.0.0.1:${port}`, message()),
        (e: unknown) => e instanceof DeliveryError && e.permanent && /neither accepted nor duplicate/.test(e.message),
      );
    } finally {
      await client.close();
      server.forceShutdown();
    }
  });

  it('channels to nodes that could not be reached are closed at once', async () => {
    const client = new GrpcNodeLogClient(config);
    const ports = await Promise.all(Array.from({ length: 40 }, () => unusedPort()));
    const results = await Promise.allSettled(ports.map((p) => client.send(`127.0.0.1:${p}`, message())));
    assert.ok(results.every((r) => r.status === 'rejected'));
    assert.equal(client.openChannels, 0);
    await client.close();
  });

  it('keeps at most maxChannels open, closing the least recently used', async () => {
    const servers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const s = new NodeLogServer({ sink: () => undefined });
        return { s, address: `127.0.0.1:${await s.listen()}` };
      }),
    );
    const client = new GrpcNodeLogClient(resolveConfig({ nodeLog: { maxChannels: 3 } }).nodeLog);
    try {
      for (const { address } of servers)
        assert.deepEqual(await client.send(address, message()), { accepted: true, duplicate: false });
      assert.equal(client.openChannels, 3);
      // An evicted node is simply reconnected on its next message.
      assert.deepEqual(await client.send(servers[0]!.address, message()), { accepted: true, duplicate: false });
      assert.equal(client.openChannels, 3);
    } finally {
      await client.close();
      await Promise.all(servers.map(({ s }) => s.close()));
    }
  });
});
