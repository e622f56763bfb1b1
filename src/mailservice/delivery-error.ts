/**
 * @module mailservice/delivery-error
 * Turns a nodemailer error into a DeliveryError that carries what the wire said.
 */
import { DeliveryError } from '../errors.js';

/** The fields nodemailer adds to its errors (smtp-connection `_formatError`). */
interface NodemailerError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  permanent?: boolean;
}

/** Envelope and message errors without a reply code are our own input; retrying cannot fix them. */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EAUTH']);

/**
 * toDeliveryError classifies a nodemailer failure. 5xx replies are permanent (nodemailer's
 * `permanent`, which rightly treats 503 as transient); every 4xx reply, including 451 at RCPT that
 * nodemailer's isTransientError does not list, and every connection or timeout error is transient.
 */
export function toDeliveryError(err: unknown): DeliveryError {
  const e = err as NodemailerError;
  const permanent = e.responseCode !== undefined ? e.permanent === true : PERMANENT_CODES.has(e.code ?? '');
  return new DeliveryError(
    {
      channel: 'email',
      permanent,
      ...(e.responseCode !== undefined && { responseCode: e.responseCode }),
      ...(e.response !== undefined && { response: e.response }),
      ...(e.command !== undefined && { command: e.command }),
    },
    `${e.code ? `${e.code} ` : ''}${e.message}`,
    { cause: err },
  );
}
