/**
 * Node-log throughput: our GrpcNodeLogClient against a bare grpc-js unary client calling the same
 * loopback NodeLogServer, 50 calls in flight.
 */
import * as grpc from '@grpc/grpc-js';
import { resolveConfig } from '../src/config.js';
import { GrpcNodeLogClient } from '../src/channels/nodelog/grpc-client.js';
import {
  decodeResponse,
  encodeMessage,
  METHOD_PATH,
  type NotificationMessage,
} from '../src/channels/nodelog/schema.js';
import { NodeLogServer } from '../src/node/node-log-server.js';
import { compare, opsPerSecond, type Comparison } from './measure.js';

export async function nodeLogBenchmark(ops: number): Promise<Comparison> {
  const server = new NodeLogServer({ sink: () => undefined, dedupeSize: 1000 });
  const address = `127.0.0.1:${await server.listen()}`;
  const ours = new GrpcNodeLogClient(resolveConfig().nodeLog);
  const bare = new grpc.Client(address, grpc.credentials.createInsecure());
  const message = (i: number, who: string): NotificationMessage => offlineMessage(`${who}-${i}`);
  let round = 0;
  const result = await compare(
    'node-log messages, 50 in flight',
    'bare grpc-js unary client',
    () => opsPerSecond((i) => ours.send(address, message(i, `o${round}`)), ops, 50).finally(() => round++),
    () => opsPerSecond((i) => bareUnary(bare, message(i, `p${round}`), 5000), ops, 50).finally(() => round++),
    5,
    'msgs/s',
  );
  await ours.close();
  bare.close();
  await server.close();
  return result;
}

/** offlineMessage is the node-log message the benchmarks send: a node-offline notice under `notificationId`. */
export function offlineMessage(notificationId: string): NotificationMessage {
  return {
    nodeId: Buffer.alloc(32, 7),
    type: 'UPTIME_FAILED',
    level: 'warn',
    title: 'Node offline',
    message: 'Your node is offline. Check that the node runs, its port is forwarded and its public address is current.',
    createdAt: new Date(),
    satelliteId: Buffer.alloc(32, 1),
    notificationId,
  };
}

/** bareUnary sends one message as a bare grpc-js unary call: the peer of our client. */
export function bareUnary(client: grpc.Client, m: NotificationMessage, deadlineMs: number): Promise<unknown> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      METHOD_PATH,
      encodeMessage,
      decodeResponse,
      m,
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (e, r) => (e ? reject(e) : resolve(r)),
    ),
  );
}
