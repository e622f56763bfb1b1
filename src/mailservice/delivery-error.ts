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

/**
 * Errors without a reply code that retrying cannot fix: our own envelope or message, refused
 * credentials, and a server that will not do the TLS the config requires.
 */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EAUTH', 'ETLS']);
/**
 * A certificate the config refuses to trust (self-signed, expired, wrong host, unknown CA) stays
 * refused until someone changes the server or the config: a configuration failure, not a passing one.
 * nodemailer reports these as ESOCKET with the TLS library's message.
 */
const CERTIFICATE = /certificate|self[- ]signed|unable to (get|verify)|CERT_|altname|wrong version number/i;

/**
 * A connection that broke, or fell silent, after it was established: nodemailer does not say at
 * which SMTP stage, so the message may have been taken (DATA accepted, the reply lost). Failures to
 * connect or to be greeted are not among these: nothing was handed over.
 */
const AMBIGUOUS = /^(ECONNECTION .*closed unexpectedly|ETIMEDOUT Timeout$)/i;

/**
 * toDeliveryError classifies a nodemailer failure. 5xx replies are permanent (nodemailer's
 * `permanent`, which rightly treats 503 as transient), and so are refused credentials, a missing
 * STARTTLS the config requires and an untrusted certificate; every 4xx reply, including 451 at RCPT
 * that nodemailer's isTransientError does not list, and every other connection or timeout error is
 * transient.
 */
export function toDeliveryError(err: unknown): DeliveryError {
  const e = err as NodemailerError;
  const permanent =
    e.responseCode !== undefined
      ? e.permanent === true
      : PERMANENT_CODES.has(e.code ?? '') || (e.code === 'ESOCKET' && CERTIFICATE.test(e.message));
  return new DeliveryError(
    {
      channel: 'email',
      permanent,
      ambiguous: !permanent && e.responseCode === undefined && AMBIGUOUS.test(`${e.code} ${e.message}`),
      ...(e.responseCode !== undefined && { responseCode: e.responseCode }),
      ...(e.response !== undefined && { response: e.response }),
      ...(e.command !== undefined && { command: e.command }),
    },
    `${e.code ? `${e.code} ` : ''}${e.message}`,
    { cause: err },
  );
}
