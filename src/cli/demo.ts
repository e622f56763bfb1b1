/**
 * @module cli/demo
 * `satnotify demo`: the main job on the embedded database. Seeds nodes into PGlite, starts an
 * in-process NodeLogServer every node points to, and plays a scripted day on a simulated clock:
 * outages, audit failures near the disqualification bar, containment, a disqualification, outdated
 * versions, a storm where every node fails at once, and a broadcast. Then it reports what happened.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { jsonLinesLogger } from '../logger.js';
import { createNotificationService } from '../notification/create.js';
import { NodeLogServer } from '../notification/nodelog/server.js';
import type { NotificationService } from '../notification/service.js';
import { outcomeOf, tallyChannel, type ChannelTally } from '../notification/tally.js';
import type { Channel } from '../notification/types.js';
import { NodeId } from '../overlay/node-id.js';

/** DemoReport is the demo's result; `--json` prints it (without byKind and logSample). */
export interface DemoReport {
  nodes: number;
  emails: ChannelTally;
  logs: ChannelTally;
  duplicates: number;
  outboxDir: string;
  byKind: Array<{ channel: Channel; kind: string; sent: number; held: number; failed: number }>;
  logSample: string[];
}

const ZONE = 'Europe/Berlin';

/** runDemo plays the scripted day with `nodes` nodes under `dir` (wiped first) and returns the report. */
export async function runDemo(options: { nodes?: number; dir?: string; log?: (line: string) => void } = {}): Promise<DemoReport> {
  const count = options.nodes ?? 50;
  const say = options.log ?? (() => undefined);
  const dir = resolve(options.dir ?? '.satnotify/demo');
  rmSync(dir, { recursive: true, force: true });
  const logLines: string[] = [];
  const nodeLog = new NodeLogServer({ sink: (l) => logLines.push(l) });
  const address = `127.0.0.1:${await nodeLog.listen()}`;
  let now = DateTime.fromISO('2024-05-01T00:00', { zone: ZONE });
  const svc = await createNotificationService({
    clock: () => now.toJSDate(),
    database: { dataDir: join(dir, 'db') },
    mail: { outboxDir: join(dir, 'outbox') },
    satellite: { name: 'demo-satellite', id: '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S' },
    limits: { timezone: ZONE },
    dispatcher: { autoStart: false },
    nodeLog: { idleClose: '5s' },
    // Problems go to stderr; routine lines would drown the timeline.
    logger: { ...jsonLinesLogger((l) => process.stderr.write(l)), info: () => undefined },
  });
  try {
    const ids = await seed(svc, count, address, now.toJSDate());
    const at = async (hhmm: string, what: string, act: () => Promise<unknown>): Promise<void> => {
      now = DateTime.fromISO(`${now.toISODate()}T${hhmm}`, { zone: ZONE });
      await act();
      const handled = await svc.dispatch();
      say(`${now.toFormat('yyyy-MM-dd HH:mm ZZZZ')}  ${what} (${handled} delivered or held)`);
    };
    const some = (from: number, n: number): string[] => ids.slice(from % ids.length, (from % ids.length) + n);
    const each = (list: string[], f: (id: string) => Promise<unknown>): Promise<unknown> => Promise.all(list.map(f));

    await at('06:00', `${some(0, 5).length} nodes go offline; checks keep failing every 10 min`, () => each(some(0, 5), (id) => svc.onUptimeCheck(id, { ok: false })));
    for (const t of ['06:10', '06:20', '06:30']) await at(t, 'repeated failed checks (no new news)', () => each(some(0, 5), (id) => svc.onUptimeCheck(id, { ok: false })));
    await at('06:40', 'they come back online', () => each(some(0, 5), (id) => svc.onUptimeCheck(id, { ok: true })));
    await at('08:00', 'audit failures approaching the disqualification bar', () =>
      each(some(5, 5), (id) => svc.onAuditResult(id, { passed: false, score: 0.962 + Math.random() * 0.01, dqThreshold: 0.96 })),
    );
    await at('09:00', 'two nodes enter containment', () => each(some(10, 2), (id) => svc.onContainment(id, { contained: true })));
    await at('09:30', 'and are released', () => each(some(10, 2), (id) => svc.onContainment(id, { contained: false })));
    await at('10:00', 'one node is disqualified', () => each(some(12, 1), (id) => svc.onDisqualified(id, { reason: 'audit failure' })));
    await at('11:00', 'version check of every node (minimum 1.68.0)', () => each(ids, (id) => svc.onVersionCheck(id, { version: versionOf(ids.indexOf(id)), minimum: '1.68.0' })));
    await at('14:00', 'STORM: every node fails its uptime check at once', () => each(ids, (id) => svc.onUptimeCheck(id, { ok: false })));
    for (const t of ['14:10', '14:20']) await at(t, 'the storm goes on (repeats suppressed)', () => each(ids, (id) => svc.onUptimeCheck(id, { ok: false })));
    await at('14:35', 'every node recovers', () => each(ids, (id) => svc.onUptimeCheck(id, { ok: true })));
    await at('16:00', 'broadcast to nodes below 1.68.0', () =>
      svc.broadcast({ versionBelow: '1.68.0' }, { template: 'announcement', data: { title: 'Please update to 1.68', paragraphs: ['Versions below 1.68.0 stop receiving data on 2024-05-15.'], action: 'Update the node software.' } }),
    );
    for (const t of ['17:00', '18:00', '20:00', '23:30']) await at(t, 'dispatcher pass (held windows reopen)', () => Promise.resolve());
    now = now.plus({ days: 1 });
    for (const t of ['00:00', '00:30', '01:00', '02:00', '06:00', '12:00']) await at(t, 'next day: held notifications go out as digests', () => Promise.resolve());
    return await report(svc, count, join(dir, 'outbox'), nodeLog, logLines);
  } finally {
    await svc.close();
    await nodeLog.close();
  }
}

async function seed(svc: NotificationService, count: number, address: string, now: Date): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = NodeId.fromBytes(Buffer.from(crypto.getRandomValues(new Uint8Array(32)))).toString();
    // Operators own up to three nodes each, so grouping has something to group.
    await svc.overlay.upsertNode({ id, address, email: `operator${Math.floor(i / 3)}@example.com`, version: versionOf(i), lastContactSuccess: now, auditScore: 1 });
    ids.push(id);
  }
  return ids;
}

function versionOf(i: number): string {
  return i % 10 < 3 ? '1.60.2' : '1.70.1';
}

async function report(svc: NotificationService, nodes: number, outboxDir: string, server: NodeLogServer, logLines: string[]): Promise<DemoReport> {
  const counts = await svc.outboxCounts();
  const kinds = new Map<string, DemoReport['byKind'][number]>();
  for (const r of counts) {
    if (r.kind === 'digest') continue;
    const row = kinds.get(`${r.channel}/${r.kind}`) ?? { channel: r.channel, kind: r.kind, sent: 0, held: 0, failed: 0 };
    row[outcomeOf(r)] += r.count;
    kinds.set(`${r.channel}/${r.kind}`, row);
  }
  const messageIds = readdirSync(outboxDir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => f.replace(/^[0-9TZ-]+-/, ''));
  return {
    nodes,
    emails: tallyChannel(counts, 'email'),
    logs: tallyChannel(counts, 'log'),
    duplicates: messageIds.length - new Set(messageIds).size + server.counts.duplicate,
    outboxDir,
    byKind: [...kinds.values()],
    logSample: logLines.slice(0, 3).concat(logLines.filter((l) => l.includes('"DIGEST"')).slice(0, 2)),
  };
}
