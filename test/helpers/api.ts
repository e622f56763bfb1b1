/**
 * The gRPC API on real parts for the API tests: a service on a fresh PostgreSQL database with the
 * SMTP sink and a node log on loopback, the API on a free port, and a grpc-js client of it made
 * from the same proto a Go or Python satellite compiles.
 */
import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type Client, type ChannelCredentials } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as HEALTH_PROTO } from 'grpc-health-check';
import { ApiServer } from '../../src/api/server.js';
import { API_PACKAGE } from '../../src/api/schema.js';
import type { resolveConfig } from '../../src/config.js';
import { createNotificationService, type ServiceOptions } from '../../src/notification/create.js';
import type { NotificationService } from '../../src/notification/service.js';
import { NodeLogServer } from '../../src/node/node-log-server.js';
import { freshPostgresUrl } from './databases.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

export const API_TOKEN = 'api-token-0123456789abcdef0123456789abcdef';

/** ApiHarness is a service and its API, with what they talk to. */
export interface ApiHarness {
  svc: NotificationService;
  api: ApiServer;
  url: string;
  sink: SmtpSink;
  nodeLog: NodeLogServer;
  nodeLogAddress: string;
  close(): Promise<void>;
}

/** ApiHarnessOptions are the API's settings over the defaults, its tokens, and the service's other options. */
export interface ApiHarnessOptions {
  api?: NonNullable<Parameters<typeof resolveConfig>[0]>['api'];
  tokens?: readonly string[];
  service?: Omit<ServiceOptions, 'api' | 'database'>;
}

/** startApiHarness starts a service on a fresh PostgreSQL database, and its API. */
export async function startApiHarness(o: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const tokens = o.tokens ?? [API_TOKEN];
  const sink = await startSmtpSink();
  const nodeLog = new NodeLogServer({ sink: () => undefined });
  const nodeLogAddress = `127.0.0.1:${await nodeLog.listen()}`;
  const url = await freshPostgresUrl('satnotify_api_test');
  const svc = await createNotificationService({
    database: { url },
    smtp: { url: sink.url, from: 'Satellite <noreply@sat.example>' },
    hooks: { offlineAfter: '0s' },
    grouping: { wait: '0s' },
    guard: { enabled: false },
    dispatcher: { autoStart: false },
    ...o.service,
    // The harness hands the tokens to the server itself; the section only has to be valid.
    api: { listen: '127.0.0.1:0', tokens: [{ env: 'UNUSED' }], ...o.api },
  });
  const server = await ApiServer.start({ svc, config: svc.config.api, tokens });
  return {
    svc,
    api: server,
    url,
    sink,
    nodeLog,
    nodeLogAddress,
    async close() {
      await server.close();
      await svc.close();
      await nodeLog.close();
      await sink.close();
    },
  };
}

/** UnaryClient calls a method by name and resolves with its reply, or rejects with the gRPC error. */
export type UnaryClient = Client & Record<string, unknown>;

/** apiClient is a client of the API on `port`; `token` goes in every call's metadata. */
export function apiClient(port: number, o: { creds?: ChannelCredentials; token?: string | null } = {}) {
  const pkg = loadPackageDefinition(API_PACKAGE) as unknown as {
    satnotify: { v1: { SatelliteNotifications: new (address: string, c: ChannelCredentials) => UnaryClient } };
  };
  const client = new pkg.satnotify.v1.SatelliteNotifications(
    `127.0.0.1:${port}`,
    o.creds ?? credentials.createInsecure(),
  );
  const token = o.token === undefined ? API_TOKEN : o.token;
  return {
    client,
    call<T = Record<string, unknown>>(method: string, request: unknown, deadlineMs = 20_000): Promise<T> {
      const metadata = new Metadata();
      if (token !== null) metadata.set('authorization', `Bearer ${token}`);
      return new Promise<T>((resolve, reject) => {
        const fn = client[method] as (
          req: unknown,
          md: Metadata,
          opts: { deadline: Date },
          cb: (err: Error | null, reply: T) => void,
        ) => void;
        fn.call(client, request, metadata, { deadline: new Date(Date.now() + deadlineMs) }, (err, reply) =>
          err ? reject(err) : resolve(reply),
        );
      });
    },
    close: () => client.close(),
  };
}

/** healthCheck asks the standard health service how `service` is. */
export function healthCheck(port: number, service: string): Promise<{ status: string }> {
  const pkg = loadPackageDefinition(loadSync(HEALTH_PROTO, { enums: String })) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: ChannelCredentials) => HealthClient } } };
  };
  const client = new pkg.grpc.health.v1.Health(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client.check({ service }, (err, reply) => {
      client.close();
      if (err) reject(err);
      else resolve(reply);
    }),
  );
}
interface HealthClient {
  check(req: { service: string }, cb: (err: Error | null, reply: { status: string }) => void): void;
  close(): void;
}

/** reflectedServices asks the server's reflection service (v1) for the services it serves. */
export function reflectedServices(port: number): Promise<string[]> {
  const proto = join(
    import.meta.dirname,
    '../../node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto',
  );
  const pkg = loadPackageDefinition(loadSync(proto, { keepCase: true })) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (a: string, c: ChannelCredentials) => ReflectionClient } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo();
    stream.on('data', (r: { list_services_response?: { service: Array<{ name: string }> } }) => {
      resolve((r.list_services_response?.service ?? []).map((x) => x.name));
      stream.end();
      client.close();
    });
    stream.on('error', reject);
    stream.write({ list_services: '' });
  });
}
interface ReflectionClient {
  ServerReflectionInfo(): {
    on(event: 'data', f: (r: { list_services_response?: { service: Array<{ name: string }> } }) => void): void;
    on(event: 'error', f: (err: Error) => void): void;
    write(r: unknown): void;
    end(): void;
  };
  close(): void;
}
