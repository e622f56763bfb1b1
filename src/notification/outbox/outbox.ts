/**
 * @module notification/outbox/outbox
 * The Outbox seam: the durable queue of notifications and the item types it holds. PgOutbox
 * implements it; the factory picks it, never the service. A hook's notifications are recorded with
 * the node's state by the NodeStateStore (hooks/node-state.ts).
 */
import type { Message } from '../../channels/plugin.js';
import type { NotificationStatus } from '../../kinds.js';
import type { Reservation } from '../limits/store.js';

/**
 * OutboxStatus is where a notification is in its life (kinds.ts lists them). Final: sent, failed,
 * digested, and suppressed (recorded, never sent and never counted: e.g. news about a disqualified node).
 */
export type OutboxStatus = NotificationStatus;

/**
 * StoredMessage is a notification's content as its row keeps it: the message every plugin gets,
 * less what is worded again when it leaves. An event keeps what it is worded from (`source`: its
 * kind and data) and its title, not its text or steps, which are made in its reader's language and
 * zone when it leaves (content/present.ts).
 */
export interface StoredMessage extends Message {
  /** What satnotify worded this message from (an event kind and its data); absent for a caller's own text. */
  source?: { kind: string; data: Record<string, unknown> };
  /** On a fleet's mail (fleet/mail-room.ts): the fleet, and the satellite whose news this is. */
  fleet?: FleetSource;
}

/** FleetSource is where a fleet's mail came from: the fleet's name, and the satellite that handed it over. */
export interface FleetSource {
  name: string;
  satellite: { id: string; name: string; schema: string };
}

/** OutboxItem is one durable notification (or digest) on one channel instance. */
export interface OutboxItem {
  /** Stable id: the email Message-ID's local part, the gRPC notification id, the webhook-id. */
  id: string;
  /** The channel instance (`email`, `log`, or a configured name). */
  channel: string;
  /** What is delivered together: `<channel>:addr:<email>` (operator audience) or `<channel>:node:<hex>`. */
  groupKey: string;
  /** The node (hex), or null for a digest spanning several nodes. */
  nodeId: string | null;
  /**
   * The notification this row is a copy of, on another channel (null for the notification itself,
   * which its operator's feed shows, and for a digest). Copies are recorded together.
   */
  copyOf: string | null;
  /**
   * Who it is for: the operator address on the node (lowercased), whose preferences apply; null when the node has none.
   */
  operator: string | null;
  kind: string;
  /** Skips MaxHr/MaxDay (not MinDelay). */
  bypass: boolean;
  /** What every channel renders from, once worded for its reader. */
  payload: StoredMessage;
  /** One-line title and summary, used when the item is folded into a digest. */
  title: string;
  summary: string;
  status: OutboxStatus;
  reason: string | null;
  /** Attempts made: failed, retried, and the one that sent it. */
  attempts: number;
  /** Attempts that may have been delivered although the receiver never confirmed them. */
  ambiguousAttempts: number;
  dueAt: Date;
  occurredAt: Date;
  createdAt: Date;
  sentAt: Date | null;
  digestId: string | null;
  /** Limit reservations this item owns while it retries. */
  reservations: Reservation[] | null;
}

/**
 * NewItem is an item as created; it starts `pending` unless it is recorded as `suppressed` or
 * `held` (until its due time, then leaving with the rest of its group's backlog as one digest), with the reason.
 */
export type NewItem = Pick<
  OutboxItem,
  | 'id'
  | 'channel'
  | 'groupKey'
  | 'nodeId'
  | 'operator'
  | 'kind'
  | 'bypass'
  | 'payload'
  | 'title'
  | 'summary'
  | 'dueAt'
  | 'occurredAt'
  | 'createdAt'
  | 'copyOf'
> & { suppressed?: string; held?: string };

/** Owned is a new row made already claimed: the worker's lease, and the reservations it sends on (a digest). */
export interface Owned {
  leaseUntil: Date;
  reservations: readonly Reservation[];
}

/** Retry is a failed attempt to be tried again: when, why, on which reservations, and whether it may have arrived. */
export interface Retry {
  dueAt: Date;
  reason: string;
  reservations: readonly Reservation[];
  /** The attempt may have been delivered unconfirmed; counted apart (dispatcher.maxAmbiguousAttempts). */
  ambiguous: boolean;
}

/** FeedCursor is a position in an operator's feed: a notification's creation instant, ties broken by its id. */
export interface FeedCursor {
  createdAt: Date;
  id: string;
}

/** FeedQuery asks for up to `limit` notifications: the newest, those older than `before`, or those after `after`. */
export interface FeedQuery {
  limit: number;
  before?: FeedCursor | undefined;
  after?: FeedCursor | undefined;
}

/** OutboxCount is one cell of the outbox tally. */
export interface OutboxCount {
  channel: string;
  kind: string;
  status: OutboxStatus;
  /** For items folded into a digest: the digest's status, which is what happened to them. */
  digestStatus: OutboxStatus | null;
  count: number;
}

/**
 * PruneRequest asks for one batch of finished rows recorded before `before` to be deleted:
 * `everything` finished, or only `copies` (a notification's copies on its other channels, and
 * rows for no operator: what no feed shows).
 */
export interface PruneRequest {
  scope: 'everything' | 'copies';
  before: Date;
  limit: number;
}

