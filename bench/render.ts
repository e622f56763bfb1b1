/**
 * Render throughput: our MailService.render of an `audit-failed` email (data checks, strict
 * handlebars, subject check) against the same three templates compiled with bare handlebars. Both
 * render the data the dispatcher renders: the event worded for its reader (Content.emailFor).
 *
 * It runs in a process of its own with V8's allocation-site pretenuring off, for both sides alike.
 * On handlebars' render path that heuristic misfires at random (bare handlebars alone: 4 of 8
 * processes): it moves the per-render objects of whichever template set renders first to the old
 * generation, and from then on garbage collection takes ~40% of the time and throughput halves.
 * Which side it strikes is chance, so a ratio measured with it on says nothing about either
 * side's code. BENCHMARKS.md has the measurements.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Handlebars from 'handlebars';
import { createSender } from '../src/mailservice/create-sender.js';
import { MailService } from '../src/mailservice/service.js';
import { DEFAULT_TEMPLATES_DIR, TemplateSet } from '../src/mailservice/templates.js';
import { resolveConfig } from '../src/config.js';
import { contentFor } from '../src/notification/content/content.js';
import { SAMPLE_NODE } from '../src/notification/content/wording.js';
import { compare, opsPerSecond, type Comparison } from './measure.js';

/** renderBenchmarkIsolated runs renderBenchmark in a fresh process with pretenuring off (see above). */
export async function renderBenchmarkIsolated(ops: number): Promise<Comparison> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--no-allocation-site-pretenuring',
    '--import',
    'tsx',
    SELF,
    String(ops),
  ]);
  return JSON.parse(stdout) as Comparison;
}

const SELF = fileURLToPath(import.meta.url);

/** renderBenchmark compares in this process. */
export async function renderBenchmark(ops: number): Promise<Comparison> {
  const templates = TemplateSet.load();
  const config = resolveConfig({ mail: { outboxDir: '.satnotify/bench-outbox' } });
  const mail = new MailService({ templates, sender: createSender(config), from: config.smtp.from });
  const email = contentFor(templates, config).emailFor(
    'audit-failed',
    templates.sample('audit-failed'),
    SAMPLE_NODE,
    'operator@example.com',
    new Date('2024-05-01T08:04:00Z'),
    { locale: 'en', zone: 'Europe/Warsaw' },
  );
  const data = email.data;

  const read = (f: string): string => readFileSync(join(DEFAULT_TEMPLATES_DIR, f), 'utf8');
  const html = Handlebars.create();
  const text = Handlebars.create();
  for (const p of ['layout', 'header', 'footer', 'node', 'steps', 'buttons']) {
    try {
      html.registerPartial(p, read(`partials/${p}.html.hbs`));
    } catch {
      // no html variant of this partial
    }
    try {
      text.registerPartial(p, read(`partials/${p}.text.hbs`));
    } catch {
      // no text variant of this partial
    }
  }
  const bare = {
    subject: text.compile(read(`${email.template}.subject.hbs`).trim(), { noEscape: true }),
    html: html.compile(read(`${email.template}.html.hbs`)),
    text: text.compile(read(`${email.template}.text.hbs`), { noEscape: true }),
  };
  // Both sides return nothing, so the harness's await does the same work for each.
  let sink = 0;
  const ours = (): Promise<number> =>
    opsPerSecond(
      () => {
        sink += mail.render(email.template, data).html.length;
      },
      ops,
      1,
    );
  const peer = (): Promise<number> =>
    opsPerSecond(
      () => {
        const subject = bare.subject(data);
        sink += bare.html({ ...data, subject }).length + bare.text(data).length;
      },
      ops,
      1,
    );
  const result = await compare(
    'render audit-failed (subject + HTML + text)',
    'bare compiled handlebars',
    ours,
    peer,
    7,
    'ops/s',
    4,
  );
  if (sink === 0) throw new Error('nothing rendered');
  return result;
}

if (process.argv[1] === SELF)
  process.stdout.write(`${JSON.stringify(await renderBenchmark(Number(process.argv[2])))}\n`);
