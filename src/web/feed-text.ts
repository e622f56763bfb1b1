/**
 * @module web/feed-text
 * The one way text enters a feed. Whatever was recorded (and older versions recorded more than the
 * door lets through today), a feed stays well-formed XML and its text stays text. Pure.
 */
import Handlebars from 'handlebars';

// What XML 1.0 forbids (its Char production): C0 controls but tab, LF and CR; U+FFFE and U+FFFF;
// and unpaired surrogates, which no encoding can carry.
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

/**
 * feedText drops from `text` what XML 1.0 forbids, and leaves everything else as it was. Markup
 * needs no care here: every feed writes text as text, escaped, never in a CDATA section (a `]]>` in
 * the text would end one).
 */
export function feedText(text: string): string {
  return text.replace(FORBIDDEN, '');
}

/** feedHtml is plain lines as HTML, each a paragraph, every character of them escaped: text that reads as text wherever HTML is declared. */
export function feedHtml(lines: readonly string[]): string {
  return lines.map((l) => `<p>${Handlebars.Utils.escapeExpression(feedText(l))}</p>`).join('');
}
