/**
 * @module notification/dispatch/by-preference
 * The operators' preferences, applied in a dispatch pass before any limit is reserved: an operator
 * who changes their mind changes what happens to news already waiting.
 */
import type { OutboxItem } from '../outbox/outbox.js';
import type { DispatcherDeps } from './deps.js';

/**
 * byPreference applies each operator's preferences to items not yet under way (no reservation
 * on them): left out by their filters → suppressed, in quiet hours or waiting for their digest
 * cadence → held until then; nothing is counted for either. Returns the items to go on with.
 */
export async function byPreference(
  items: readonly OutboxItem[],
  now: Date,
  d: Pick<DispatcherDeps, 'preferences' | 'outbox' | 'metrics'>,
): Promise<OutboxItem[]> {
  const go: OutboxItem[] = [];
  for (const item of items) {
    if (item.reservations || item.kind === 'digest') {
      go.push(item);
      continue;
    }
    const p = item.payload;
    const v = await d.preferences.verdictFor(
      item.operator,
      {
        channel: item.channel,
        kind: item.kind,
        level: p.level,
        node: p.node?.id ?? null,
        occurredAt: item.occurredAt,
        facts: p.facts,
      },
      now,
    );
    if (v.action === 'send') go.push(item);
    else if (v.action === 'suppress') {
      await d.outbox.markSuppressed([item.id], v.reason);
      d.metrics.count(item.channel, item.kind, 'suppressed');
    } else {
      await d.outbox.markHeld([item.id], v.until, v.reason);
      if (item.status !== 'held') d.metrics.count(item.channel, item.kind, 'held');
    }
  }
  return go;
}
