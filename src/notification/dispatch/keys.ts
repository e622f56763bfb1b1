/**
 * @module notification/dispatch/keys
 * What a send counts against: the node (or, for a digest spanning nodes, its group) on the item's
 * channel instance, and the operator's address; a group key as logs may show it; and items
 * grouped by a key, in the order they came. Pure.
 */
import type { StatusKey } from '../limits/store.js';
import type { OutboxItem } from '../outbox/outbox.js';

/** nodeKey counts against the item's node (a digest spanning nodes has none: its group). */
export function nodeKey(item: OutboxItem): StatusKey {
  return { subject: item.nodeId ?? item.groupKey, channel: item.channel };
}

/** addressKey counts against the operator's address on the item's channel. */
export function addressKey(item: OutboxItem): StatusKey {
  return { subject: `addr:${(item.payload.email?.to ?? '').toLowerCase()}`, channel: item.channel };
}

/** Group keys may hold email addresses; logs get the channel and the kind of key only. */
export function redactGroup(key: string | undefined): string {
  return key?.replace(/:addr:.*$/, ':addr:…') ?? '';
}

/** groupBy keeps first-appearance order (Map.groupBy needs Node 21). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
