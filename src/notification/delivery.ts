/**
 * @module notification/delivery
 * What became of a notification, as a caller is told: read from its row, or from the row of the
 * digest it went in.
 */
import type { Outbox } from './outbox/outbox.js';

/**
 * Delivery is the outcome of a notification's first attempt: `sent` (alone or in a digest),
 * `held` (over a limit, or retrying a transient failure; `retryAt` is when it may leave),
 * `failed` (permanently, with the reason), `suppressed`, or `queued` when the attempt had not
 * finished within `dispatcher.firstAttemptWait` (the dispatcher delivers it).
 */
export interface Delivery {
  id: string;
  status: 'sent' | 'held' | 'failed' | 'suppressed' | 'queued';
  reason?: string;
  retryAt?: string;
}

/** deliveryOf is what happened to an item's first attempt, or undefined while it has had none. */
export async function deliveryOf(outbox: Pick<Outbox, 'get'>, id: string): Promise<Delivery | undefined> {
  const item = await outbox.get(id);
  if (!item) return { id, status: 'failed', reason: 'not recorded' };
  if (item.status === 'digested' && item.digestId) {
    const digest = await deliveryOf(outbox, item.digestId);
    return digest && { ...digest, id, reason: `in digest ${item.digestId}${digest.reason ? `: ${digest.reason}` : ''}` };
  }
  switch (item.status) {
    case 'sent':
      return { id, status: 'sent' };
    case 'failed':
      return { id, status: 'failed', reason: item.reason ?? 'failed' };
    case 'suppressed':
      return { id, status: 'suppressed', reason: item.reason ?? 'suppressed' };
    case 'held':
    case 'retry':
      return { id, status: 'held', reason: item.reason ?? 'held', retryAt: item.dueAt.toISOString() };
    default:
      return undefined; // pending: not attempted yet, or a worker is sending it now
  }
}
