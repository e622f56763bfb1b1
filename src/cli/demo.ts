/**
 * @module cli/demo
 * `satnotify demo`: the main job on the embedded database. Seeds nodes into PGlite, starts an
 * in-process NodeLogServer every node points to, and plays a scripted day on a simulated clock:
 * outages, audit failures near the disqualification bar, containment, a disqualification, outdated
 * versions, a storm where every node fails at once, and a broadcast. Each step reports what the
 * satellite said and what satnotify did; the end says where everything went and what to open next.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { jsonLinesLogger } from '../logger.js';
import { createNotificationService } from '../notification/create.js';
import { formatClock, formatSpan } from '../i18n/format.js';
import { NodeLogServer } from '../node/node-log-server.js';
import type { NotificationService } from '../notification/service.js';
import { outcomeOf, tallyChannel, type ChannelTally } from '../notification/outbox/tally.js';
import { describeStep, intro, nodes, type DemoReport, type DemoStep } from './demo-report.js';

export { demoJson, printDemo, type DemoReport, type DemoStep } from './demo-report.js';
import { NodeId } from '../overlay/node-id.js';

const ZONE = 'Europe/Berlin';

/** runDemo plays the scripted day with `nodes` nodes under `dir` (wiped first) and returns the report. */
export async function runDemo(
  options: { nodes?: number; dir?: string; log?: (line: string) => void } = {},
): Promise<DemoReport> {
  const count = options.nodes ?? 50;
  const say = options.log ?? (() => undefined);
  const dir = resolve(options.dir ?? '.satnotify/demo');
  rmSync(dir, { recursive: true, force: true });
  const outboxDir = join(dir, 'outbox');
  const logLines: string[] = [];
  const nodeLog = new NodeLogServer({ sink: (l) => logLines.push(l) });
  const address = `127.0.0.1:${await nodeLog.listen()}`;
  let now = DateTime.fromISO('2024-05-01T00:00', { zone: ZONE });
  const svc = await createNotificationService({
    clock: () => now.toJSDate(),
    database: { dataDir: join(dir, 'db') },
    mail: { outboxDir },
    satellite: { name: 'demo-satellite', id: '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S' },
    limits: { timezone: ZONE },
    links: {
      support: 'https://support.example.com/new',
      dashboard: 'https://dashboard.example.com/',
      docs: {
        'node-offline': 'https://docs.example.com/node/troubleshooting#offline',
        disqualified: 'https://docs.example.com/node/disqualification',
      },
    },
    dispatcher: { autoStart: false },
    nodeLog: { idleClose: '5s' },
    // Problems go to stderr; routine lines would drown the story.
    logger: { ...jsonLinesLogger((l) => process.stderr.write(l)), info: () => undefined },
  });
  try {
    const ids = await seed(svc, count, address, now.toJSDate());
    const operators = Math.ceil(count / 3);
    intro(svc, say, { nodes: count, operators, dir });
    const steps: DemoStep[] = [];
    const snapshot = async (): Promise<{ email: ChannelTally; log: ChannelTally }> => {
      const counts = await svc.outboxCounts();
      return { email: tallyChannel(counts, 'email'), log: tallyChannel(counts, 'log') };
    };
    const at = async (hhmm: string, what: string, act: () => Promise<unknown>): Promise<void> => {
      now = DateTime.fromISO(`${now.toISODate()}T${hhmm}`, { zone: ZONE });
      const before = await snapshot();
      await act();
      await svc.dispatch();
      const after = await snapshot();
      const step: DemoStep = {
        at: `${now.toISODate()} ${formatClock(now.toJSDate(), ZONE)}`,
        what,
        recorded: {
          email: after.email.generated - before.email.generated,
          log: after.log.generated - before.log.generated,
        },
        sent: { email: after.email.messages - before.email.messages, log: after.log.messages - before.log.messages },
        waiting: after.email.held + after.log.held,
      };
      steps.push(step);
      say(describeStep(step));
    };
    const some = (from: number, n: number): string[] => ids.slice(from % ids.length, (from % ids.length) + n);
    const each = (list: string[], f: (id: string) => Promise<unknown>): Promise<unknown> => Promise.all(list.map(f));
    const down = some(0, 5);
    const auditing = some(5, 5);
    const contained = some(10, 2);
    const dq = some(12, 1);
    const suspended = some(13, 1);

    const checks = (list: string[], ok: boolean): Promise<unknown> => each(list, (id) => svc.onUptimeCheck(id, { ok }));
    const flaky = down.slice(0, 1);
    await at('06:00', `uptime checks fail for ${nodes(down.length)}`, () => checks(down, false));
    for (const t of ['06:20', '06:40'])
      await at(
        t,
        `uptime checks fail again for the same ${nodes(down.length)} (offline is reported after ${formatSpan(svc.config.hooks.offlineAfterMs)} of failures)`,
        () => checks(down, false),
      );
    await at('07:00', 'uptime checks still fail, an hour after they started failing', () => checks(down, false));
    await at('07:30', `uptime checks succeed again for the ${nodes(down.length)}`, () => checks(down, true));
    await at('07:40', `a short blip: checks fail for ${nodes(auditing.slice(0, 1).length)}`, () =>
      checks(auditing.slice(0, 1), false),
    );
    await at('08:00', 'and pass again 20 minutes later (never reported: shorter than the offline threshold)', () =>
      checks(auditing.slice(0, 1), true),
    );
    await at(
      '08:10',
      `audits fail for ${nodes(auditing.length)}, whose scores are just above the disqualification bar`,
      () =>
        each(auditing, (id) =>
          svc.onAuditResult(id, { passed: false, score: 0.962 + Math.random() * 0.01, dqThreshold: 0.96 }),
        ),
    );
    await at('09:00', `containment starts for ${nodes(contained.length)}`, () =>
      each(contained, (id) => svc.onContainment(id, { contained: true })),
    );
    await at('09:30', `containment ends for the ${nodes(contained.length)}`, () =>
      each(contained, (id) => svc.onContainment(id, { contained: false })),
    );
    await at('10:00', `the satellite disqualifies ${nodes(dq.length)}`, () =>
      each(dq, (id) => svc.onDisqualified(id, { reason: 'too many failed audits', score: 0.958 })),
    );
    await at(
      '10:05',
      `uptime checks fail for the disqualified node and ${nodes(flaky.length)} that was down this morning`,
      () => checks([...dq, ...flaky], false),
    );
    await at('11:05', 'they still fail an hour later', () => checks([...dq, ...flaky], false));
    await at(
      '11:30',
      `uptime checks succeed again: the ${nodes(flaky.length)} has changed state four times today`,
      () => checks(flaky, true),
    );
    await at('11:35', `the satellite suspends ${nodes(suspended.length)} for downtime (online score 0.583)`, () =>
      each(suspended, (id) => svc.onSuspension(id, { reason: 'offline', suspended: true, score: 0.583 })),
    );
    await at(
      '11:40',
      `version check of all ${nodes(ids.length)} (minimum 1.68.0; ${nodes(ids.filter((_, i) => versionOf(i) === OLD_VERSION).length)} run ${OLD_VERSION})`,
      () =>
        each(ids, (id) =>
          svc.onVersionCheck(id, {
            version: versionOf(ids.indexOf(id)),
            minimum: '1.68.0',
            latest: '1.70.2',
            deadline: '2024-05-15T00:00:00Z',
          }),
        ),
    );
    await at('14:00', `STORM: uptime checks fail for all ${nodes(ids.length)} at once`, () => checks(ids, false));
    for (const t of ['14:20', '14:40'])
      await at(t, 'the storm goes on: the same checks fail again', () => checks(ids, false));
    await at('15:00', 'an hour of failures: every node is reported offline', () => checks(ids, false));
    await at('15:35', `uptime checks succeed again for all ${nodes(ids.length)}`, () => checks(ids, true));
    await at('16:00', 'the satellite broadcasts an announcement to the nodes below 1.68.0', () =>
      svc.broadcast({ versionBelow: '1.68.0' }, { template: 'announcement', data: UPDATE_NOTICE }),
    );
    // Reputation updates (svc.onScores): one report inside the warning margin is not news; a second, lower one is.
    await at(
      '16:30',
      `reputation update: the audit scores of the ${nodes(auditing.length)} are just above the bar`,
      () => each(auditing, (id) => svc.onScores(id, { audit: 0.968 })),
    );
    await at('16:45', `the next update: their audit scores are falling (an early warning, once)`, () =>
      each(auditing, (id) => svc.onScores(id, { audit: 0.965 })),
    );
    await at('17:00', 'nothing new is reported; the dispatcher sends what the limits allow again', () =>
      Promise.resolve(),
    );
    // The satellite's tally loop reports each node's usage; one operator wants a report every day.
    await at(
      '20:00',
      `the satellite reports the day's usage of all ${nodes(ids.length)}; operator0@example.com chose a daily report`,
      async () => {
        await svc.preferences.update('operator0@example.com', { reports: 'daily' });
        await svc.onUsages(
          ids.map((id, i) => ({
            nodeId: id,
            storedBytes: 2e12 + i * 3.7e10,
            freeBytes: 1.5e12 - i * 1e10,
            egressBytes: 4e10 + i * 1e9,
            ingressBytes: 6e9,
          })),
        );
      },
    );
    now = now.plus({ days: 1 });
    for (const t of ['00:00', '06:00'])
      await at(t, 'next day: the daily limits start again; what is still held leaves as one digest per node', () =>
        Promise.resolve(),
      );
    await at(
      '09:00',
      "operator0's day has ended at 09:00 in their zone: one report of their nodes, counted against no limit",
      () => svc.runReports(),
    );
    return await report(svc, { nodes: count, operators, dir, outboxDir, ids, steps, server: nodeLog, logLines });
  } finally {
    await svc.close();
    await nodeLog.close();
  }
}

