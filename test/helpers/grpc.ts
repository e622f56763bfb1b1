/**
 * gRPC helpers: a receiver that never answers, and a free loopback port nobody listens on.
 */
import { createServer, type AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { NOTIFICATION_SERVICE } from '../../src/channels/nodelog/schema.js';

/** startStallingServer accepts calls and never answers them (until closed). */
export async function startStallingServer(): Promise<{ address: string; close(): void }> {
  const server = new grpc.Server();
  server.addService(NOTIFICATION_SERVICE, { processNotification: () => undefined });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { address: `127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

/** unusedPort returns a loopback port that was free a moment ago. */
export async function unusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
