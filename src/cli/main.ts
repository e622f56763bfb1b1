/**
 * @module cli/main
 * The `satnotify` command line: commander parses arguments and prints each command's help; this
 * file maps outcomes to exit codes. 0: done or help shown. 2: a bad command, flag or value (one
 * line naming it, then that command's usage). 1: the command ran and failed (one line with a hint).
 * No stack trace reaches the user unless SATNOTIFY_DEBUG=1.
 */
import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { IANAZone } from 'luxon';
import { DatabaseError, InvalidConfigError, SatnotifyError } from '../errors.js';
import { configReference } from './config-reference.js';
import { demoJson, printDemo, runDemo } from './demo.js';
import { preview, previewAll } from './preview.js';
import { sendTest } from './send-test.js';
import { showConfig } from './show-config.js';
import { serve } from './serve.js';
import { nodeStatus } from './status.js';
import { history } from './history.js';
import { operator } from './operator.js';
import { printTimeline, runTimeline } from './timeline.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** CliIO is where the CLI writes; tests pass their own. */
export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

/** main runs one CLI invocation and returns the process exit code; it never throws. */
export async function main(
  argv: string[],
  io: CliIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), env: process.env },
): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // commander already printed the line and the usage
    io.err(`satnotify: ${explain(err)}\n`);
    if (io.env['SATNOTIFY_DEBUG'] === '1' && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
    return 1;
  }
}

