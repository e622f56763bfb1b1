/**
 * @module mailservice/smtp-sender
 * Sender over SMTP through a nodemailer connection pool.
 */
import nodemailer from 'nodemailer';
import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';
import { redactUrl } from '../redact.js';
import type { SmtpConfig } from './config.js';
import { toDeliveryError } from './delivery-error.js';
import { dkimOptions } from './dkim.js';
import { toNodemailer } from './nodemailer-message.js';
import type { MailMessage, Sender, SendResult } from './sender.js';

type Transporter = ReturnType<typeof nodemailer.createTransport>;

/** SmtpSender sends over a pooled (or single) SMTP connection with TLS/STARTTLS and optional auth. */
export class SmtpSender implements Sender {
  readonly description: string;
  readonly #transport: Transporter;

  constructor(config: SmtpConfig) {
    this.description = redactUrl(config.url);
    this.#transport = nodemailer.createTransport(smtpOptions(config));
  }

  async send(m: MailMessage): Promise<SendResult> {
    try {
      const info = (await this.#transport.sendMail(toNodemailer(m))) as { response?: string };
      return { messageId: m.messageId, response: info.response ?? '' };
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  async verify(): Promise<void> {
    try {
      await this.#transport.verify();
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  close(): Promise<void> {
    this.#transport.close();
    return Promise.resolve();
  }
}

/**
 * smtpOptions maps config to nodemailer options; credentials come from the URL and stay out of logs.
 * @internal Not part of the published types, which would otherwise need nodemailer's.
 */
export function smtpOptions(config: SmtpConfig): SMTPPoolOptions {
  const u = new URL(config.url);
  const secure = u.protocol === 'smtps:' || config.secure;
  return {
    pool: true,
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    requireTLS: config.requireTLS,
    tls: { rejectUnauthorized: config.tlsRejectUnauthorized },
    ...(u.username && { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }),
    maxConnections: config.pool ? config.maxConnections : 1,
    maxMessages: config.pool ? config.maxMessages : 1,
    ...(config.rateLimit > 0 && { rateDelta: config.rateDeltaMs, rateLimit: config.rateLimit }),
    connectionTimeout: config.connectionTimeoutMs,
    greetingTimeout: config.greetingTimeoutMs,
    socketTimeout: config.socketTimeoutMs,
    ...dkimOptions(config.dkim),
    logger: false,
    debug: false,
  };
}
