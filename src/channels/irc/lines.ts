/**
 * @module channels/irc/lines
 * A notification as IRC lines: control characters removed (they would end the line, or colour and
 * hide the text), and every line within a byte budget that leaves room for the command, the target
 * and the prefix the server adds (RFC 1459: 512 bytes with CR LF). Pure.
 */
import type { Notification } from '../plugin.js';

/** An RFC 2812 nickname, as servers accept it. */
export const NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]{0,29}$/;

/** Bytes of text per PRIVMSG line: 512 less CR LF, `PRIVMSG <target> :` and the relayed `:nick!user@host ` prefix. */
export const MAX_LINE_BYTES = 350;

// C0 controls (CR, LF, mIRC colours, bold …), DEL and C1 controls.
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** stripControl removes control characters, turning tabs into spaces. */
export function stripControl(text: string): string {
  return text.replace(/\t/g, ' ').replace(CONTROL, '');
}

/**
 * ircLines renders a notification as at most `maxLines` lines (a channel is read by people, and
 * servers throttle floods), each at most `maxBytes` UTF-8 bytes: a header line, then the text; the
 * last line says how many were left out.
 */
export function ircLines(n: Notification, maxLines: number, maxBytes = MAX_LINE_BYTES): string[] {
  const header = `[${n.satellite.name}] ${n.level === 'info' ? '' : `${n.level.toUpperCase()} `}${n.title}${n.node ? ` · node ${n.node.id}` : ''}`;
  const lines = [header, ...n.text.split('\n')].flatMap((line) => splitLine(stripControl(line).trim(), maxBytes));
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(maxLines - 1, 1));
  return [...kept, `… ${lines.length - kept.length} more lines`];
}

/** splitLine cuts a line into pieces of at most `maxBytes` bytes, at spaces where it can, never inside a character. */
export function splitLine(line: string, maxBytes: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest) > maxBytes) {
    let cut = 0;
    let bytes = 0;
    for (const ch of rest) {
      const b = Buffer.byteLength(ch);
      if (bytes + b > maxBytes) break;
      bytes += b;
      cut += ch.length;
    }
    const space = rest.lastIndexOf(' ', cut);
    const at = space > cut / 2 ? space : cut; // a word boundary, unless it wastes half the line
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest !== '') out.push(rest);
  return out;
}
