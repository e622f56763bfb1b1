/**
 * What a hook costs over the gRPC API against the same hook in-process: one service on a fresh
 * PostgreSQL, its API on loopback, 16 callers reporting first failures of distinct nodes (each a
 * transition recorded with its two notifications), in rounds that alternate in-process and API
 * calls so both see the same server. The API adds a protobuf encode and decode, an HTTP/2 round
 * trip on loopback and the token check to the same durable work.
 */
import { credentials, loadPackageDefinition, Metadata, type ChannelCredentials } from '@grpc/grpc-js';
import pg from 'pg';
import { ApiServer } from '../src/api/server.js';
import { API_PACKAGE } from '../src/api/schema.js';
import { createNotificationService } from '../src/notification/create.js';
import { latenciesOf, percentile, round2 as round, type Comparison } from './measure.js';

const TOKEN = 'bench-api-token-0123456789abcdef0123';

/** ApiHookResult is the API's and the in-process hooks' throughput and latency, at the same callers. */
export interface ApiHookResult {
  comparison: Comparison;
  api: { p50Ms: number; p99Ms: number };
  inProcess: { p50Ms: number; p99Ms: number };
}

interface UptimeClient {
  UptimeCheck(
    req: { node_id: string; ok: boolean },
    md: Metadata,
    cb: (err: Error | null, reply: { notified: boolean }) => void,
  ): void;
  close(): void;
}

/** apiHookBenchmark reports `n` first failures each way, `callers` at a time, in `rounds` alternating rounds. */
export async function apiHookBenchmark(url: string, n: number, callers = 16, rounds = 4): Promise<ApiHookResult> {
  const svc = await createNotificationService({
    database: { url, poolSize: 10 },
    smtp: { url: 'smtp://127.0.0.1:9' },
    guard: { enabled: false },
    hooks: { offlineAfter: '0s' },
    dispatcher: { autoStart: false },
    api: { listen: '127.0.0.1:0', tokens: [{ env: 'UNUSED' }] },
  });
  const server = await ApiServer.start({ svc, config: svc.config.api, tokens: [TOKEN] });
  const pkg = loadPackageDefinition(API_PACKAGE) as unknown as {
    satnotify: { v1: { SatelliteNotifications: new (a: string, c: ChannelCredentials) => UptimeClient } };
  };
  const client = new pkg.satnotify.v1.SatelliteNotifications(`127.0.0.1:${server.port}`, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${TOKEN}`);
  const overApi = (id: string): Promise<unknown> =>
    new Promise((resolve, reject) =>
      client.UptimeCheck({ node_id: id, ok: false }, metadata, (err, r) => (err ? reject(err) : resolve(r))),
    );
  try {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const { rows } = await db.query<{ hex: string }>(
      `INSERT INTO satnotify.nodes (id, address, email, version)
       SELECT decode(md5('a' || i) || md5('b' || i), 'hex'), '127.0.0.1:1', 'op-' || (i % 500) || '@example.com', '1.120.0'
       FROM generate_series(1, $1::int) AS i RETURNING encode(id, 'hex') AS hex`,
      [2 * n + 2 * callers],
    );
    await db.end();
    const ids = rows.map((r) => r.hex);
    // A warm-up of each, uncounted: connections, prepared statements, JIT.
    await latenciesOf(ids.splice(0, callers), callers, (id) => svc.onUptimeCheck(id, { ok: false }));
    await latenciesOf(ids.splice(0, callers), callers, overApi);
    const each = Math.floor(n / rounds);
    const inProcess: number[] = [];
    const api: number[] = [];
    let inProcessMs = 0;
    let apiMs = 0;
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      inProcess.push(
        ...(await latenciesOf(ids.splice(0, each), callers, (id) => svc.onUptimeCheck(id, { ok: false }))),
      );
      inProcessMs += performance.now() - t;
      t = performance.now();
      api.push(...(await latenciesOf(ids.splice(0, each), callers, overApi)));
      apiMs += performance.now() - t;
    }
    const apiPerSecond = round((api.length / apiMs) * 1000);
    const inProcessPerSecond = round((inProcess.length / inProcessMs) * 1000);
    return {
      comparison: {
        name: `hooks over the gRPC API, ${callers} callers`,
        unit: 'hooks/s',
        ours: apiPerSecond,
        peer: inProcessPerSecond,
        ratio: round(apiPerSecond / inProcessPerSecond),
        peerName: 'the same hooks in-process',
      },
      api: { p50Ms: round(percentile(api, 50)), p99Ms: round(percentile(api, 99)) },
      inProcess: { p50Ms: round(percentile(inProcess, 50)), p99Ms: round(percentile(inProcess, 99)) },
    };
  } finally {
    client.close();
    await server.close();
    await svc.close();
  }
}
