/**
 * @module destinations/words
 * What a destination is told before it is trusted, in its operator's language and zone: its
 * verification code (as an email, or one line for a webhook or a node's log), a test, and the
 * notice that one of their destinations was paused. Pure.
 */
import type { Catalog } from '../i18n/catalog.js';
import { formatWhen } from '../i18n/format.js';
import type { Reader } from '../i18n/locale.js';

/** DestinationText is one message to a destination: an email's parts, and the same as one line. */
export interface DestinationText {
  subject: string;
  heading: string;
  text: string;
  /** The code, and until when it is valid; empty for a test. */
  code: string;
  expires: string;
  /** The email's footer: why this address gets it, and what to do if it was not asked for. */
  footer: string;
  /** Everything as one line, for a webhook, IRC or a node's log. */
  line: string;
}

/** CodeFacts are what a code message names. */
export interface CodeFacts {
  satellite: string;
  operator: string;
  label: string;
  code: string;
  expiresAt: Date;
}

/** codeText is a verification code's message. */
export function codeText(catalog: Catalog, reader: Reader, f: CodeFacts): DestinationText {
  const t = (key: string, values: Record<string, string | number> = {}): string =>
    catalog.t(reader.locale, `destinations.${key}`, values);
  const when = formatWhen(f.expiresAt, reader.zone, reader.locale);
  const values = { satellite: f.satellite, code: f.code, when, label: f.label, operator: f.operator };
  return {
    subject: t('codeSubject', values),
    heading: t('codeHeading'),
    text: t('codeText', values),
    code: f.code,
    expires: t('codeExpires', values),
    footer: t('footer', values),
    line: t('codeLine', values),
  };
}

/** testText is a test message to an active destination. */
export function testText(
  catalog: Catalog,
  reader: Reader,
  f: Pick<CodeFacts, 'satellite' | 'operator'>,
): DestinationText {
  const t = (key: string): string => catalog.t(reader.locale, `destinations.${key}`, f);
  const text = t('testText');
  return {
    subject: t('testSubject'),
    heading: t('testHeading'),
    text,
    code: '',
    expires: '',
    // Already confirmed: its footer says so, and how to stop it.
    footer: t('testFooter'),
    line: text,
  };
}

/** pausedText tells an operator, elsewhere, that one of their destinations was paused, and why. */
export function pausedText(
  catalog: Catalog,
  reader: Reader,
  f: Pick<CodeFacts, 'satellite' | 'operator' | 'label'> & { failures: number; reason: string },
): DestinationText {
  const values = {
    satellite: f.satellite,
    operator: f.operator,
    label: f.label,
    failures: f.failures,
    reason: f.reason,
  };
  const text = catalog.t(reader.locale, 'destinations.pausedText', values);
  const title = catalog.t(reader.locale, 'destinations.pausedTitle', values);
  return { subject: title, heading: title, text, code: '', expires: '', footer: '', line: text };
}
