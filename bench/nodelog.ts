/**
 * Node-log throughput: our GrpcNodeLogClient against a bare grpc-js unary client calling the same
 * loopback NodeLogServer, 50 calls in flight.
 */
import * as grpc from '@grpc/grpc-js';
import { resolveConfig } from '../src/config.js';
import { GrpcNodeLogClient } from '../src/channels/nodelog/grpc-client.js';
import { decodeResponse, encodeMessage, METHOD_PATH, type NotificationMessage } from '../src/channels/nodelog/schema.js';
import { NodeLogServer } from '../src/node/node-log-server.js';
import { compare, opsPerSecond, type Comparison } from './measure.js';

export async function nodeLogBenchmark(ops: number): Promise<Comparison> {
  const server = new NodeLogServer({ sink: () => undefined, dedupeSize: 1000 });
  const address = `127.0.0.1:${await server.listen()}`;
  const ours = new GrpcNodeLogClient(resolveConfig().nodeLog);
  const bare = new grpc.Client(address, grpc.credentials.createInsecure());
  const message = (i: number, who: string): NotificationMessage => ({
    nodeId: Buffer.alloc(32, 7),
    type: 'UPTIME_FAILED',
    level: 'warn',
    title: 'Node offline',
    message: 'Your node is offline. Check that the node runs, its port is forwarded and its public address is current.',
    createdAt: new Date(),
    satelliteId: Buffer.alloc(32, 1),
    notificationId: `${who}-${i}`,
  });
  const bareSend = (m: NotificationMessage): Promise<unknown> =>
    new Promise((resolve, reject) =>
      bare.makeUnaryRequest(METHOD_PATH, encodeMessage, decodeResponse, m, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (e, r) => (e ? reject(e) : resolve(r))),
    );
  let round = 0;
  const result = await compare(
    'node-log messages, 50 in flight',
    'bare grpc-js unary client',
    () => opsPerSecond((i) => ours.send(address, message(i, `o${round}`)), ops, 50).finally(() => round++),
    () => opsPerSecond((i) => bareSend(message(i, `p${round}`)), ops, 50).finally(() => round++),
    5,
    'msgs/s',
  );
  await ours.close();
  bare.close();
  await server.close();
  return result;
}
