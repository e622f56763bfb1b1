/**
 * @module cli/main
 * The `satnotify` command line: parses arguments and hands each subcommand to its module.
 * Commands that need a database or SMTP read config from `--config FILE` and `SATNOTIFY_…` variables.
 */
import { parseArgs } from 'node:util';
import { resolveConfig } from '../config.js';
import { SatnotifyError } from '../errors.js';
import { createSender } from '../mailservice/sender.js';
import { MailService } from '../mailservice/service.js';
import { TemplateSet } from '../mailservice/templates.js';
import { createNotificationService } from '../notification/create.js';
import { runDemo, type DemoReport } from './demo.js';
import { preview } from './preview.js';
import { runTimeline, type TimelineRow } from './timeline.js';

const USAGE = `usage: satnotify <command> [options]

commands:
  demo [--nodes N] [--json]        the main job: a scripted day on the embedded database
  preview <template> [--data FILE] [--format html|text]
                                   render a template with its sample data (or FILE over it)
  status <nodeId> [--config FILE]  a node's counters on both channels
  send-test --to ADDRESS [--config FILE]
                                   send the sample announcement through the configured sender
  timeline [--zone Z] [--every M]  a day of email attempts for one node through the limiter
`;

/** main runs one CLI invocation and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo': {
      const { values } = parseArgs({ args: rest, options: { nodes: { type: 'string', default: '50' }, json: { type: 'boolean' } } });
      const nodes = Number(values.nodes);
      if (!Number.isInteger(nodes) || nodes < 1) return usage('--nodes takes a whole number ≥ 1');
      const report = await runDemo({ nodes, ...(!values.json && { log: (l: string) => process.stdout.write(`${l}\n`) }) });
      if (values.json) {
        const { byKind: _k, logSample: _s, ...contract } = report;
        process.stdout.write(`${JSON.stringify(contract)}\n`);
      } else printDemo(report);
      return 0;
    }
    case 'timeline': {
      const { values } = parseArgs({ args: rest, options: { zone: { type: 'string', default: 'Europe/Berlin' }, every: { type: 'string', default: '10' } } });
      printTimeline(await runTimeline({ limits: { timezone: values.zone } }, Number(values.every)));
      return 0;
    }
    case 'preview': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { data: { type: 'string' }, format: { type: 'string', default: 'text' } } });
      const [template] = positionals;
      if (!template) return usage('preview needs a template name');
      if (values.format !== 'html' && values.format !== 'text') return usage('--format is html or text');
      process.stdout.write(preview(template, { format: values.format, ...(values.data && { dataFile: values.data }) }));
      return 0;
    }
    case 'status': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { config: { type: 'string' } } });
      const [nodeId] = positionals;
      if (!nodeId) return usage('status needs a node id');
      const svc = await createNotificationService({ env: process.env, dispatcher: { autoStart: false }, ...(values.config && { configFile: values.config }) });
      try {
        process.stdout.write(`${JSON.stringify(await svc.status(nodeId), null, 2)}\n`);
      } finally {
        await svc.close();
      }
      return 0;
    }
    case 'send-test': {
      const { values } = parseArgs({ args: rest, options: { to: { type: 'string' }, config: { type: 'string' } } });
      if (!values.to) return usage('send-test needs --to ADDRESS');
      const config = resolveConfig({}, { env: process.env, ...(values.config && { file: values.config }) });
      const templates = TemplateSet.load(config.mail.templatesDir || undefined);
      const mail = new MailService({ templates, sender: createSender(config), from: config.smtp.from });
      try {
        const data = { ...templates.sample('announcement'), satellite: { name: config.satellite.name }, recipient: values.to, title: 'satnotify test message' };
        const r = await mail.sendRendered(values.to, 'announcement', data);
        process.stdout.write(`sent ${r.messageId} via ${mail.sender.description}: ${r.response}\n`);
      } finally {
        await mail.close();
      }
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      return usage(`unknown command ${JSON.stringify(command)}`);
  }
}

function usage(problem: string): number {
  process.stderr.write(`satnotify: ${problem}\n${USAGE}`);
  return 2;
}

function printDemo(r: DemoReport): void {
  const w = (s: string): boolean => process.stdout.write(`${s}\n`);
  w('');
  w(`${r.nodes} nodes. Per kind and channel (items; "sent" includes those delivered inside a digest):`);
  w(`  ${'channel'.padEnd(8)} ${'kind'.padEnd(22)} ${'sent'.padStart(5)} ${'held'.padStart(5)} ${'failed'.padStart(6)}`);
  for (const k of r.byKind) w(`  ${k.channel.padEnd(8)} ${k.kind.padEnd(22)} ${String(k.sent).padStart(5)} ${String(k.held).padStart(5)} ${String(k.failed).padStart(6)}`);
  for (const [name, c] of [['emails', r.emails], ['node logs', r.logs]] as const) {
    w(`${name}: ${c.generated} generated = ${c.sent} sent + ${c.held} held + ${c.failed} failed; ${c.digests} digests delivered`);
  }
  w(`duplicates: ${r.duplicates}`);
  w(`emails written to ${r.outboxDir}`);
  w('sample node-log lines:');
  for (const l of r.logSample) w(`  ${l.trim()}`);
}

/** printTimeline prints one line per attempt, folding a run of identical denials into one line. */
function printTimeline(rows: TimelineRow[]): void {
  const say = (r: TimelineRow): string => (r.allowed ? 'ALLOWED' : `denied  ${r.reason} (next ${r.retryAt ?? 'never'})`);
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j + 1 < rows.length && say(rows[j + 1] as TimelineRow) === say(rows[i] as TimelineRow) && !rows[i]?.allowed) j++;
    const first = rows[i] as TimelineRow;
    const span = j > i ? `${first.at} … ${(rows[j] as TimelineRow).at.slice(11)} ×${j - i + 1}` : first.at;
    process.stdout.write(`${span.padEnd(40)} ${say(first)}\n`);
    i = j + 1;
  }
  process.stdout.write(`\n${rows.filter((r) => r.allowed).length} allowed, ${rows.filter((r) => !r.allowed).length} denied (email defaults: maxHr 2, maxDay 5, minDelay 15m)\n`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`satnotify: ${err instanceof SatnotifyError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exitCode = 1;
}
