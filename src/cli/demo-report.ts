/**
 * @module cli/demo-report
 * What `satnotify demo` says: the introduction, a line per step, and the summary at the end
 * (what happened to every notification, and what to open next); and the `--json` object.
 */
import { relative } from 'node:path';
import { formatSpan } from '../i18n/format.js';
import type { NotificationService } from '../notification/service.js';
import type { ChannelTally } from '../notification/outbox/tally.js';

/** DemoStep is one moment of the day: what the satellite reported, and what satnotify did about it. */
export interface DemoStep {
  at: string;
  what: string;
  /** Notifications recorded in this step, per channel. */
  recorded: Record<'email' | 'log', number>;
  /** Messages that left in this step: emails (a digest is one) and node-log messages. */
  sent: Record<'email' | 'log', number>;
  /** Notifications waiting after this step: in the grouping wait, or held by a limit. */
  waiting: number;
}

/** DemoReport is the demo's result; `--json` prints its contract part (see demoJson). */
export interface DemoReport {
  nodes: number;
  operators: number;
  zone: string;
  emails: ChannelTally;
  logs: ChannelTally;
  duplicates: number;
  outboxDir: string;
  databaseDir: string;
  /** An email to open first: a digest if one left, else any. */
  sampleEmail: string | null;
  /** The operator's report the day ended with, if it left. */
  reportEmail: string | null;
  nodeIds: string[];
  steps: DemoStep[];
  byKind: Array<{ channel: string; kind: string; sent: number; held: number; failed: number; suppressed: number }>;
  logSample: string[];
}

/** demoJson is the object `satnotify demo --json` prints (CONTRACT.md). */
export function demoJson(r: DemoReport): Pick<DemoReport, 'nodes' | 'emails' | 'logs' | 'duplicates' | 'outboxDir'> {
  return { nodes: r.nodes, emails: r.emails, logs: r.logs, duplicates: r.duplicates, outboxDir: r.outboxDir };
}

export function intro(
  svc: NotificationService,
  say: (line: string) => void,
  o: { nodes: number; operators: number; dir: string },
): void {
  const { email, log, timezone } = svc.config.limits;
  const limit = (l: typeof email): string =>
    `${l.maxHr} per hour, ${l.maxDay} per day, at least ${formatSpan(l.minDelayMs)} apart`;
  say(
    `satnotify demo: one simulated day of a satellite with ${nodes(o.nodes)} of ${o.operators} operator${o.operators === 1 ? '' : 's'} (up to 3 nodes each), in ${timezone}.`,
  );
  say(
    `Everything is written under ${shown(o.dir)}: the embedded database (db/) and every email as an .eml file (outbox/).`,
  );
  say(`Limits per node: emails ${limit(email)}; node-log messages ${limit(log)}.`);
  say(
    `An operator's emails wait ${formatSpan(svc.config.grouping.waitMs)} so that several nodes' news leaves as one email; what a limit holds back leaves later as one digest.`,
  );
  say('');
  say('Each step: what the satellite reported → what satnotify recorded, what left, and what is still waiting.');
  say('');
}

export function describeStep(s: DemoStep): string {
  const recorded = s.recorded.email + s.recorded.log;
  const news =
    recorded === 0
      ? 'no new notifications'
      : `${count(recorded, 'new notification')} (${s.recorded.email} by email, ${s.recorded.log} to node logs)`;
  const sent =
    s.sent.email + s.sent.log === 0
      ? 'nothing sent'
      : `sent ${count(s.sent.email, 'email')} and ${count(s.sent.log, 'node-log message')}`;
  const waiting =
    s.waiting === 0 ? 'nothing waiting' : `${s.waiting} waiting (for the grouping wait, or held by a limit)`;
  return `${s.at}  ${s.what}\n${' '.repeat(s.at.length + 2)}→ ${news}; ${sent}; ${waiting}`;
}

/** printDemo prints the summary after the steps: what happened, per kind, and where to look next. */
export function printDemo(r: DemoReport, write: (line: string) => void): void {
  write('');
  write('What happened to every notification ("sent" includes those delivered inside a digest):');
  write(
    `  ${'channel'.padEnd(8)} ${'kind'.padEnd(22)} ${'sent'.padStart(5)} ${'held'.padStart(5)} ${'failed'.padStart(6)} ${'suppressed'.padStart(10)}`,
  );
  for (const k of r.byKind)
    write(
      `  ${k.channel.padEnd(8)} ${k.kind.padEnd(22)} ${String(k.sent).padStart(5)} ${String(k.held).padStart(5)} ${String(k.failed).padStart(6)} ${String(k.suppressed).padStart(10)}`,
    );
  write('');
  for (const [name, c, carrier] of [
    ['email', r.emails, 'email'],
    ['node log', r.logs, 'node-log message'],
  ] as const) {
    write(
      `${`${name}:`.padEnd(10)}${count(c.generated, 'notification')} → ${count(c.messages, carrier)} sent (${c.messages - c.digests} single, ${count(c.digests, 'digest')}); ${c.held} still held, ${c.failed} failed, ${c.suppressed} suppressed`,
    );
  }
  if (r.emails.suppressed + r.logs.suppressed > 0)
    write('"suppressed": news about the disqualified node after its disqualification, recorded but not sent.');
  write(`duplicates: ${r.duplicates} (every email's Message-ID and every node-log id arrived once)`);
  if (r.emails.held + r.logs.held > 0)
    write('"still held" ones leave as a digest once their node may be sent to again, after the demo\'s last step.');
  write('');
  write('Open next:');
  const next = (label: string, what: string): void => write(`  ${label.padEnd(20)} ${what}`);
  next(
    'the emails',
    `${shown(r.outboxDir)} (${count(r.emails.messages, '.eml file')}; any mail client or text editor opens them)`,
  );
  if (r.sampleEmail) next('e.g. a digest', shown(r.sampleEmail));
  if (r.reportEmail) next("an operator's report", shown(r.reportEmail));
  next('a template', 'npx satnotify preview audit-failed   (--format html for the HTML part)');
  if (r.nodeIds[0]) next("a node's counters", `npx satnotify status ${r.nodeIds[0]} --db ${shown(r.databaseDir)}`);
  next('the limiter, a day', 'npx satnotify timeline --zone Europe/Berlin');
  if (r.logSample.length > 0) {
    write('');
    write('What a node wrote into its own log (first lines, then digests):');
    for (const l of r.logSample) write(`  ${l.trim()}`);
  }
}

export function nodes(n: number): string {
  return count(n, 'node');
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** shown is a path as the user should type it: relative when under the working directory. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
