/**
 * @module notification/history
 * The support view: every notification kept for one node or one operator, on every channel, with
 * what became of it and why — sent (alone or in which digest), held until when and by what,
 * retried how often, suppressed by whose choice, failed with the receiver's words — so "why did
 * this node's operator hear nothing on Tuesday" is one call (`svc.history`, `satnotify history`).
 */
import { z } from 'zod';
import { emailAddress } from '../input/address.js';
import { parseInput } from '../input/parse.js';
import { NodeId } from '../overlay/node-id.js';
import { operatorKey } from '../preferences/preferences.js';
import type { HistoryRow, Outbox, OutboxStatus, Pruned } from './outbox/outbox.js';

/** HistoryEntry is one row: a notification (or its copy on another channel, or a digest) and its fate. */
export interface HistoryEntry {
  id: string;
  kind: string;
  channel: string;
  status: OutboxStatus;
  /** Why it is held, retried, suppressed or failed (a limit, the operator's choice, the receiver's reply). */
  reason: string | null;
  /** Its title (an announcement's own), in the satellite's default language. */
  title: string;
  nodeId: string | null;
  /** The operator address it was for (null when the node had none). */
  operator: string | null;
  /** The notification this row copies on another channel. */
  copyOf: string | null;
  attempts: number;
  /** Attempts that may have been delivered although the receiver never confirmed them. */
  ambiguousAttempts: number;
  occurredAt: Date;
  recordedAt: Date;
  /** When it may leave (held, retrying) or was due. */
  dueAt: Date;
  sentAt: Date | null;
  /** The digest it went in, and what became of that. */
  digest: { id: string; status: OutboxStatus; sentAt: Date | null } | null;
}

/** History is what is kept for a node or an operator, newest first. */
export interface History {
  nodeId: string | null;
  address: string | null;
  since: Date | null;
  entries: HistoryEntry[];
  /** More rows were kept than `limit` let through. */
  truncated: boolean;
  /** The operator's older notifications retention already deleted (an address's history). */
  pruned: Pruned | null;
}

const SUBJECT = z.union(
  [
    z.strictObject({ nodeId: z.union([z.string(), z.custom<NodeId>((v) => v instanceof NodeId)]) }),
    z.strictObject({ address: emailAddress({ optional: false }) }),
  ],
  { error: 'must be { nodeId } or { address }' },
);

/** HISTORY_OPTIONS: from when (a Date or an ISO 8601 time), and at most how many rows. */
const HISTORY_OPTIONS = z.strictObject({
  since: z
    .union([z.date(), z.iso.datetime({ offset: true }).transform((t) => new Date(t))], {
      error: 'must be a Date or an ISO 8601 time such as 2024-05-01T10:04:00Z',
    })
    .refine((d) => !Number.isNaN(d.getTime()), 'must be a valid time')
    .optional(),
  limit: z.number().int('must be a whole number').min(1, 'must be ≥ 1').max(1000, 'must be ≤ 1000').default(100),
});

/** HistoryOptions are `history`'s options as callers write them. */
export type HistoryOptions = z.input<typeof HISTORY_OPTIONS>;
/** HistorySubject is whose history: `{ nodeId }` or `{ address }`. */
export type HistorySubject = { nodeId: string | NodeId } | { address: string };

/**
 * readHistory checks the question at the door, then reads the rows and, for an address, what was
 * pruned; `titleOf` words each row's title (in the satellite's default language).
 */
export async function readHistory(
  outbox: Pick<Outbox, 'history' | 'pruned'>,
  titleOf: (row: HistoryRow) => string,
  who: HistorySubject,
  options: HistoryOptions = {},
): Promise<History> {
  const subject = parseInput(SUBJECT, who, 'who');
  const { since, limit } = parseInput(HISTORY_OPTIONS, options, 'options');
  const nodeId = 'nodeId' in subject ? NodeId.parse(subject.nodeId).hex : null;
  const address = 'address' in subject ? operatorKey(subject.address) : null;
  const query = { since: since ?? null, limit: limit + 1 };
  const [rows, pruned] = await Promise.all([
    outbox.history(nodeId ? { nodeId, ...query } : { operator: address as string, ...query }),
    address ? outbox.pruned(address) : null,
  ]);
  return {
    nodeId,
    address,
    since: since ?? null,
    entries: rows.slice(0, limit).map((r) => entryOf(r, titleOf(r))),
    truncated: rows.length > limit,
    pruned,
  };
}

function entryOf(r: HistoryRow, title: string): HistoryEntry {
  return {
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    status: r.status,
    reason: r.reason,
    title,
    nodeId: r.nodeId,
    operator: r.operator,
    copyOf: r.copyOf,
    attempts: r.attempts,
    ambiguousAttempts: r.ambiguousAttempts,
    occurredAt: r.occurredAt,
    recordedAt: r.createdAt,
    dueAt: r.dueAt,
    sentAt: r.sentAt,
    digest: r.digest,
  };
}
