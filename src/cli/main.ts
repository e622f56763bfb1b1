/**
 * @module cli/main
 * The `satnotify` command line: parses arguments and hands each subcommand to its module.
 */
import { parseArgs } from 'node:util';
import { SatnotifyError } from '../errors.js';
import { preview } from './preview.js';
import { runTimeline, type TimelineRow } from './timeline.js';

const USAGE = `usage: satnotify <command> [options]

commands:
  demo [--nodes N] [--json]        the main job on the embedded database
  timeline [--zone Z] [--every M]  a day of email attempts for one node through the limiter
  preview <template> [--data FILE] [--format html|text]
                                   render a template with its sample data (or FILE over it)
`;

/** main runs one CLI invocation and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
    case 'timeline': {
      const { values } = parseArgs({ args: rest, options: { zone: { type: 'string', default: 'Europe/Berlin' }, every: { type: 'string', default: '10' }, json: { type: 'boolean' }, nodes: { type: 'string' } } });
      const rows = await runTimeline({ limits: { timezone: values.zone } }, Number(values.every));
      if (values.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
      } else {
        printTimeline(rows);
        process.stdout.write(`\n${rows.filter((r) => r.allowed).length} allowed, ${rows.filter((r) => !r.allowed).length} denied (maxHr 2, maxDay 5, minDelay 15m)\n`);
      }
      return 0;
    }
    case 'preview': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { data: { type: 'string' }, format: { type: 'string', default: 'text' } } });
      const [template] = positionals;
      if (!template || (values.format !== 'html' && values.format !== 'text')) {
        process.stderr.write(USAGE);
        return 2;
      }
      process.stdout.write(preview(template, { format: values.format, ...(values.data && { dataFile: values.data }) }));
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`satnotify: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
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
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`satnotify: ${err instanceof SatnotifyError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
}
