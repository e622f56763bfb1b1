/**
 * Email throughput: our pipeline (decide, render, send through the SMTP pool) against a bare pooled
 * nodemailer loop sending an already rendered message, both into one local smtp-server that discards.
 */
import nodemailer from 'nodemailer';
import { resolveConfig } from '../src/config.js';
import { createSender } from '../src/mailservice/create-sender.js';
import { MailService } from '../src/mailservice/service.js';
import { TemplateSet } from '../src/mailservice/templates.js';
import { MemoryStatusStore } from '../src/notification/limits/memory-store.js';
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
  const data = templates.sample('audit-failed');
  const rendered = mail.render('audit-failed', data);
  const bare = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: Number(new URL(url).port), secure: false, maxConnections: 5, maxMessages: 100_000 });

  const ours = (i: number): Promise<unknown> =>
    status.reserve({ subject: `n${i % 1000}`, channel: 'email' }, new Date(), limits).then(() => mail.sendRendered(`op${i % 1000}@example.com`, 'audit-failed', data, { messageId: `o${i}@bench` }));
  const peer = (i: number): Promise<unknown> =>
    bare.sendMail({ from: config.smtp.from, to: `op${i % 1000}@example.com`, subject: rendered.subject, html: rendered.html, text: rendered.text, messageId: `<p${i}@bench>` });
  let offset = 0;
  const result = await compare(
    'emails (decide + render + SMTP send), pooled, 5 connections',
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