async function seed(svc: NotificationService, n: number, address: string, now: Date): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = NodeId.fromBytes(Buffer.from(crypto.getRandomValues(new Uint8Array(32)))).toString();
    // Operators own up to three nodes each, so grouping has something to group.
    await svc.overlay.upsertNode({
      id,
      address,
      email: `operator${Math.floor(i / 3)}@example.com`,
      version: versionOf(i),
      lastContactSuccess: now,
      auditScore: 1,
    });
    ids.push(id);
  }
  return ids;
}

/** Three nodes in ten run an outdated version. */
const OLD_VERSION = '1.60.2';

/** The announcement the demo's satellite sends to the nodes it has to update. */
const UPDATE_NOTICE = {
  title: 'Version 1.68 is required from May 15',
  paragraphs: [`Nodes still running ${OLD_VERSION} or anything below 1.68.0 stop receiving new data on 2024-05-15.`],
  action: 'Update the node software (docker pull, or check that the updater service runs).',
};

function versionOf(i: number): string {
  return i % 10 < 3 ? OLD_VERSION : '1.70.1';
}

interface ReportInput {
  nodes: number;
  operators: number;
  dir: string;
  outboxDir: string;
  ids: string[];
  steps: DemoStep[];
  server: NodeLogServer;
  logLines: string[];
}

