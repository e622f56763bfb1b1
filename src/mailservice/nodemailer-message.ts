/**
 * @module mailservice/nodemailer-message
 * One MailMessage as nodemailer's message options, shared by the SMTP and file senders so both
 * compose exactly the same MIME.
 */
import type { SendMailOptions } from 'nodemailer';
import type { MailMessage } from './sender.js';

/** toNodemailer maps a message; file and URL access stay off, since no message should read either. */
export function toNodemailer(m: MailMessage): SendMailOptions {
  return {
    from: m.from,
    to: m.to,
    subject: m.subject,
    html: m.html,
    text: m.text,
    messageId: `<${m.messageId}>`,
    date: m.date,
    headers: m.headers,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
