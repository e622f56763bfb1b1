/**
 * @module mailservice/create-sender
 * createSender picks the Sender implementation from config, as nodemailer's createTransport stands
 * apart from its transports: the seam (sender.ts) does not import its implementations.
 */
import type { MailConfig, SmtpConfig } from './config.js';
import { silentLogger, type Logger } from '../logger.js';
import { FileSender } from './file-sender.js';
import type { Sender } from './sender.js';
import { SmtpSender } from './smtp-sender.js';

/** createSender returns the SMTP sender when `smtp.url` is set, else the file sender. */
export function createSender(
  config: { smtp: SmtpConfig; mail: Pick<MailConfig, 'outboxDir'> },
  logger: Logger = silentLogger,
): Sender {
  return config.smtp.url
    ? new SmtpSender(config.smtp)
    : new FileSender(config.mail.outboxDir, logger, config.smtp.dkim);
}
