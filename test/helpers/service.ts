/**
 * Builds a NotificationService on real parts for the service tests: a database (PGlite or the
 * real PostgreSQL), the loopback SMTP sink, and a NodeLogServer on loopback.
 */
import { join } from 'node:path';
import { after, before } from 'node:test';
import { TestClock } from './clock.js';
import type { Config } from '../../src/config.js';
import { createNotificationService, type ServiceOptions } from '../../src/notification/create.js';
import { NodeLogServer } from '../../src/node/node-log-server.js';
import type { NotificationService } from '../../src/notification/service.js';
import { randomNodeIdHex } from './databases.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { scratchDir } from './scratch.js';

/** Harness is a service with the servers it talks to. */
export interface Harness {
  svc: NotificationService;
  sink: SmtpSink;
  nodeLog: NodeLogServer;
  nodeLogAddress: string;
  logLines: string[];
  database: Config['database'];
  /** reopen closes the service and opens a new one on the same database (a restart). */
  reopen(over?: Partial<ServiceOptions>): Promise<NotificationService>;
  addNode(over?: { email?: string; id?: string }): Promise<string>;
  close(): Promise<void>;
}

/** harness starts the servers and the service; `database` defaults to a fresh PGlite folder. */
/** HarnessOptions are a service's options, with the database to use. */
export type HarnessOptions = ServiceOptions & { database?: Config['database'] };

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const sink = await startSmtpSink();
  const logLines: string[] = [];
  const nodeLog = new NodeLogServer({ sink: (l) => logLines.push(l) });
  const nodeLogAddress = `127.0.0.1:${await nodeLog.listen()}`;
  const database = options.database ?? { dataDir: join(scratchDir('svc'), 'db') };
  const open = (over: Partial<ServiceOptions> = {}): Promise<NotificationService> =>
    createNotificationService({
      ...options,
      ...over,
      database,
      smtp: { url: sink.url, from: 'Satellite <noreply@sat.example>', ...options.smtp },
      satellite: { name: 'test-sat', id: '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S', ...options.satellite },
      dispatcher: { autoStart: false, ...options.dispatcher, ...over.dispatcher },
      // These tests are about delivery: a failed uptime check reports offline at once unless a test sets otherwise.
      hooks: { offlineAfter: '0s', ...options.hooks, ...over.hooks },
      // ... and many nodes going offline at once is their storm, not a satellite-side one: the guard's
      // automatic count is off unless a test configures the guard (a hold by hand works either way).
      guard: options.guard ?? { enabled: false },
    });
  let first: NotificationService;
  try {
    first = await open();
  } catch (err) {
    // A service that fails to start must not leave the servers holding the test process open.
    await nodeLog.close();
    await sink.close();
    throw err;
  }
  const h: Harness = {
    svc: first,
    sink,
    nodeLog,
    nodeLogAddress,
    logLines,
    database,
    async reopen(over) {
      await h.svc.close();
      h.svc = await open(over);
      return h.svc;
    },
    async addNode(over = {}) {
      const id = over.id ?? randomNodeIdHex();
      await h.svc.overlay.upsertNode({
        id,
        address: nodeLogAddress,
        email: over.email ?? `op-${id.slice(0, 8)}@example.com`,
        version: '1.60.0',
      });
      return id;
    },
    async close() {
      await h.svc.close();
      await nodeLog.close();
      await sink.close();
    },
  };
  return h;
}

/**
 * clockedHarness is a harness for the enclosing suite on a clock the test moves, starting at
 * `start`: the service starts before the suite's tests and closes after them. `h` reads through to
 * the running harness (a test uses it inside its body, never at the suite's top level).
 */
export function clockedHarness(
  start: string,
  options: Omit<HarnessOptions, 'clock'> = {},
): { h: Harness; clock: TestClock } {
  const clock = new TestClock(start);
  let made: Harness | undefined;
  before(async () => {
    made = await harness({ ...options, clock: clock.now });
  });
  after(() => made?.close());
  const running = (): Harness => {
    if (!made) throw new Error('the harness starts before the suite’s first test');
    return made;
  };
  return { h: new Proxy({} as Harness, { get: (_target, key): unknown => Reflect.get(running(), key) }), clock };
}

/** statusesOf is what became of each notification, sorted, as a test compares them. */
export async function statusesOf(svc: NotificationService, ids: readonly string[]): Promise<Array<string | undefined>> {
  return (await Promise.all(ids.map((id) => svc.delivery(id)))).map((d) => d?.status).sort();
}
