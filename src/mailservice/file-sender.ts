/**
 * @module mailservice/file-sender
 * Sender that writes each message as an `.eml` file: the embedded default when no SMTP server is
 * configured. It composes through nodemailer's stream transport, so the bytes are the MIME the
 * SMTP path would put on the wire (CRLF line ends included).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import { DeliveryError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SmtpConfig } from './config.js';
import { dkimOptions } from './dkim.js';
import { toNodemailer } from './nodemailer-message.js';
import type { MailMessage, Sender, SendResult } from './sender.js';

/** FileSender writes `<outboxDir>/<date>-<message id>.eml` and logs one line per message. */
export class FileSender implements Sender {
  readonly description: string;
  readonly dir: string;
  readonly #transport: ReturnType<typeof nodemailer.createTransport>;
  readonly #logger: Logger;

  /** `dkim` signs each file as SMTP would (the `smtp.dkim` section), when set. */
  constructor(dir: string, logger: Logger, dkim: SmtpConfig['dkim'] = null) {
    this.#transport = nodemailer.createTransport({
      streamTransport: true,
      buffer: true,
      newline: 'windows',
      ...dkimOptions(dkim),
    });
    this.dir = resolve(dir);
    this.description = `files in ${this.dir}`;
    this.#logger = logger;
  }

  async send(m: MailMessage): Promise<SendResult> {
    const file = join(
      this.dir,
      `${m.date.toISOString().replace(/[:.]/g, '-')}-${m.messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`,
    );
    try {
      const info = (await this.#transport.sendMail(toNodemailer(m))) as { message: Buffer };
      // The folder is made on the first message, so a process that never sends mail leaves none behind.
      await mkdir(this.dir, { recursive: true });
      await writeFile(file, info.message);
    } catch (err) {
      throw new DeliveryError(
        { channel: 'email', permanent: false },
        `cannot write ${file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.#logger.info({ to: m.to, subject: m.subject, messageId: m.messageId, file }, 'email written');
    return { messageId: m.messageId, response: `written ${file}` };
  }

  /** verify has nothing to check before the first message makes the folder. */
  verify(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
