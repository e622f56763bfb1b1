/**
 * @module mailservice/sender
 * The Sender seam: one message out, by SMTP or into `.eml` files (create-sender.ts picks one).
 */

/** MailMessage is a fully rendered, validated email. */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Message-ID without angle brackets; stable per notification so resends are recognisable. */
  messageId: string;
  date: Date;
  headers: Record<string, string>;
}

/** SendResult is what the transport reported for an accepted message. */
export interface SendResult {
  messageId: string;
  /** The server's final reply, or the file written. */
  response: string;
}

/** Sender delivers messages; failures are DeliveryError with `permanent` set. */
export interface Sender {
  /** Where messages go, without secrets: for logs and the CLI. */
  readonly description: string;
  send(message: MailMessage): Promise<SendResult>;
  /** verify checks that messages can be sent (connect, TLS, login) without sending one; failures are DeliveryError. */
  verify(): Promise<void>;
  /** close waits for messages in flight, then releases connections. */
  close(): Promise<void>;
}
