/**
 * @module cli/history
 * `satnotify history <nodeId|address>`: the support view on the command line. One line per
 * notification and channel, newest first, with when it was recorded (in the reader's zone), its
 * kind, channel, fate, attempts, and why: the limit that held it and until when, the operator's
 * choice that suppressed it, the receiver's words that failed it, the digest it went in.
 */
import { formatWhen } from '../i18n/format.js';
import type { History, HistoryEntry } from '../notification/history.js';
import { withService, type ReadOptions } from './open.js';

/** HistoryCommand is `history`'s flags. */
export interface HistoryCommand extends ReadOptions {
  since?: string | undefined;
  limit?: number | undefined;
  /** The reader's IANA zone. */
  zone: string;
  json?: boolean | undefined;
}

/** history reads the history of a node id or an address (it has an @) and returns it printed, or as JSON. */
export async function history(subject: string, o: HistoryCommand): Promise<string> {
  const who = subject.includes('@') ? { address: subject } : { nodeId: subject };
  const options = { ...(o.since && { since: o.since }), ...(o.limit && { limit: o.limit }) };
  const h = await withService(o, (svc) => svc.history(who, options));
  return o.json ? `${JSON.stringify(h, null, 2)}\n` : printHistory(h, o.zone);
}

/** printHistory lays a history out for a person, times in `zone`. */
export function printHistory(h: History, zone: string): string {
  const when = (d: Date): string => formatWhen(d, zone, 'en');
  const whose = h.nodeId ? `node ${h.nodeId}` : `operator ${h.address ?? ''}`;
  const since = h.since ? ` since ${when(h.since)}` : '';
  const lines = [
    `History of ${whose}${since}: ${h.entries.length}${h.truncated ? '+' : ''} row${h.entries.length === 1 ? '' : 's'}, newest first, times in ${zone}`,
  ];
  if (h.pruned)
    lines.push(
      `(${h.pruned.items} older notification${h.pruned.items === 1 ? '' : 's'}, up to ${when(h.pruned.through)}, deleted by retention)`,
    );
  const table = h.entries.map((e) => [
    when(e.recordedAt),
    e.kind,
    e.channel,
    e.status,
    `${e.attempts} attempt${e.attempts === 1 ? '' : 's'}${e.ambiguousAttempts ? ` (${e.ambiguousAttempts} unconfirmed)` : ''}`,
    `${e.title}${fate(e, when)}`,
  ]);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(0, ...table.map((r) => (r[i] as string).length)));
  for (const row of table)
    lines.push(row.map((cell, i) => (i < 5 ? cell.padEnd(widths[i] as number) : cell)).join('  '));
  if (h.entries.length === 0) lines.push('Nothing kept.');
  if (h.truncated) lines.push('More were kept: pass --limit (up to 1000) or --since.');
  return `${lines.join('\n')}\n`;
}

/** fate says why an entry is where it is, when that is not plain. */
function fate(e: HistoryEntry, when: (d: Date) => string): string {
  const reason = e.reason ? `: ${e.reason}` : '';
  switch (e.status) {
    case 'sent':
      return e.sentAt ? ` — sent ${when(e.sentAt)}` : '';
    case 'digested':
      return e.digest
        ? ` — in digest ${e.digest.id.slice(0, 8)}, ${e.digest.status}${e.digest.sentAt ? ` ${when(e.digest.sentAt)}` : ''}`
        : '';
    case 'held':
    case 'retry':
    case 'pending':
      return ` — may leave ${when(e.dueAt)}${reason}`;
    default:
      return reason ? ` —${reason.slice(1)}` : '';
  }
}
