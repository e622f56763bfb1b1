/**
 * @module notification/feed-page
 * One page of an operator's feed and where the next one starts. Without a position, the newest
 * page; `before` (a cursor this module made) pages back through older ones (RFC 5005's `next`);
 * `lastGuid` (BOINC) gives what came after a notification the reader already has, oldest first up
 * to a page, and the next page continues from the newest of them, so a reader catching up after a
 * storm reads every item once. A guid that is not theirs or no longer kept gives the newest page,
 * never an empty feed.
 */
import type { FeedCursor, Outbox, OutboxItem, Pruned } from './outbox/outbox.js';

/** FeedRequest is what a reader asks for: at most `limit` items, and where to start. */
export interface FeedRequest {
  limit: number;
  /** A cursor from an earlier page's `next.before`. */
  before?: string | undefined;
  /** The id of the newest notification the reader has (BOINC's last_guid). */
  lastGuid?: string | undefined;
}

/** FeedPage is up to a page of notifications, newest first, and how to ask for the next page. */
export interface FeedPage {
  items: OutboxItem[];
  /** The next page: older ones (`before`), or the next of those after the reader's last (`lastGuid`); null at the end. */
  next: { before: string } | { lastGuid: string } | null;
  /** How many of the operator's older notifications retention deleted, up to when; null if none. */
  pruned: Pruned | null;
}

/** feedPage reads one page of `operator`'s feed. */
export async function feedPage(
  outbox: Pick<Outbox, 'forOperator' | 'feedPosition' | 'pruned'>,
  operator: string,
  r: FeedRequest,
): Promise<FeedPage> {
  const [after, pruned] = await Promise.all([
    r.lastGuid ? outbox.feedPosition(operator, r.lastGuid) : null,
    outbox.pruned(operator),
  ]);
  if (after) {
    const rows = await outbox.forOperator(operator, { limit: r.limit + 1, after });
    const items = rows.slice(0, r.limit).reverse();
    return { items, next: rows.length > r.limit && items[0] ? { lastGuid: items[0].id } : null, pruned };
  }
  const before = parseCursor(r.before);
  const rows = await outbox.forOperator(operator, { limit: r.limit + 1, ...(before && { before }) });
  const items = rows.slice(0, r.limit);
  const last = items.at(-1);
  return { items, next: rows.length > r.limit && last ? { before: cursorOf(last) } : null, pruned };
}

/** cursorOf is an item's position as a `before` value: its creation instant in milliseconds and its id. */
export function cursorOf(item: Pick<OutboxItem, 'createdAt' | 'id'>): string {
  return `${item.createdAt.getTime()}.${item.id}`;
}

/** parseCursor reads a `before` value; anything else reads as none (the newest page). */
function parseCursor(value: string | undefined): FeedCursor | undefined {
  const m = value === undefined ? null : /^(\d{1,15})\.([\w-]{1,64})$/.exec(value);
  return m ? { createdAt: new Date(Number(m[1])), id: m[2] as string } : undefined;
}
