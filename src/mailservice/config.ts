/**
 * @module mailservice/config
 * The `smtp` and `mail` sections: outgoing mail, templates and the file sender.
 */
import { z } from 'zod';
import { count, DAY, duration, flag, MAX_COUNT, MINUTE, section, url } from '../config-schema.js';
import { mailbox } from '../input/address.js';
import { SECRET_REF } from '../secrets.js';

const DOMAIN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const SELECTOR = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_-]{1,63})*$/;

/** DEFAULT_FROM is a sender no mail provider accepts (.invalid): fine for .eml files, never for SMTP. */
export const DEFAULT_FROM = 'Satellite <noreply@satellite.invalid>';

/** SMTP_CONFIG is the `smtp` section: outgoing mail. */
export const SMTP_CONFIG = section(
  {
    url: url(
      ['smtp', 'smtps'],
      'SMTP URL, credentials allowed (`smtps://user:pass@host:465`); empty: `.eml` files in `mail.outboxDir`',
    ),
    from: mailbox()
      .default(DEFAULT_FROM)
      .describe('The From header of every email: one mailbox with a domain, with or without a display name.'),
    pool: flag(true, 'Reuse connections (nodemailer pool)'),
    maxConnections: count(5, 1, 1000, 'Pooled connections at most'),
    maxMessages: count(100, 1, MAX_COUNT, 'Messages per pooled connection before it is recycled'),
    rateDelta: duration('1s', 1, DAY, 'The window `rateLimit` counts in'),
    rateLimit: count(0, 0, MAX_COUNT, 'Messages per `rateDelta`; 0: unlimited'),
    secure: flag(false, 'Implicit TLS (port 465 style)'),
    requireTLS: flag(false, 'Refuse to send unless STARTTLS succeeds'),
    tlsRejectUnauthorized: flag(true, 'Verify the server certificate (keep true in production)'),
    verifyOnStart: flag(
      false,
      'Fail createNotificationService when the server cannot be reached, logged into or trusted (it is always checked at startup; when false, a failure is logged once)',
    ),
    connectionTimeout: duration('10s', 100, 10 * MINUTE, 'How long to wait for the TCP connection'),
    greetingTimeout: duration('10s', 100, 10 * MINUTE, "How long to wait for the server's greeting"),
    socketTimeout: duration('30s', 100, 10 * MINUTE, 'How long a connection may stay silent'),
    dkim: z
      .strictObject({
        domainName: z
          .string()
          .regex(DOMAIN, 'must be a domain name such as sat.example')
          .describe("The signing domain (d=), the From address's domain or a parent of it."),
        keySelector: z
          .string()
          .regex(SELECTOR, 'must be a DNS label such as s1')
          .describe('The selector (s=): the public key is published as TXT at <keySelector>._domainkey.<domainName>.'),
        privateKey: z
          .union([
            SECRET_REF,
            z
              .string()
              .regex(/^-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'must be a PEM private key; better, { "secret": "name" }'),
          ])
          .describe('The private key (PEM), as `{ "secret": "name" }` from secretsFile or `{ "env": "NAME" }`.'),
      })
      .nullable()
      .default(null)
      .describe(
        'DKIM-sign every email (nodemailer), List-Unsubscribe and List-Unsubscribe-Post among the signed headers; null: unsigned.',
      ),
  },
  'Outgoing mail.',
);

/** MAIL_CONFIG is the `mail` section: rendering and the file sender. */
export const MAIL_CONFIG = section(
  {
    outboxDir: z
      .string()
      .min(1)
      .default('.satnotify/outbox')
      .describe('Where the file sender writes `.eml` files (made on the first email).'),
    templatesDir: z.string().default('').describe('Template folder; empty: the templates shipped with the package.'),
  },
  'Email rendering and the file sender.',
);

/** SmtpConfig is the resolved `smtp` section. */
export type SmtpConfig = z.output<typeof SMTP_CONFIG>;
/** MailConfig is the resolved `mail` section. */
export type MailConfig = z.output<typeof MAIL_CONFIG>;
