/**
 * Render throughput: our MailService.render of `audit-failed` (data checks, strict handlebars,
 * subject check) against the same three templates compiled with bare handlebars.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { createSender } from '../src/mailservice/sender.js';
import { MailService } from '../src/mailservice/service.js';
import { DEFAULT_TEMPLATES_DIR, TemplateSet } from '../src/mailservice/templates.js';
import { resolveConfig } from '../src/config.js';
import { compare, opsPerSecond, type Comparison } from './measure.js';

export async function renderBenchmark(ops: number): Promise<Comparison> {
  const templates = TemplateSet.load();
  const config = resolveConfig({ mail: { outboxDir: '.satnotify/bench-outbox' } });
  const mail = new MailService({ templates, sender: createSender(config), from: config.smtp.from });
  const data = templates.sample('audit-failed');

  const read = (f: string): string => readFileSync(join(DEFAULT_TEMPLATES_DIR, f), 'utf8');
  const html = Handlebars.create();
  const text = Handlebars.create();
  for (const p of ['layout', 'header', 'footer', 'node']) {
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
    subject: text.compile(read('audit-failed.subject.hbs'), { noEscape: true }),
    html: html.compile(read('audit-failed.html.hbs')),
    text: text.compile(read('audit-failed.text.hbs'), { noEscape: true }),
  };
  // Both sides return nothing, so the harness's await does the same work for each.
  let sink = 0;
  const ours = (): Promise<number> =>
    opsPerSecond(() => {
      sink += mail.render('audit-failed', data).html.length;
    }, ops, 1);
  const peer = (): Promise<number> =>
    opsPerSecond(() => {
      const subject = bare.subject(data);
      sink += bare.html({ ...data, subject }).length + bare.text(data).length;
    }, ops, 1);
  const result = await compare('render audit-failed (subject + HTML + text)', 'bare compiled handlebars', ours, peer, 5, 'ops/s', 4);
  if (sink === 0) throw new Error('nothing rendered');
  return result;
}
