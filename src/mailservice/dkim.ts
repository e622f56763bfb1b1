/**
 * @module mailservice/dkim
 * DKIM signing as nodemailer does it (its own `dkim` option), with the headers one-click
 * unsubscribe needs signed: RFC 8058 counts a List-Unsubscribe-Post only under a DKIM signature
 * that covers it and List-Unsubscribe, and nodemailer's default list leaves it out.
 */
import type DKIM from 'nodemailer/lib/dkim';
import type { SmtpConfig } from './config.js';

/** The headers every signature covers: nodemailer's usual set, and List-Unsubscribe-Post. */
export const DKIM_HEADERS = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'List-Id',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
].join(':');

/**
 * dkimOptions is nodemailer's `dkim` option for the `smtp.dkim` section, or nothing when it is
 * not set. The key must have been filled in from its `{ secret }` or `{ env }` reference by now.
 */
export function dkimOptions(dkim: SmtpConfig['dkim']): { dkim: DKIM.Options } | Record<string, never> {
  if (!dkim) return {};
  if (typeof dkim.privateKey !== 'string')
    throw new Error('satnotify: smtp.dkim.privateKey was not filled in from its reference');
  return {
    dkim: {
      domainName: dkim.domainName,
      keySelector: dkim.keySelector,
      privateKey: dkim.privateKey,
      headerFieldNames: DKIM_HEADERS,
    },
  };
}
