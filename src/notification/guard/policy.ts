/**
 * @module notification/guard/policy
 * When a wave of nodes going offline is presumably the satellite's own fault, and what the guard
 * says. Pure.
 *
 * A node "goes offline" at the first failed check of its streak (before `offlineAfter` makes it
 * news), so the guard is on before the first offline notice of a storm is due. A storm begins when
 * more than `offlineNodes`, or more than `offlineShare` of the nodes checked within `window`
 * (from `minNodes` of them), went offline within the window; it lasts while the nodes that went
 * offline since the window before it began are still down in such numbers. So a satellite whose
 * network is gone for two hours stays guarded for two hours, and ends when its checks pass again,
 * while nodes that were down before the storm never count.
 */
import type { EventKind } from '../../kinds.js';

/** GUARDED_KINDS are what a storm holds: an offline notice and what follows from one. */
export const GUARDED_KINDS: readonly EventKind[] = [
  'node-offline',
  'node-flapping',
  'offline-suspended',
  // The satellite's outage lowers online scores too: their warnings are the same false wave.
  'online-degrading',
];

/** Held rows' reasons start with these (to find what the guard holds); the rest says when and why. */
export const GUARD_HELD = 'storm guard: ';
export const AFTER_GUARD = 'after the storm guard: ';
/** Why news of a node that came back from a storm is not sent. */
export const SATELLITE_SIDE = 'satellite-side outage';

/** The held rows' reasons, whole: while the guard is on, and from its end until `offlineAfter` later. */
export const heldByGuard = (since: Date): string =>
  `${GUARD_HELD}held since ${since.toISOString()}: many nodes went offline at once, presumably a fault on the satellite's side`;
export const heldAfterGuard = (due: Date): string =>
  `${AFTER_GUARD}sent at ${due.toISOString()} if the node is still offline then`;

/** GuardRule is the `guard` section as the policy reads it. */
export interface GuardRule {
  offlineShare: number;
  offlineNodes: number;
  minNodes: number;
  windowMs: number;
}

/** GuardFigures are one count: the nodes checked within the window, and of them those that went offline in it. */
export interface GuardFigures {
  checked: number;
  offline: number;
}

/** Storm says whether the figures are a storm, and by which rule. */
export type Storm = { storm: false } | { storm: true; cause: 'nodes' | 'share' };

/** storm decides whether `f` is a storm by `rule`. */
export function storm(f: GuardFigures, rule: GuardRule): Storm {
  if (f.offline > rule.offlineNodes) return { storm: true, cause: 'nodes' };
  if (f.checked >= rule.minNodes && f.offline > rule.offlineShare * f.checked) return { storm: true, cause: 'share' };
  return { storm: false };
}

/** share is the offline share as a whole percentage, for messages ("40%"). */
export function share(f: GuardFigures): string {
  return f.checked === 0 ? '–' : `${Math.round((f.offline / f.checked) * 100)}%`;
}

/** alertText is the one message the satellite's own channel gets when a storm begins. */
export function alertText(f: GuardFigures, windowMs: number, manual: string | null): { title: string; text: string } {
  const minutes = Math.round(windowMs / 60_000);
  if (manual !== null)
    return {
      title: 'Storm guard on: satellite maintenance',
      text: `Held by the satellite: ${manual}. Offline notices to operators are held until the guard is released; notices of nodes that come back are then dropped.`,
    };
  return {
    title: 'Storm guard on: many nodes offline at once',
    text:
      `${count(f.offline)} of the ${count(f.checked)} nodes checked in the last ${minutes} min went offline within that time (${share(f)}). ` +
      'This looks like a fault on the satellite’s side (its network, its uptime checker, a restored database). ' +
      'Offline notices to operators are held; when the nodes are back, their notices are dropped, and nodes still offline after the storm are reported as usual.',
  };
}

const count = (n: number): string => n.toLocaleString('en-US');
