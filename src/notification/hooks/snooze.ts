/**
 * @module notification/hooks/snooze
 * "I know": a node's news held until a time its operator (or the satellite) gives. What its hooks
 * find meanwhile is recorded and waits (transitions.ts gives each item the snooze's end as its due
 * time), reminders pause, and at the end it all leaves together, folded into one digest; a
 * disqualification never waits. A snooze is a field of the node's state, written like any other.
 */
import { z } from 'zod';
import { InvalidInputError, orDatabaseError } from '../../errors.js';
import { parseInput } from '../../input/parse.js';
import { oneLine } from '../../input/text.js';
import type { OverlayCache } from '../../overlay/cache.js';
import type { NodeId } from '../../overlay/node-id.js';
import type { Outbox } from '../outbox/outbox.js';
import type { NodeStateStore } from './node-state.js';

/** What a held row of a snoozed node says, and how its reason begins (to find the rows a snooze holds). */
export const SNOOZED = 'snoozed until ';
export const snoozedUntil = (until: Date): string => `${SNOOZED}${until.toISOString()}`;

/**
 * SnoozeOptions: until when (an instant; `'back'`: until the node is back online, at most
 * `hooks.snoozeMax`; null ends a snooze), and why, for the log.
 */
export interface SnoozeOptions {
  until: Date | string | null;
  reason?: string;
}

const SNOOZE = z.strictObject({
  until: z.union([
    z.date(),
    z.literal('back'),
    z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
    z.null(),
  ]),
  reason: oneLine(200).optional(),
});

/** SnoozeDeps are the parts a snooze touches. */
export interface SnoozeDeps {
  overlay: Pick<OverlayCache, 'get'>;
  nodeState: NodeStateStore;
  outbox: Pick<Outbox, 'moveHeld'>;
  clock: () => Date;
}

/**
 * snoozeNode holds `id`'s news until `options.until` (no further ahead than `maxMs`), or ends its
 * snooze (`until: null`); what the snooze already held moves with it (now, when it ended). Bad input is an
 * InvalidInputError naming the field; an unknown node is the overlay's error.
 */
export async function snoozeNode(
  deps: SnoozeDeps,
  id: NodeId,
  options: SnoozeOptions,
  maxMs: number,
): Promise<{ until: Date | null; untilBack: boolean; reason?: string }> {
  const parsed = parseInput(SNOOZE, options, 'options');
  const { reason } = parsed;
  const now = deps.clock();
  const untilBack = parsed.until === 'back';
  const until = parsed.until === 'back' ? new Date(now.getTime() + maxMs) : parsed.until;
  if (until !== null && !(until.getTime() > now.getTime()))
    throw new InvalidInputError('options.until', 'must be in the future');
  if (until !== null && until.getTime() - now.getTime() > maxMs)
    throw new InvalidInputError(
      'options.until',
      `must be at most ${Math.round(maxMs / 3_600_000)} h ahead (hooks.snoozeMax)`,
    );
  await deps.overlay.get(id); // an unknown node is refused, not snoozed
  let written = false;
  await orDatabaseError(
    deps.nodeState.record({ nodeId: id.hex, at: now, change: 'snooze', until, untilBack }, () => {
      written = true;
      return [];
    }),
  );
  if (untilBack && !written)
    throw new InvalidInputError('options.until', "'back' is for a node that is offline now; give a time instead");
  // What the snooze held so far waits as long as it now lasts: to its new end, or not at all once it ended.
  const due = until ?? now;
  await orDatabaseError(deps.outbox.moveHeld(id.hex, SNOOZED, due, snoozedUntil(due)));
  return { until, untilBack, ...(reason !== undefined && { reason }) };
}
