/**
 * A real pg_auto_failover formation on loopback, from Debian's postgresql-<version>-auto-failover:
 * a monitor and two nodes on free ports, in a scratch folder, run as the `postgres` user
 * (pg_autoctl refuses root). stop() ends every process it started; the process-exit hook of
 * scratch.ts removes the folder, and a kill of the test process takes the keepers down with it
 * (they are in its process group and get SIGKILL at exit).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { unusedPort } from './grpc.js';
import { scratchDir } from './scratch.js';

const run = promisify(execFile);
const VERSION = existsSync('/etc/postgresql') ? (readdirSync('/etc/postgresql')[0] ?? '15') : '15';
export const PG_AUTOCTL_BIN = `/usr/lib/postgresql/${VERSION}/bin`;
export const PG_AUTOCTL = '/usr/bin/pg_autoctl';

const running = new Set<ChildProcess>();
/** Monitor settings (ms) under which a primary that stops answering is replaced in about 5 s. */
const FAST_HEALTH_CHECKS = {
  health_check_period: 1000,
  health_check_timeout: 1000,
  health_check_max_retries: 1,
  health_check_retry_delay: 500,
  node_considered_unhealthy_timeout: 3000,
};
process.on('exit', () => {
  for (const child of running) killGroup(child);
});

/** killGroup SIGKILLs a keeper with everything it started (each keeper leads its own process group). */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** formationSkipReason is undefined when a formation can run here (always under CI, which installs it). */
export function formationSkipReason(): string | undefined {
  if (process.env['CI'] === 'true') return undefined;
  if (!existsSync(PG_AUTOCTL) || !existsSync(join(PG_AUTOCTL_BIN, 'pg_ctl')))
    return `pg_autoctl is not installed (apt-get install postgresql-${VERSION}-auto-failover); CI installs it`;
  if (process.getuid?.() !== 0) return 'the formation runs as the postgres user, which needs root to switch to';
  return undefined;
}

