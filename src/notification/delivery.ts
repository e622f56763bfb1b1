/**
 * @module notification/delivery
 * What became of a notification, as a caller is told: read from its row, or from the row of the
 * digest it went in; and the first attempt informNode* makes before answering.
 */
import { formatDuration } from '../duration.js';
import { orDatabaseError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { NewItem, Outbox } from './outbox/outbox.js';

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
    return (
      digest && { ...digest, id, reason: `in digest ${item.digestId}${digest.reason ? `: ${digest.reason}` : ''}` }
    );
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

/** FirstAttemptParts are what a first attempt needs: the outbox, a pass of one group (joined if one is in flight), and how long to wait. */
export interface FirstAttemptParts {
  outbox: Pick<Outbox, 'insert' | 'get'>;
  pass(groupKey: string): Promise<number>;
  waitMs: number;
  logger: Logger;
}

/**
 * firstAttempt records the item and makes its first attempt. When another worker holds the item's
 * group (a concurrent call, another process), it waits for that worker's pass, polling with
 * backoff, up to `waitMs` (`dispatcher.firstAttemptWait`); then it answers `queued`. A pass that
 * breaks (the database is overloaded) counts as not yet decided, never as an answer.
 */
export async function firstAttempt(item: NewItem, parts: FirstAttemptParts): Promise<Delivery> {
  await orDatabaseError(parts.outbox.insert([item]));
  const deadline = performance.now() + parts.waitMs;
  for (let pauseMs = 5; ; pauseMs = Math.min(pauseMs * 2, 250)) {
    try {
      await parts.pass(item.groupKey);
      const decided = await deliveryOf(parts.outbox, item.id);
      if (decided) return decided;
    } catch (err) {
      parts.logger.warn({ id: item.id, err: String(err) }, 'first attempt did not complete; waiting');
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      const reason = `its first attempt had not finished after ${formatDuration(parts.waitMs)}; the dispatcher delivers it`;
      return { id: item.id, status: 'queued', reason };
    }
    await new Promise((r) => setTimeout(r, Math.min(pauseMs, left)));
  }
}