/** PruneBatch is what one batch did; `busy`: another process is pruning, so nothing was. */
export interface PruneBatch {
  deleted: number;
  /** Of them, notifications that were in an operator's feed. */
  feedItems: number;
  busy: boolean;
}

/** Pruned is how many of an operator's notifications retention deleted, up to when. */
export interface Pruned {
  items: number;
  through: Date;
}

/** HistoryQuery asks for what was recorded for one node or one operator, newest first. */
export type HistoryQuery = ({ nodeId: string } | { operator: string }) & { since: Date | null; limit: number };

/** HistoryRow is a row with what became of the digest it went in, if it did. */
export interface HistoryRow extends OutboxItem {
  digest: { id: string; status: OutboxStatus; sentAt: Date | null } | null;
}

/** Erased is what erasing an operator's rows did; rows being sent right now are left for a second pass. */
export interface Erased {
  /** Rows whose address, links and words naming it were removed (counts and fates kept). */
  rows: number;
  /** Of them, open ones ended as suppressed: nothing more goes to the address. */
  suppressed: number;
  /** Rows leased by a send in flight, left as they are. */
  inFlight: number;
}

/** Outbox is the durable queue of notifications. */
export interface Outbox {
  /** insert records new items (informNode*, broadcasts) in one statement; resolves with them. */
  insert(items: readonly NewItem[]): Promise<readonly NewItem[]>;
  /**
   * claim leases the due, unfinished items of up to `groups` groups (or of the one group given),
   * whole groups at a time, so one worker delivers a group's digest. Expired leases count as free.
   * Groups in `busy` (the caller is delivering them) are left out whatever their leases say, and so
   * are `guarded` kinds while the storm guard is on. Items
   * come in the order they happened, and were recorded.
   */
  claim(options: {
    now: Date;
    leaseUntil: Date;
    groups: number;
    groupKey?: string;
    busy?: readonly string[];
    /** Kinds no claim takes while the storm guard is on. */
    guarded?: readonly string[];
  }): Promise<OutboxItem[]>;
  /**
   * insertDigest inserts a digest already leased by the caller, owning `reservations`, and marks the
   * `folded` items as digested into it, in one transaction.
   */
  insertDigest(digest: NewItem, folded: readonly string[], owned: Owned): Promise<void>;
  /** attachReservations records on a claimed row the reservations its send owns, before it is sent. */
  attachReservations(id: string, reservations: readonly Reservation[]): Promise<void>;
  /** release gives up the lease on items without changing them, so the next pass takes them. */
  release(ids: readonly string[]): Promise<void>;
  markSent(id: string, at: Date): Promise<void>;
  markHeld(ids: readonly string[], dueAt: Date, reason: string): Promise<void>;
  /** markRetry counts an attempt and schedules the next, keeping the reservations. */
  markRetry(id: string, retry: Retry): Promise<void>;
  /** markFailed ends items as failed with the reason; `attempt` counts the attempt that ended them, if one did. */
  markFailed(ids: readonly string[], reason: string, attempt?: { ambiguous: boolean }): Promise<void>;
  /** markSuppressed ends items unsent and uncounted, with the reason (the operator's preferences leave them out). */
  markSuppressed(ids: readonly string[], reason: string): Promise<void>;
  /**
   * suppressOpen ends the node's not-yet-sent notifications (pending or held, not leased, not
   * carrying a reservation) of every kind but `except` as suppressed with `reason`; returns them.
   */
  suppressOpen(nodeId: string, except: string, reason: string): Promise<Array<{ channel: string; kind: string }>>;
  /**
   * moveHeld gives the node's held rows whose reason starts with `reasonPrefix` (not leased) a new
   * due time and reason; returns how many. A snooze changed or ended moves what it held.
   */
  moveHeld(nodeId: string, reasonPrefix: string, dueAt: Date, reason: string): Promise<number>;
  get(id: string): Promise<OutboxItem | null>;
  /**
   * forOperator lists an operator's notifications, one row per notification (not its copies),
   * whatever became of them: newest first, or older than `before`; or, with `after`, the ones
   * recorded after it, oldest first. Ties of one instant are ordered by id, so pages never skip or
   * repeat a notification.
   */
  forOperator(operator: string, query: FeedQuery): Promise<OutboxItem[]>;
  /** feedPosition is where an operator's notification stands in their feed; null when it is not theirs or not kept. */
  feedPosition(operator: string, id: string): Promise<FeedCursor | null>;
  /** counts tallies items by channel, kind and status, those retention deleted included. */
  counts(): Promise<OutboxCount[]>;
  /**
   * prune deletes one batch of finished rows (sent, failed, digested, suppressed; never an open or
   * leased one), oldest first, and counts them; one process at a time (the others get `busy`).
   */
  prune(request: PruneRequest): Promise<PruneBatch>;
  /** compact makes the space of deleted rows reusable (VACUUM), after a round of pruning. */
  compact(): Promise<void>;
  /** pruned is how many of the operator's notifications retention deleted; null if none. */
  pruned(operator: string): Promise<Pruned | null>;
  /**
   * eraseOperator removes the operator's address from their rows (who it was for, the group, the
   * email and links in the payload, any words naming it) and their pruned count, and ends their
   * open rows as suppressed with `reason`; a row leased by a send in flight at `now` is left alone.
   */
  eraseOperator(operator: string, now: Date, reason: string): Promise<Erased>;
  /** history lists every row kept for a node or an operator (copies and digests included), newest first. */
  history(query: HistoryQuery): Promise<HistoryRow[]>;
}