export interface Formation {
  /** The formation's URI, as `pg_autoctl show uri` prints it (both hosts, target_session_attrs=read-write). */
  uri: string;
  /** The nodes' ports, in the order of the URI. */
  ports: number[];
  /** The port of the node that is primary now. */
  primaryPort(): Promise<number>;
  /** failover asks the monitor for a planned failover and resolves when it is done. */
  failover(): Promise<void>;
  /** killPrimary SIGKILLs the primary's postmaster (an unplanned failure). */
  killPrimary(): Promise<number>;
  /** fastHealthChecks makes the monitor call a silent node unhealthy within seconds. */
  fastHealthChecks(): Promise<void>;
  /** waitForPromotion resolves once the node on `port` is gone and another reports itself primary. */
  waitForPromotion(deadPort: number, timeoutMs?: number): Promise<number>;
  /** waitForStates resolves once one node is primary and the other secondary. */
  waitForStates(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** startFormation brings up a monitor and two nodes and waits for primary and secondary. */
export async function startFormation(options: { sqlDatabase?: string } = {}): Promise<Formation> {
  const dir = scratchDir('formation');
  const pw = postgresIds();
  chownSync(dir, pw.uid, pw.gid);
  // pg_autoctl keeps its pid and state files in XDG_RUNTIME_DIR when it exists, else under
  // /tmp/pg_autoctl, which would outlive the formation's folder.
  const runtime = join(dir, 'run');
  mkdirSync(runtime);
  chownSync(runtime, pw.uid, pw.gid);
  const env = {
    PATH: `${PG_AUTOCTL_BIN}:/usr/bin:/bin`,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_RUNTIME_DIR: runtime,
    PG_AUTOCTL_DEBUG: '',
  };
  const asPostgres = { uid: pw.uid, gid: pw.gid, env, cwd: dir };
  const ctl = async (...args: string[]): Promise<string> => (await run(PG_AUTOCTL, args, asPostgres)).stdout;
  const keepers = new Map<string, ChildProcess>();
  const keep = (pgdata: string): void => {
    // detached: its own process group, so an unplanned failure can take the keeper and its PostgreSQL at once.
    const child = spawn(PG_AUTOCTL, ['run', '--pgdata', pgdata], { ...asPostgres, stdio: 'ignore', detached: true });
    running.add(child);
    keepers.set(pgdata, child);
    child.once('exit', () => running.delete(child));
  };
  const children = (): ChildProcess[] => [...running];

  const monPort = await unusedPort();
  const ports = [await unusedPort(), await unusedPort()];
  const mon = join(dir, 'monitor');
  const common = ['--hostname', '127.0.0.1', '--auth', 'trust', '--no-ssl'];
  const nodes: string[] = [];
  async function stopAll(): Promise<void> {
    // The keepers stop their PostgreSQL on SIGTERM; whatever is left after that is killed.
    const left = children();
    for (const child of left) child.kill('SIGTERM');
    await Promise.race([
      Promise.all(left.map((c) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r))))),
      new Promise((r) => setTimeout(r, 20_000)),
    ]);
    for (const pgdata of [...nodes, mon])
      await run(join(PG_AUTOCTL_BIN, 'pg_ctl'), ['stop', '-D', pgdata, '-m', 'immediate'], asPostgres).catch(
        () => undefined,
      );
    for (const child of children()) killGroup(child);
  }
  async function states(): Promise<Array<{ port: number; reported: string; assigned: string }>> {
    const out = await ctl('show', 'state', '--pgdata', mon, '--json').catch(() => '[]');
    const rows = JSON.parse(out || '[]') as Array<{
      nodeport: number;
      current_group_state: string;
      assigned_group_state: string;
    }>;
    return rows.map((r) => ({ port: r.nodeport, reported: r.current_group_state, assigned: r.assigned_group_state }));
  }
  async function waitForPrimary(): Promise<void> {
    await waitFor(
      async () => (await states()).some((s) => s.reported === 'single' || s.reported === 'primary'),
      90_000,
    );
  }
  async function waitForStates(timeoutMs = 120_000): Promise<void> {
    await waitFor(async () => {
      const s = await states();
      return (
        s.length === 2 &&
        s.some((n) => n.reported === 'primary' && n.assigned === 'primary') &&
        s.some((n) => n.reported === 'secondary' && n.assigned === 'secondary')
      );
    }, timeoutMs);
  }
  try {
    await ctl('create', 'monitor', '--pgdata', mon, '--pgport', String(monPort), ...common);
    keep(mon);
    const monitorUri = `postgres://autoctl_node@127.0.0.1:${monPort}/pg_auto_failover?sslmode=prefer`;
    for (const [i, port] of ports.entries()) {
      const pgdata = join(dir, `node${i + 1}`);
      nodes.push(pgdata);
      // Both nodes are created one after the other: the second must find the first primary.
      await retry(() =>
        ctl(
          'create',
          'postgres',
          '--pgdata',
          pgdata,
          '--pgport',
          String(port),
          '--name',
          `node${i + 1}`,
          '--dbname',
          options.sqlDatabase ?? 'sat',
          '--monitor',
          monitorUri,
          ...common,
        ),
      );
      keep(pgdata);
      if (i === 0) await waitForPrimary();
    }

    await waitForStates();
  } catch (err) {
    await stopAll();
    throw err;
  }
  const uri = (await ctl('show', 'uri', '--pgdata', mon, '--formation', 'default')).trim();

  async function primaryPort(): Promise<number> {
    const p = (await states()).find((s) => s.reported === 'primary' || s.assigned === 'primary');
    if (!p) throw new Error('no primary');
    return p.port;
  }
  return {
    uri,
    ports,
    primaryPort,
    async failover() {
      await ctl('perform', 'failover', '--pgdata', mon, '--wait', '120');
    },
    async killPrimary() {
      // The machine is gone: its keeper (which would restart PostgreSQL) and its PostgreSQL, at once.
      const port = await primaryPort();
      const pgdata = nodes[ports.indexOf(port)] as string;
      const pid = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const keeper = keepers.get(pgdata);
      if (keeper) killGroup(keeper);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // it went with its keeper's group
      }
      return port;
    },
    async fastHealthChecks() {
      // The monitor's defaults take about 30 s to call a node unhealthy; a test waits a few.
      const monitor = new pg.Client({
        host: '127.0.0.1',
        port: monPort,
        user: 'postgres',
        database: 'pg_auto_failover',
      });
      await monitor.connect();
      try {
        for (const [name, value] of Object.entries(FAST_HEALTH_CHECKS))
          await monitor.query(`ALTER SYSTEM SET pgautofailover.${name} = ${value}`);
        await monitor.query('SELECT pg_reload_conf()');
      } finally {
        await monitor.end();
      }
    },
    waitForStates,
    async waitForPromotion(deadPort, timeoutMs = 90_000) {
      let promoted = 0;
      await waitFor(async () => {
        const s = await states();
        const p = s.find((n) => n.port !== deadPort && ['wait_primary', 'primary', 'single'].includes(n.reported));
        promoted = p?.port ?? 0;
        return promoted !== 0;
      }, timeoutMs);
      return promoted;
    },
    stop: stopAll,
  };
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user (the PostgreSQL server package creates it)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`formation: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function retry<T>(f: () => Promise<T>, times = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (i >= times) throw err;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
