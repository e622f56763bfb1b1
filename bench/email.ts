/**
 * Email throughput: our pipeline (decide, word for the reader, render, send through the SMTP pool)
 * against a bare pooled nodemailer loop sending an already rendered message, both into one local
 * smtp-server that discards.
 */
import nodemailer from 'nodemailer';
import { resolveConfig } from '../src/config.js';
import { createSender } from '../src/mailservice/create-sender.js';
import { MailService } from '../src/mailservice/service.js';
import { TemplateSet } from '../src/mailservice/templates.js';
import { MemoryStatusStore } from '../src/notification/limits/memory-store.js';
import { contentFor } from '../src/notification/content/content.js';
import { SAMPLE_NODE, type Reader } from '../src/notification/content/wording.js';
import { compare, opsPerSecond, type Comparison } from './measure.js';
import { startDiscardingSmtp } from './sinks.js';

export async function emailBenchmark(ops: number): Promise<Comparison> {
  const sink = await startDiscardingSmtp();
  const url = sink.url;
  const config = resolveConfig({ smtp: { url, maxConnections: 5, maxMessages: 100_000 } });
  const templates = TemplateSet.load();
  const mail = new MailService({ templates, sender: createSender(config), from: config.smtp.from });
  const status = new MemoryStatusStore();
  const limits = { ...config.limits.email, maxHr: 1_000_000, maxDay: 1_000_000, minDelayMs: 0, timezone: 'UTC' };
  const content = contentFor(templates, config);
  const data = templates.sample('audit-failed');
  const reader: Reader = { locale: 'en', zone: 'Europe/Warsaw' };
  const at = new Date('2024-05-01T08:04:00Z');
  const wordsFor = (to: string): { template: string; data: Record<string, unknown> } =>
    content.emailFor('audit-failed', data, SAMPLE_NODE, to, at, reader);
  const rendered = mail.render('event', wordsFor('op@example.com').data);
  const bare = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: Number(new URL(url).port),
    secure: false,
    maxConnections: 5,
    maxMessages: 100_000,
  });

  const ours = (i: number): Promise<unknown> =>
    status.reserve({ subject: `n${i % 1000}`, channel: 'email' }, new Date(), limits).then(() => {
      const to = `op${i % 1000}@example.com`;
      const email = wordsFor(to);
      return mail.sendRendered(to, email.template, email.data, { messageId: `o${i}@bench` });
    });
  const peer = (i: number): Promise<unknown> =>
    bare.sendMail({
      from: config.smtp.from,
      to: `op${i % 1000}@example.com`,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      messageId: `<p${i}@bench>`,
    });
  let offset = 0;
  const result = await compare(
    'emails (decide + word + render + SMTP send), pool of 5',
    'bare pooled nodemailer loop',
    () => opsPerSecond(ours, ops, 20, (offset += ops)),
    () => opsPerSecond(peer, ops, 20, (offset += ops)),
    5,
    'emails/s',
  );
  await mail.close();
  bare.close();
  await sink.close();
  return result;
}