async function report(svc: NotificationService, o: ReportInput): Promise<DemoReport> {
  const counts = await svc.outboxCounts();
  const kinds = new Map<string, DemoReport['byKind'][number]>();
  for (const r of counts) {
    if (r.kind === 'digest') continue;
    const row = kinds.get(`${r.channel}/${r.kind}`) ?? {
      channel: r.channel,
      kind: r.kind,
      sent: 0,
      held: 0,
      failed: 0,
      suppressed: 0,
    };
    row[outcomeOf(r)] += r.count;
    kinds.set(`${r.channel}/${r.kind}`, row);
  }
  const files = existsSync(o.outboxDir) ? readdirSync(o.outboxDir).filter((f) => f.endsWith('.eml')) : [];
  const messageIds = files.map((f) => f.replace(/^[0-9TZ-]+-/, ''));
  const ofKind = (kind: string): string | undefined =>
    files.find((f) => readFileSync(join(o.outboxDir, f), 'utf8').includes(`X-Satnotify-Kind: ${kind}`));
  const digest = ofKind('digest');
  const reportFile = ofKind('report');
  const sample = digest ?? files[0];
  return {
    nodes: o.nodes,
    operators: o.operators,
    zone: ZONE,
    emails: tallyChannel(counts, 'email'),
    logs: tallyChannel(counts, 'log'),
    duplicates: messageIds.length - new Set(messageIds).size + o.server.counts.duplicate,
    outboxDir: o.outboxDir,
    databaseDir: join(o.dir, 'db'),
    sampleEmail: sample ? join(o.outboxDir, sample) : null,
    reportEmail: reportFile ? join(o.outboxDir, reportFile) : null,
    nodeIds: o.ids,
    steps: o.steps,
    byKind: [...kinds.values()],
    logSample: o.logLines.slice(0, 3).concat(o.logLines.filter((l) => l.includes('"DIGEST"')).slice(0, 2)),
  };
}
