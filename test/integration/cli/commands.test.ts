/**
 * The built `satnotify` binary as a user meets it: help for every command, exit codes (0 done,
 * 2 bad usage, 1 failed), one line per problem and never a stack trace.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createNotificationService } from '../../../src/notification/create.js';
import { runCli, type CliRun } from '../../helpers/child.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex } from '../../helpers/databases.js';
import { scratchDir } from '../../helpers/scratch.js';
import { startSmtpSink } from '../../helpers/smtp-sink.js';

const COMMANDS = ['demo', 'preview', 'status', 'send-test', 'timeline', 'config'];
/** A Node stack frame, as `at fn (file:line:col)`; no user should ever see one. */
const STACK = /^\s+at .+:\d+:\d+\)?$/m;
/** The environment without SATNOTIFY_* or DATABASE_URL from the developer's shell. */
const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('SATNOTIFY_') && k !== 'DATABASE_URL'),
);

function assertNoStack(r: CliRun): void {
  assert.doesNotMatch(r.stderr, STACK, `stack trace on stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, STACK, `stack trace on stdout:\n${r.stdout}`);
}

function assertUsageError(r: CliRun, names: RegExp): void {
  assert.equal(r.code, 2, `exit code 2 expected, got ${r.code}: ${r.stderr}`);
  const [first] = r.stderr.split('\n');
  assert.match(first ?? '', /^satnotify: /);
  assert.match(first ?? '', names);
  assert.match(r.stderr, /Usage: satnotify/);
  assertNoStack(r);
}

describe('satnotify CLI: help and usage errors', () => {
  for (const args of [['--help'], ['-h'], ['help'], []]) {
    it(`"satnotify ${args.join(' ')}" lists every command and exits 0`, async () => {
      const r = await runCli(args, { env: CLEAN_ENV });
      assert.equal(r.code, 0, r.stderr);
      for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^\\s+${c}\\b`, 'm'), `${c} listed`);
      assert.equal(r.stderr, '');
    });
  }

  for (const c of COMMANDS) {
    it(`"satnotify ${c} --help" prints its options and an example, exit 0`, async () => {
      const r = await runCli([c, '--help'], { env: CLEAN_ENV });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: satnotify ${c}`));
      assert.match(r.stdout, /Options:/);
      assert.match(r.stdout, /Example/);
      assertNoStack(r);
    });
  }

  const bad: Array<[string[], RegExp]> = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['demo', '--bogus'], /unknown option '--bogus'/],
    [['demo', '--nodes', '0'], /--nodes.*'0' is invalid.*whole number from 1/],
    [['demo', '--nodes', 'many'], /--nodes.*'many' is invalid/],
    [['status', 'X', '--config'], /--config <file>' argument missing/],
    [['status'], /missing required argument 'nodeId'/],
    [['send-test', '--to', 'a@b.example', 'extra'], /too many arguments/],
    [['send-test'], /required option '--to <address>' not specified/],
    [['timeline', '--every', '-10'], /--every/],
    [['timeline', '--every', '0'], /--every.*whole number from 1 to 1440/],
    [['timeline', '--every', 'abc'], /--every.*'abc' is invalid/],
    [['timeline', '--zone', 'Mars/Base'], /--zone.*IANA time zone/],
    [['preview', 'audit-failed', '--format', 'pdf'], /--format.*'pdf' is invalid.*text, html/],
  ];
  for (const [args, names] of bad) {
    it(`"satnotify ${args.join(' ')}" names the problem in one line, shows the usage, exits 2`, async () => {
      assertUsageError(await runCli(args, { env: CLEAN_ENV }), names);
    });
  }
});

describe('satnotify CLI: commands', () => {
  it('send-test delivers the sample announcement through the configured SMTP server', async () => {
    const sink = await startSmtpSink();
    try {
      const r = await runCli(['send-test', '--to', 'admin@example.com'], {
        env: { ...CLEAN_ENV, SATNOTIFY_SMTP_URL: sink.url },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^sent \S+ via smtp:\/\/127\.0\.0\.1/);
      await sink.waitFor(1);
      assert.match((sink.received[0] as (typeof sink.received)[number]).parsed.subject ?? '', /satnotify test message/);
    } finally {
      await sink.close();
    }
  });

  it('preview prints a template with its sample data', async () => {
    const r = await runCli(['preview', 'audit-failed'], { env: CLEAN_ENV });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Subject: \[Satellite\] Audit failed on node 12EayRS2V1kE: score 0\.961 \(disqualification below 0\.960\)/,
    );
    assert.match(r.stdout, /Margin: 0\.001/);
  });

  it('preview --locale --zone words a kind, and a digest, for that reader', async () => {
    const r = await runCli(['preview', 'node-offline', '--locale', 'de', '--zone', 'Europe/Berlin'], {
      env: CLEAN_ENV,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Subject: \[Satellite\] Ihr Node 12EayRS2V1kE ist offline/);
    assert.match(r.stdout, /Zeitpunkt: 01\.05\.2024, 10:04 CEST \(Europe\/Berlin\)/);
    const d = await runCli(['preview', 'digest', '--locale', 'pl', '--zone', 'Europe/Warsaw'], { env: CLEAN_ENV });
    assert.equal(d.code, 0, d.stderr);
    assert.match(
      d.stdout,
      /^Subject: \[Satellite\] Wynik audytów 0,961 \(dyskwalifikacja poniżej 0,960\) · 2 węzły offline/,
    );
    assert.match(d.stdout, /8 powiadomień o 3 Twoich węzłach/);
    const bad = await runCli(['preview', 'node-offline', '--locale', 'xx'], { env: CLEAN_ENV });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--locale.*en, de, pl/);
  });

  it('an unknown template is one line naming the known ones, exit 1', async () => {
    const r = await runCli(['preview', 'nope'], { env: CLEAN_ENV });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^satnotify: template nope: unknown template \(known: .*audit-failed/);
    assertNoStack(r);
  });

  it('preview --data checks the file as caller data: unknown and ill-typed fields named, exit 1', async () => {
    const dir = scratchDir('cli-preview');
    const file = join(dir, 'data.json');
    writeFileSync(file, JSON.stringify({ score: { x: 1 }, scroe: '0.9' }));
    const r = await runCli(['preview', 'audit-failed', '--data', file], { env: CLEAN_ENV });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^satnotify: invalid data\.score: must be a decimal number.*; data: unknown field "scroe"$/m,
    );
    assertNoStack(r);
  });

  it('a malformed node id is one line naming it, exit 1', async () => {
    const r = await runCli(['status', 'not-a-node', '--db', scratchDir('cli-badid')], { env: CLEAN_ENV });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^satnotify: /);
    assertNoStack(r);
  });

  it('status on a folder without a database says so, points at the demo, and creates nothing', async () => {
    const cwd = scratchDir('cli-nodb');
    const r = await runCli(['status', randomNodeIdHex()], { env: CLEAN_ENV, cwd });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^satnotify: no database in \.satnotify\/db — the demo's database is \.satnotify\/demo\/db; pass --db/,
    );
    assertNoStack(r);
    assert.deepEqual(readdirSync(cwd), [], 'nothing written');
  });

  it('status reads the demo database with --db, and names the database for an unknown node', async () => {
    const cwd = scratchDir('cli-demo-db');
    const demo = await runCli(['demo', '--nodes', '3', '--json'], { env: CLEAN_ENV, cwd });
    assert.equal(demo.code, 0, demo.stderr);
    const db = join('.satnotify', 'demo', 'db');
    assert.ok(existsSync(join(cwd, db, 'PG_VERSION')));
    const unknown = await runCli(['status', randomNodeIdHex(), '--db', db], { env: CLEAN_ENV, cwd });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^satnotify: unknown node \S+ in \.satnotify\/demo\/db\n$/);
    assertNoStack(unknown);
  });

  it("status prints a node's counters from PostgreSQL", { skip: postgresSkipReason }, async () => {
    const url = await freshPostgresUrl('satnotify_cli_status');
    const svc = await createNotificationService({
      database: { url },
      dispatcher: { autoStart: false },
      mail: { outboxDir: scratchDir('cli-status') },
    });
    const id = randomNodeIdHex();
    await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: 'st@example.com' });
    await svc.informNodeEmail(id, { template: 'disqualified', data: { reason: 'x' } });
    await svc.close();
    const r = await runCli(['status', id], { env: { ...CLEAN_ENV, SATNOTIFY_DATABASE_URL: url } });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as {
      email: { hrCounter: number; dayCounter: number; lastSent: string | null };
      log: { hrCounter: number };
    };
    assert.equal(s.email.hrCounter, 1);
    assert.equal(s.email.dayCounter, 1);
    assert.equal(s.log.hrCounter, 0);
  });

  it('an unreachable database is one line with a hint and the password masked, exit 1', async () => {
    const r = await runCli(['status', randomNodeIdHex()], {
      env: {
        ...CLEAN_ENV,
        SATNOTIFY_DATABASE_URL: 'postgres://u:S3cretPw@127.0.0.1:1/x',
        SATNOTIFY_DATABASE_CONNECTTIMEOUT: '2s',
      },
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^satnotify: cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
    assert.match(r.stderr, /SATNOTIFY_DATABASE_URL/);
    assert.doesNotMatch(r.stderr + r.stdout, /S3cretPw/);
    assertNoStack(r);
  });

  it('timeline reads limits from SATNOTIFY_* and says which it used', async () => {
    const r = await runCli(['timeline', '--every', '30', '--zone', 'UTC'], {
      env: { ...CLEAN_ENV, SATNOTIFY_LIMITS_EMAIL_MAXHR: '1', SATNOTIFY_LIMITS_EMAIL_MAXDAY: '3' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^3 allowed, 45 denied, in UTC with limits\.email maxHr 1, maxDay 3, minDelay 15 minutes$/m);
  });

  it('config prints the configuration in effect with passwords masked', async () => {
    const r = await runCli(['config'], {
      env: {
        ...CLEAN_ENV,
        SATNOTIFY_SMTP_URL: 'smtps://me:Hunter2@mail.example:465',
        SATNOTIFY_LIMITS_EMAIL_MAXHR: '3',
      },
    });
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout) as { smtp: { url: string }; limits: { email: { maxHr: number; minDelay: string } } };
    assert.equal(c.smtp.url, 'smtps://me:***@mail.example:465');
    assert.equal(c.limits.email.maxHr, 3);
    assert.equal(c.limits.email.minDelay, '15m');
  });

  it('a bad config value is one line naming the key, exit 1, with the password masked', async () => {
    const r = await runCli(['config'], { env: { ...CLEAN_ENV, SATNOTIFY_DATABASE: '"postgres://u:S3cretDB@h/db"' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^satnotify: invalid config: database: /);
    assert.doesNotMatch(r.stderr, /S3cretDB/);
    assertNoStack(r);
  });
});
