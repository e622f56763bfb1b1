/**
 * @module notification/broadcast
 * An announcement to every node a filter selects: one email item per node with an operator
 * address, recorded page by page as the overlay streams them, due one after another at
 * `broadcast.ratePerSecond`; per-node limits apply as always when they leave.
 */
import type { NodeFilter, NodeInfo } from '../overlay/db.js';
import type { Content } from './content/content.js';
import type { NewItem, Outbox } from './outbox/outbox.js';

/** BroadcastResult counts what a broadcast recorded. */
export interface BroadcastResult {
  nodes: number;
  enqueued: number;
  skipped: Array<{ nodeId: string; reason: string }>;
}

/** BroadcastParts are what a broadcast reads and writes. */
export interface BroadcastParts {
  select(filter: NodeFilter): AsyncIterable<NodeInfo[]>;
  content: Pick<Content, 'email'>;
  outbox: Pick<Outbox, 'insert'>;
  ratePerSecond: number;
}

/**
 * recordBroadcast records the email `template` with `data` (checked at the door) for every node `filter` selects, from
 * `start` on.
 */
export async function recordBroadcast(
  parts: BroadcastParts,
  filter: NodeFilter,
  template: string,
  data: Record<string, unknown>,
  start: Date,
): Promise<BroadcastResult> {
  const result: BroadcastResult = { nodes: 0, enqueued: 0, skipped: [] };
  const gapMs = 1000 / parts.ratePerSecond;
  for await (const page of parts.select(filter)) {
    const items: NewItem[] = [];
    for (const node of page) {
      result.nodes++;
      if (!node.email) {
        result.skipped.push({ nodeId: node.id.toString(), reason: 'no operator email' });
        continue;
      }
      const due = new Date(start.getTime() + Math.floor(result.enqueued * gapMs));
      try {
        items.push(parts.content.email(node, template, data, start, due));
        result.enqueued++;
      } catch (err) {
        result.skipped.push({ nodeId: node.id.toString(), reason: (err as Error).message });
      }
    }
    if (items.length) await parts.outbox.insert(items);
  }
  return result;
}
