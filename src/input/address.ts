/**
 * @module input/address
 * Where a message goes: an operator's email address and a node's `host:port`. Both end up in
 * headers, logs and connection attempts, so they are held to what those accept, not merely to
 * what parses.
 */
import { LRUCache } from 'lru-cache';
import validator from 'validator';
import { z } from 'zod';
import { textProblem } from './text.js';

/** The longest address SMTP carries (RFC 5321 path limit less the brackets). */
const MAX_EMAIL = 254;
/** The longest DNS name. */
const MAX_HOST = 253;
const HOST =
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?)$/;

/**
 * emailProblem says why `value` is not one bare address a mail server will take, or nothing.
 * Quoted local parts (`"a@b"@c.com`) are valid RFC 5322 but refused by most servers (501), so
 * they are refused here, at the door.
 */
export function emailProblem(value: string): string | undefined {
  if (VALID_EMAILS.has(value)) return undefined;
  const text = textProblem(value, { lines: false, max: MAX_EMAIL, min: 1 });
  if (text) return text;
  if (value.includes('"')) return 'has a quoted local part, which mail servers refuse';
  if (
    !validator.isEmail(value, {
      allow_display_name: false,
      require_tld: false,
      allow_ip_domain: true,
      allow_utf8_local_part: false,
    })
  )
    return 'is not an email address';
  VALID_EMAILS.set(value, true);
  return undefined;
}

/**
 * Addresses lately found valid. The same operators' addresses are checked at every hook and every
 * send, and a full check is a sizeable share of what the library adds to an email. Only the verdict
 * "valid" is kept, for the exact string, so nothing invalid ever passes.
 */
const VALID_EMAILS = new LRUCache<string, true>({ max: 10_000 });

/**
 * mailboxProblem says why `value` is not one mailbox a From or Reply-To header carries, or nothing:
 * an address with a domain, alone or after a display name (`Satellite <noreply@sat.example>`). A
 * list, an empty `<>` or an address without its domain would leave a message with no sender, which
 * mail providers refuse or file as spam.
 */
export function mailboxProblem(value: string): string | undefined {
  const text = textProblem(value, { lines: false, max: 998, min: 1 });
  if (text) return text;
  const m = /^\s*(?:("(?:[^"\\]|\\.)*"|[^<>",;:@]*?)\s*<([^<>]*)>|([^<>\s]+))\s*$/.exec(value);
  if (!m) return 'must be one mailbox: an address, or a name and <address>';
  const address = m[2] ?? m[3] ?? '';
  if (address === '') return 'has no address between < and >';
  if (!/@[^@]+$/.test(address)) return `has an address without its domain (${address})`;
  const problem = emailProblem(address);
  return problem && `has an address that ${problem}`;
}

/** mailbox is the zod form of mailboxProblem. */
export function mailbox() {
  return z.string().superRefine((v, ctx) => {
    const problem = mailboxProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** hostPortProblem says why `value` is not `host:port` (DNS name, IPv4 or [IPv6], port 1–65535), or nothing. */
export function hostPortProblem(value: string): string | undefined {
  const text = textProblem(value, { lines: false, max: MAX_HOST + 8, min: 1 });
  if (text) return text;
  const colon = value.lastIndexOf(':');
  const host = value.slice(0, colon);
  const port = value.slice(colon + 1);
  if (colon < 1 || !/^\d{1,5}$/.test(port)) return 'is not host:port';
  if (Number(port) < 1 || Number(port) > 65535) return 'has a port outside 1-65535';
  if (host.length > MAX_HOST || !HOST.test(host)) return 'has a host that is neither a DNS name nor an IP address';
  return undefined;
}

/** emailAddress is the zod form of emailProblem; `''` is allowed where an operator may have given none. */
export function emailAddress(o: { optional: boolean }) {
  return z.string().superRefine((v, ctx) => {
    const problem = o.optional && v === '' ? undefined : emailProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** hostPort is the zod form of hostPortProblem. */
export const hostPort = z.string().superRefine((v, ctx) => {
  const problem = hostPortProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