function buildProgram(io: CliIO): Command {
  const program = new Command('satnotify')
    .description('Rate-limited notifications from a storage-network satellite to node operators.')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (line, write) => write(line.replace(/^error: /, 'satnotify: ')),
    })
    .addHelpText(
      'after',
      `\nRun "satnotify <command> --help" for a command's options and an example.\nSet SATNOTIFY_DEBUG=1 to see stack traces.`,
    );

  program
    .command('demo')
    .description('the main job: a scripted day of a satellite on the embedded database (no server needed)')
    .addOption(
      new Option('--nodes <n>', 'how many storage nodes to simulate').default(50).argParser(wholeNumber(1, 10_000)),
    )
    .option('--dir <dir>', 'where the demo writes its database and emails (wiped first)', '.satnotify/demo')
    .option('--json', 'print one JSON object instead of the story')
    .addHelpText('after', '\nExample:\n  satnotify demo --nodes 12')
    .action(async (o: { nodes: number; dir: string; json?: boolean }) => {
      const report = await runDemo({
        nodes: o.nodes,
        dir: o.dir,
        ...(!o.json && { log: (l: string) => io.out(`${l}\n`) }),
      });
      if (o.json) io.out(`${JSON.stringify(demoJson(report))}\n`);
      else printDemo(report, (l) => io.out(`${l}\n`));
    });

  program
    .command('preview')
    .description(
      "render a kind's email (or a template) with its sample data, or a JSON file laid over it, in a reader's language and zone; `digest` renders a sample day's digest, `report` an operator's report of a sample week, `network-report` the network's report of a sample day",
    )
    .argument('[template]', 'kind or template name, e.g. audit-failed, digest, report, network-report')
    .option('--all', 'every kind, the digest and the reports, one after another (for reading them all in one go)')
    .option('--data <file>', 'JSON object whose keys replace the sample data')
    .addOption(new Option('--format <format>', 'which part to print').choices(['text', 'html']).default('text'))
    .option('--locale <locale>', "the reader's language: en, de or pl (default: preferences.language)")
    .option('--zone <zone>', "the reader's IANA time zone (default: preferences.timezone, else limits.timezone)")
    .option('--config <file>', 'JSON config file (satellite name, links, reputation rules, templates)')
    .addHelpText(
      'after',
      '\nExamples:\n  satnotify preview node-offline --format html > offline.html\n  satnotify preview digest --locale de --zone Europe/Berlin\n  satnotify preview report --locale pl --format html > report.html\n  satnotify preview --all --locale pl',
    )
    .action(
      (
        template: string | undefined,
        o: { all?: boolean; data?: string; format: 'text' | 'html'; locale?: string; zone?: string; config?: string },
        cmd: Command,
      ) => {
        if (!template === !o.all)
          cmd.error(
            `satnotify: ${template ? '--all prints every kind; name no template with it' : 'name a template, or pass --all'}`,
            { exitCode: 2 },
          );
        const options = {
          format: o.format,
          ...(o.locale && { locale: o.locale }),
          ...(o.zone && { zone: o.zone }),
          ...(o.config && { configFile: o.config }),
        };
        io.out(template ? preview(template, { ...options, ...(o.data && { dataFile: o.data }) }) : previewAll(options));
      },
    );

  program
    .command('status')
    .description("a node's counters per channel (sends this hour, this day, last send)")
    .argument('<nodeId>', 'node id (base58check or 64 hex digits)')
    .option('--db <dir>', 'embedded database folder (the demo writes .satnotify/demo/db)')
    .option('--config <file>', 'JSON config file (SATNOTIFY_* variables apply over it)')
    .addHelpText(
      'after',
      '\nExamples:\n  satnotify status 12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S --db .satnotify/demo/db\n  SATNOTIFY_DATABASE_URL=postgres://127.0.0.1/sat satnotify status <nodeId>',
    )
    .action(async (nodeId: string, o: { db?: string; config?: string }) => {
      io.out(`${JSON.stringify(await nodeStatus(nodeId, { env: io.env, ...o }), null, 2)}\n`);
    });

  program
    .command('history')
    .description(
      'the support view: every notification kept for a node or an operator, its fate and why (held by which limit, suppressed by whose choice, failed with what reply, in which digest)',
    )
    .argument('<nodeId|address>', 'node id (base58check or 64 hex digits) or operator email address')
    .addOption(new Option('--since <time>', 'only what was recorded from then on (ISO 8601)').argParser(isoTime))
    .addOption(new Option('--limit <n>', 'at most this many rows').default(100).argParser(wholeNumber(1, 1000)))
    .addOption(
      new Option('--zone <zone>', 'IANA time zone the times are shown in').default(localZone()).argParser(ianaZone),
    )
    .option('--json', 'print the history as JSON')
    .option('--db <dir>', 'embedded database folder (the demo writes .satnotify/demo/db)')
    .option('--config <file>', 'JSON config file (SATNOTIFY_* variables apply over it)')
    .addHelpText(
      'after',
      '\nExamples:\n  satnotify history op@example.com --since 2026-05-05T00:00:00Z --zone Europe/Berlin\n  satnotify history <nodeId> --db .satnotify/demo/db --json',
    )
    .action(
      async (
        subject: string,
        o: { since?: string; limit: number; zone: string; json?: boolean; db?: string; config?: string },
      ) => {
        io.out(await history(subject, { ...o, env: io.env }));
      },
    );

  program
    .command('operator')
    .description(
      "an operator's data rights: export prints everything kept about them as JSON; erase removes their address from everything satnotify holds (counts kept)",
    )
    .addArgument(new Argument('<action>', 'what to do').choices(['export', 'erase']))
    .argument('<address>', "the operator's email address")
    .option('--db <dir>', 'embedded database folder (the demo writes .satnotify/demo/db)')
    .option('--config <file>', 'JSON config file (SATNOTIFY_* variables apply over it)')
    .addHelpText(
      'after',
      '\nExamples:\n  satnotify operator export op@example.com > op.json\n  satnotify operator erase op@example.com --config satnotify.json',
    )
    .action(async (action: 'export' | 'erase', address: string, o: { db?: string; config?: string }) => {
      io.out(await operator(action, address, { ...o, env: io.env }));
    });

  program
    .command('send-test')
    .description('send the sample announcement through the configured sender (SMTP, or .eml files)')
    .requiredOption('--to <address>', 'recipient email address')
    .option('--config <file>', 'JSON config file (SATNOTIFY_* variables apply over it)')
    .addHelpText(
      'after',
      '\nExample:\n  SATNOTIFY_SMTP_URL=smtp://127.0.0.1:2525 satnotify send-test --to you@example.com',
    )
    .action(async (o: { to: string; config?: string }) => {
      io.out(`${await sendTest(o.to, { env: io.env, ...(o.config && { configFile: o.config }) })}\n`);
    });

  program
    .command('timeline')
    .description(
      'play one day of email attempts for one node through the limiter (in memory) and show what was allowed',
    )
    .addOption(
      new Option('--zone <zone>', 'IANA time zone whose calendar hours and days count')
        .default('Europe/Berlin')
        .argParser(ianaZone),
    )
    .addOption(new Option('--every <minutes>', 'minutes between attempts').default(10).argParser(wholeNumber(1, 1440)))
    .option('--config <file>', 'JSON config file whose limits.email to use (SATNOTIFY_* variables apply over it)')
    .addHelpText(
      'after',
      '\nThe day is 2024-10-27, when Europe falls back: it has 25 hours.\n\nExample:\n  SATNOTIFY_LIMITS_EMAIL_MAXHR=1 satnotify timeline --zone America/New_York --every 30',
    )
    .action(async (o: { zone: string; every: number; config?: string }) => {
      printTimeline(
        await runTimeline({
          zone: o.zone,
          everyMinutes: o.every,
          env: io.env,
          ...(o.config && { configFile: o.config }),
        }),
        (l) => io.out(`${l}\n`),
      );
    });

  program
    .command('serve')
    .description(
      "serve the operators' pages: one-click unsubscribe, preferences, private feeds (and run the dispatcher)",
    )
    .addOption(new Option('--port <port>', 'port to listen on').default(8080).argParser(wholeNumber(0, 65535)))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--api <host:port>', 'also serve the gRPC API a satellite calls (api.listen), e.g. 127.0.0.1:7778')
    .option(
      '--config <file>',
      'JSON config file (SATNOTIFY_* variables apply over it); web.baseUrl and web.secrets belong there',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  SATNOTIFY_WEB_BASEURL=https://sat.example/notify satnotify serve --port 8080 --config satnotify.json\n  satnotify serve --api 127.0.0.1:7778 --config satnotify.json   # api.tokens in the config, their values in the secrets file',
    )
    .action(async (o: { port: number; host: string; config?: string; api?: string }) => {
      await serve(
        {
          port: o.port,
          host: o.host,
          env: io.env,
          ...(o.config && { configFile: o.config }),
          ...(o.api && { api: o.api }),
        },
        (line) => io.out(`${line}\n`),
      );
    });

  program
    .command('config')
    .description('print the configuration in effect (defaults, --config file, SATNOTIFY_* variables), passwords masked')
    .option('--config <file>', 'JSON config file')
    .option('--defaults', 'print only the defaults')
    .option('--reference', 'print the reference of every key (CONFIG.md), as Markdown')
    .addHelpText(
      'after',
      '\nEvery key is described in CONFIG.md.\n\nExample:\n  SATNOTIFY_LIMITS_EMAIL_MAXHR=3 satnotify config',
    )
    .action((o: { config?: string; defaults?: boolean; reference?: boolean }) => {
      if (o.reference) return io.out(configReference());
      io.out(
        `${JSON.stringify(showConfig({ env: o.defaults ? {} : io.env, ...(o.config && !o.defaults && { configFile: o.config }) }), null, 2)}\n`,
      );
    });

  return program;
}

/** explain is the one line a user reads for a failed command: what went wrong and what to try. */
function explain(err: unknown): string {
  if (err instanceof InvalidConfigError)
    return `${err.message}\n  (check the --config file and SATNOTIFY_* variables; "satnotify config --help" shows where values come from)`;
  if (err instanceof DatabaseError)
    return `${err.message}\n  (is the database running and the URL right? SATNOTIFY_DATABASE_URL or database.url in --config)`;
  if (err instanceof SatnotifyError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  return `${message.split('\n')[0] ?? message} (SATNOTIFY_DEBUG=1 shows the stack trace)`;
}

function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

function isoTime(value: string): string {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('must be an ISO 8601 time with its offset, such as 2026-05-05T00:00:00Z.');
  return value;
}

/** localZone is this machine's zone, the default reader of the support view. */
function localZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && IANAZone.isValidZone(zone) ? zone : 'UTC';
}

function ianaZone(value: string): string {
  if (!IANAZone.isValidZone(value))
    throw new InvalidArgumentError('must be an IANA time zone such as Europe/Berlin or UTC.');
  return value;
}
