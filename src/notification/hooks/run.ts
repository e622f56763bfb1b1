/**
 * @module notification/hooks/run
 * What every hook does with a signal from the satellite: check it at the door, read what it means
 * for the node (events.ts), record the node's new state with the notifications its change is news
 * of (one write, node-state.ts), and count it. A node disqualified on this satellite hears nothing
 * more from its hooks: the news is recorded, suppressed.
 */
import type { Destinations } from '../../destinations/destinations.js';
import { withOwnCopies } from '../content/record.js';
import type { z } from 'zod';
import { orDatabaseError } from '../../errors.js';
import { parseInput } from '../../input/parse.js';
import type { OverlayCache } from '../../overlay/cache.js';
import type { NodeInfo } from '../../overlay/db.js';
import { NodeId } from '../../overlay/node-id.js';
import type { Content } from '../content/content.js';
import type { Metrics } from '../metrics.js';
import type { Outbox } from '../outbox/outbox.js';
import type { HookEvent, SIGNALS } from './events.js';
import type { NodeStateStore } from './node-state.js';
import { SNOOZED, snoozedUntil } from './snooze.js';
import type { StormGuard } from '../guard/guard.js';
import { SATELLITE_SIDE } from '../guard/policy.js';

/**
 * HookResult says whether a hook call notified anyone, and the notifications it recorded (news
 * about a disqualified node is recorded suppressed: in `ids`, with `notified` false).
 */
export interface HookResult {
  notified: boolean;
  ids: string[];
}

/** Why a hook's notification about a disqualified node is not sent. */
const DISQUALIFIED = 'the node is disqualified on this satellite; only what the satellite sends explicitly reaches it';

/** HookDeps are the parts a hook touches. */
export interface HookDeps {
  overlay: OverlayCache;
  nodeState: NodeStateStore;
  content: Content;
  outbox: Pick<Outbox, 'suppressOpen' | 'moveHeld'>;
  metrics: Metrics;
  clock: () => Date;
  /** The storm guard, where the database keeps one: a recovery from an outage it held is not news. */
  guard?: Pick<StormGuard, 'cameBack'>;
  /** The operators' own destinations: each active one gets a copy of what their email gets. */
  destinations?: Pick<Destinations, 'activeIds'> | null;
}

/** Hook is one hook's own part: its name, its signal's schema, what the signal means, and what it updates on the node. */
export interface Hook<S extends z.ZodType> {
  name: keyof typeof SIGNALS;
  schema: S;
  event: (id: NodeId, s: z.output<S>, at: Date) => HookEvent;
  after?: (node: NodeInfo, s: z.output<S>, at: Date) => Promise<void>;
}

/** runHook handles one signal about one node. */
export async function runHook<S extends z.ZodType>(
  deps: HookDeps,
  hook: Hook<S>,
  nodeId: string | NodeId,
  signal: unknown,
): Promise<HookResult> {
  const t0 = performance.now();
  const id = NodeId.parse(nodeId);
  const s = parseInput(hook.schema, signal, 'signal');
  const at = deps.clock();
  const e = hook.event(id, s, at);
  // The node's state is read while the overlay looks the node up; the notification is
  // built (and anything written) only once the node is known.
  const node = deps.overlay.get(id);
  // Set by the build below (a closure: as written by its last attempt).
  let snoozeEnded = false as boolean;
  const recorded = deps.nodeState.record(e.transition, async (prev) => {
    snoozeEnded = prev.snoozeEnded === true;
    // A recovery (told, or quiet while flapping) from an outage whose news the storm guard held:
    // that news is dropped, and the operator, who never heard of the outage, hears nothing of its end either.
    const stormy =
      e.transition.change === 'online' && prev.offlineSince !== null && deps.guard
        ? (await deps.guard.cameBack(id.hex, prev.offlineSince)).held
        : false;
    const n = await node;
    const kind = prev.kind ?? e.kind;
    if (!prev.applied || !kind) return [];
    const event = deps.content.event(n, kind, e.data(n, prev), at);
    const made = deps.destinations
      ? withOwnCopies(event, await deps.destinations.activeIds(n.email?.toLowerCase() ?? null))
      : event;
    if (stormy) return made.map((i) => ({ ...i, suppressed: SATELLITE_SIDE }));
    // A snoozed node's news waits for the snooze to end, then leaves together (one digest); a
    // disqualification never waits.
    const held = prev.heldUntil;
    const items =
      held && kind !== 'disqualified' ? made.map((i) => ({ ...i, dueAt: held, held: snoozedUntil(held) })) : made;
    // Once disqualified on this satellite, a node hears nothing more from its hooks: the news is
    // recorded (it is still true, and shows in the operator's feed) but never sent or counted.
    return prev.disqualified && kind !== 'disqualified'
      ? items.map((i) => ({ ...i, suppressed: DISQUALIFIED }))
      : items;
  });
  // The node's own record (its last contact) is written beside the outbox's: the notification
  // is built from the node as it was looked up above, so it still says what was true before.
  const [items] = await orDatabaseError(Promise.all([recorded, node.then((n) => hook.after?.(n, s, at))]));
  for (const i of items) {
    if (i.suppressed) deps.metrics.count(i.channel, i.kind, 'suppressed');
    else if (i.held) deps.metrics.count(i.channel, i.kind, 'held');
  }
  if (snoozeEnded) {
    // Back from a snooze "until it is back": what it held leaves with the recovery, as one digest.
    const due = new Date(Math.max(at.getTime(), ...items.map((i) => i.dueAt.getTime())));
    await orDatabaseError(deps.outbox.moveHeld(id.hex, SNOOZED, due, snoozedUntil(due)));
  }
  if (e.kind === 'disqualified' && items.length > 0) {
    // What was still waiting to be sent about the node (an offline notice held by a limit) goes quiet too.
    for (const i of await deps.outbox.suppressOpen(id.hex, 'disqualified', DISQUALIFIED))
      deps.metrics.count(i.channel, i.kind, 'suppressed');
  }
  deps.metrics.hookSeconds.observe({ hook: hook.name }, (performance.now() - t0) / 1000);
  return { notified: items.some((i) => !i.suppressed), ids: items.map((i) => i.id) };
}
