/**
 * @module notification/hooks/transitions
 * Which hook signals are news: a node's recorded state plus a reported change gives the fields to
 * write (if any) and whether to notify, and of what. Pure: the node-state store (node-state.ts)
 * writes the plan guarded by the values the written fields held when it was made, so concurrent
 * hooks for one node apply each change once.
 *
 * Uptime is the one signal with memory beyond a flag: a node is reported offline only once checks
 * have failed for `offlineAfterMs` (Storj raises offline from the last successful contact, not the
 * first failed check), and a node that keeps changing (`flap.changes` offline/online notices within
 * `flap.windowMs`) gets one "flapping" notice, then silence about its ups and downs until it has
 * held one state for `flap.stableMs`.
 */
import type { EventKind } from '../../kinds.js';

/** FlapRule says when ups and downs become one "flapping" notice, and when quiet ends. */
export interface FlapRule {
  /** Offline/online changes within `windowMs` that make a node flapping. */
  changes: number;
  windowMs: number;
  /** How long a flapping node must hold one state before its changes are notified again. */
  stableMs: number;
}

/** ReminderRule says when a node still offline is told again: every `afterMs` since it went offline, `max` times. */
export interface ReminderRule {
  afterMs: number;
  max: number;
}

/** Measure is a reputation score that can warn before its bar: audit (DQ), unknown-audit and online (suspension). */
export type Measure = 'audit' | 'unknown-audit' | 'online';

/**
 * ScoreRule says when a score is news: within `margin` above its `bar` and lower than the report
 * before it (one dip into the margin is not news; a second, lower report is), and once only,
 * until the score is back at `margin` twice over above the bar.
 */
export interface ScoreRule {
  bar: number;
  margin: number;
}

/** Transition is a change of a node's state that a hook reports; it applies at most once. */
export type Transition =
  | {
      nodeId: string;
      at: Date;
      change: 'contained' | 'released' | 'audit-failed' | 'audit-passed' | 'disqualified' | 'version-ok';
    }
  | { nodeId: string; at: Date; change: 'offline'; offlineAfterMs: number; flap: FlapRule; remind: ReminderRule }
  | { nodeId: string; at: Date; change: 'online'; flap: FlapRule }
  | { nodeId: string; at: Date; change: 'version-outdated'; cooldownMs: number }
  | {
      nodeId: string;
      at: Date;
      change: 'suspended' | 'unsuspended';
      reason: 'offline' | 'unknown-audit';
      /** A node reported suspended again is reminded by this rule (none when absent). */
      remind?: ReminderRule;
    }
  | { nodeId: string; at: Date; change: 'snooze'; until: Date | null; untilBack: boolean }
  | { nodeId: string; at: Date; change: 'score'; measure: Measure; score: number; rule: ScoreRule }
  | { nodeId: string; at: Date; change: 'vetting'; vetted: boolean };

/** TransitionResult says whether the change applied, and what the state was before it. */
export interface TransitionResult {
  applied: boolean;
  offlineSince: Date | null;
  containedSince: Date | null;
  /** The node was disqualified before this change. */
  disqualified: boolean;
  /** The kind to notify when it is not the hook's usual one (a flapping node, an offline notice after flapping). */
  kind?: EventKind;
  /** Which reminder this notice is (1, 2 …) when it tells again of a node still offline. */
  reminder?: number;
  /** Since when the node is suspended, for a reminder of a suspension. */
  suspendedSince?: Date;
  /** The score reported before this one (a degrading score's news says from what it fell). */
  previousScore?: number;
  /** The node is snoozed until then: its news waits (a disqualification never does). */
  heldUntil?: Date;
  /** This change ended a snooze "until it is back": what the snooze held leaves now, with this news. */
  snoozeEnded?: boolean;
}

/** NodeState is what the hooks last recorded about a node. */
export interface NodeState {
  /** Since when the node is known (and was reported) offline; null when online. */
  offlineSince: Date | null;
  /** The first failed check of a failure streak not yet reported; null when the last check passed. */
  failingSince: Date | null;
  /** Offline/online changes counted in the flap window that started at `flapWindowStart`. */
  flapCount: number;
  flapWindowStart: Date | null;
  /** Since when the node is reported flapping; null when not. */
  flappingSince: Date | null;
  /** When the node last changed between offline and online. */
  lastChangeAt: Date | null;
  containedSince: Date | null;
  auditFailing: boolean;
  disqualifiedAt: Date | null;
  versionNotifiedAt: Date | null;
  /** Since when the node is suspended for a low online score, or for unknown audit errors; null when not. */
  offlineSuspendedAt: Date | null;
  unknownAuditSuspendedAt: Date | null;
  /** Reminders sent since the node went offline; back to 0 when it is online again. */
  offlineReminders: number;
  /** Reminders sent during each suspension; back to 0 when it is lifted. */
  offlineSuspensionReminders: number;
  unknownAuditSuspensionReminders: number;
  /** Until when the operator (or the satellite) snoozed the node's news; null when not snoozed. */
  snoozedUntil: Date | null;
  /** The snooze lasts until the node is back online (at most until `snoozedUntil`). */
  snoozeUntilBack: boolean;
  /** Each score's last report while near its bar (null above it), and whether its warning was given. */
  auditScore: number | null;
  auditDegrading: boolean;
  unknownAuditScore: number | null;
  unknownAuditDegrading: boolean;
  onlineScore: number | null;
  onlineDegrading: boolean;
  /** When the node was first reported unvetted (and welcomed), and when it was first reported vetted. */
  welcomedAt: Date | null;
  vettedAt: Date | null;
}

/** INITIAL_STATE is a node the hooks have not seen yet (what a new state row holds). */
export const INITIAL_STATE: NodeState = Object.freeze({
  offlineSince: null,
  failingSince: null,
  flapCount: 0,
  flapWindowStart: null,
  flappingSince: null,
  lastChangeAt: null,
  containedSince: null,
  auditFailing: false,
  disqualifiedAt: null,
  versionNotifiedAt: null,
  offlineSuspendedAt: null,
  unknownAuditSuspendedAt: null,
  offlineReminders: 0,
  offlineSuspensionReminders: 0,
  unknownAuditSuspensionReminders: 0,
  snoozedUntil: null,
  snoozeUntilBack: false,
  auditScore: null,
  auditDegrading: false,
  unknownAuditScore: null,
  unknownAuditDegrading: false,
  onlineScore: null,
  onlineDegrading: false,
  welcomedAt: null,
  vettedAt: null,
});

/** StateWrite sets fields of a node's state; each is written only if it still holds what the plan read. */
export type StateWrite = Partial<NodeState>;

/** TransitionPlan is what to write and whether (and of what kind) it is news. */
export interface TransitionPlan {
  write: StateWrite | null;
  result: TransitionResult;
}

/** planTransition decides the effect of `t` on `state`. */
export function planTransition(state: NodeState, t: Transition): TransitionPlan {
  const snoozed = state.snoozedUntil !== null && state.snoozedUntil.getTime() > t.at.getTime();
  const prev = {
    offlineSince: state.offlineSince,
    containedSince: state.containedSince,
    disqualified: state.disqualifiedAt !== null,
    ...(snoozed && state.snoozedUntil && { heldUntil: state.snoozedUntil }),
  };
  const news = (write: StateWrite, kind?: EventKind, reminder?: number): TransitionPlan => ({
    write,
    result: { applied: true, ...prev, ...(kind && { kind }), ...(reminder && { reminder }) },
  });
  const quiet = (write: StateWrite): TransitionPlan => ({ write, result: { applied: false, ...prev } });
  const nothing: TransitionPlan = { write: null, result: { applied: false, ...prev } };
  switch (t.change) {
    case 'offline':
      return planDown(state, t, news, quiet, nothing);
    case 'online':
      return snoozed && state.snoozeUntilBack
        ? endSnooze(planUp(state, t.at, t.flap, news, quiet, nothing))
        : planUp(state, t.at, t.flap, news, quiet, nothing);
    case 'contained':
      return state.containedSince === null ? news({ containedSince: t.at }) : nothing;
    case 'released':
      return state.containedSince !== null ? news({ containedSince: null }) : nothing;
    case 'audit-failed':
      return state.auditFailing ? nothing : news({ auditFailing: true });
    case 'audit-passed':
      return state.auditFailing ? quiet({ auditFailing: false }) : nothing; // a pass is not news to the operator
    case 'disqualified':
      return state.disqualifiedAt === null ? news({ disqualifiedAt: t.at }) : nothing;
    case 'version-outdated':
      return state.versionNotifiedAt === null || t.at.getTime() - state.versionNotifiedAt.getTime() >= t.cooldownMs
        ? news({ versionNotifiedAt: t.at })
        : nothing;
    case 'version-ok':
      return state.versionNotifiedAt !== null ? quiet({ versionNotifiedAt: null }) : nothing;
    case 'snooze':
      // "Until it is back" is for a node that is down; snoozing one that is up would hold all its news for days.
      if (t.untilBack && state.offlineSince === null && state.failingSince === null) return nothing;
      return (state.snoozedUntil?.getTime() ?? null) === (t.until?.getTime() ?? null) &&
        state.snoozeUntilBack === t.untilBack
        ? nothing
        : quiet({ snoozedUntil: t.until, snoozeUntilBack: t.untilBack });
    case 'score':
      return planScore(state, t, news, quiet, nothing);
    case 'vetting':
      // A node first seen unvetted is new: welcomed once. Vetted is news only for a node seen
      // unvetted before (one seen vetted first was vetted before satnotify knew it).
      if (!t.vetted)
        return state.welcomedAt === null && state.vettedAt === null
          ? news({ welcomedAt: t.at }, 'node-welcome')
          : nothing;
      if (state.vettedAt !== null) return nothing;
      return state.welcomedAt !== null ? news({ vettedAt: t.at }, 'node-vetted') : quiet({ vettedAt: t.at });
    case 'suspended':
    case 'unsuspended': {
      // Each reason is a state of its own: a suspension and its lifting notify once each, and a
      // suspension reported again is reminded (as an outage is), never while snoozed.
      const field = t.reason === 'offline' ? 'offlineSuspendedAt' : 'unknownAuditSuspendedAt';
      const count = t.reason === 'offline' ? 'offlineSuspensionReminders' : 'unknownAuditSuspensionReminders';
      const since = state[field];
      if (t.change === 'unsuspended') return since !== null ? news({ [field]: null, [count]: 0 }) : nothing;
      if (since === null) return news({ [field]: t.at });
      const due = !t.remind || snoozed ? null : reminderDue(t.remind, t.at.getTime() - since.getTime(), state[count]);
      if (due === null) return nothing;
      // The suspension is written unchanged as a guard: a lifting planned from the same read wins.
      const plan = news({ [count]: due, [field]: since }, undefined, due);
      return { ...plan, result: { ...plan.result, suspendedSince: since } };
    }
  }
}

/**
 * reminderDue is which reminder is due `elapsedMs` after the notice, `sent` of them sent: one per
 * `afterMs`, at most `max`; after a gap in reports (or a snooze) the count catches up in one
 * reminder, never a burst of them. Null when none is due.
 */
function reminderDue(rule: ReminderRule, elapsedMs: number, sent: number): number | null {
  if (rule.afterMs <= 0) return null;
  const due = Math.min(rule.max, Math.floor(elapsedMs / rule.afterMs));
  return due > sent ? due : null;
}

type News = (write: StateWrite, kind?: EventKind, reminder?: number) => TransitionPlan;
type Quiet = (write: StateWrite) => TransitionPlan;

/**
 * A failed check: offline once checks have failed for offlineAfterMs; for a node known offline, a
 * reminder each `remind.afterMs` after the notice, `remind.max` times (Storj's notifier sends up to three offline
 * emails a day apart).
 */
function planDown(
  state: NodeState,
  t: Extract<Transition, { change: 'offline' }>,
  news: News,
  quiet: Quiet,
  nothing: TransitionPlan,
): TransitionPlan {
  const { at, flap, remind } = t;
  if (state.offlineSince !== null) {
    // Known down. If it went down while flapping, no offline notice was sent; once it has stayed
    // down for the stable period, the flapping is over and the operator hears that it is offline.
    if (state.flappingSince !== null)
      return stableFor(state, at) >= flap.stableMs ? news(calm(state), 'node-offline') : nothing;
    // A snoozed node is not reminded: its operator said they know.
    if (state.snoozedUntil !== null && state.snoozedUntil.getTime() > at.getTime()) return nothing;
    // Counted from the notice (offlineAfter past the outage's start).
    const since = at.getTime() - (state.offlineSince.getTime() + t.offlineAfterMs);
    const due = reminderDue(remind, since, state.offlineReminders);
    // offlineSince is written unchanged as a guard: a recovery planned from the same read wins.
    return due !== null
      ? news({ offlineReminders: due, offlineSince: state.offlineSince }, 'node-offline', due)
      : nothing;
  }
  const since = state.failingSince ?? at;
  if (at.getTime() - since.getTime() < t.offlineAfterMs)
    return state.failingSince === null ? quiet({ failingSince: at }) : nothing;
  return change(state, at, flap, { offlineSince: since, failingSince: null }, 'node-offline', news, quiet);
}

/** A passed check: online again if the node was reported offline; a short, unreported failure just ends. */
function planUp(
  state: NodeState,
  at: Date,
  flap: FlapRule,
  news: News,
  quiet: Quiet,
  nothing: TransitionPlan,
): TransitionPlan {
  if (state.offlineSince !== null)
    return change(
      state,
      at,
      flap,
      { offlineSince: null, failingSince: null, ...(state.offlineReminders !== 0 && { offlineReminders: 0 }) },
      'node-online',
      news,
      quiet,
    );
  if (state.failingSince !== null) return quiet({ failingSince: null });
  // Stable online for long enough: flapping is over, quietly (the node is fine).
  if (state.flappingSince !== null && stableFor(state, at) >= flap.stableMs) return quiet(calm(state));
  return nothing;
}

/**
 * A change between offline and online: counted in the flap window; the notice, the flapping notice, or silence while
 * flapping.
 */
function change(
  state: NodeState,
  at: Date,
  flap: FlapRule,
  write: StateWrite,
  kind: EventKind,
  news: News,
  quiet: Quiet,
): TransitionPlan {
  const fresh = state.flapWindowStart === null || at.getTime() - state.flapWindowStart.getTime() >= flap.windowMs;
  const counted: StateWrite = {
    ...write,
    flapCount: fresh ? 1 : state.flapCount + 1,
    flapWindowStart: fresh ? at : state.flapWindowStart,
    lastChangeAt: at,
  };
  if (state.flappingSince !== null) return quiet({ ...counted, flappingSince: state.flappingSince });
  if ((counted.flapCount ?? 0) >= flap.changes) return news({ ...counted, flappingSince: at }, 'node-flapping');
  return news(counted, kind);
}

/** calm ends flapping and starts counting changes afresh (lastChangeAt is unchanged: written as a guard). */
function calm(state: NodeState): StateWrite {
  return { flappingSince: null, flapCount: 0, flapWindowStart: null, lastChangeAt: state.lastChangeAt };
}

function stableFor(state: NodeState, at: Date): number {
  return at.getTime() - (state.lastChangeAt ?? state.flappingSince ?? at).getTime();
}

/** Each measure's fields in the node's state. */
const SCORE_FIELDS = {
  audit: { score: 'auditScore', warned: 'auditDegrading' },
  'unknown-audit': { score: 'unknownAuditScore', warned: 'unknownAuditDegrading' },
  online: { score: 'onlineScore', warned: 'onlineDegrading' },
} as const satisfies Record<Measure, { score: keyof NodeState; warned: keyof NodeState }>;

/**
 * A reported score: kept while within twice the margin above its bar (above that the node is
 * fine, and the warning may come again); news when within the margin and lower than the report
 * before, once until it is clear again.
 */
function planScore(
  state: NodeState,
  t: Extract<Transition, { change: 'score' }>,
  news: News,
  quiet: Quiet,
  nothing: TransitionPlan,
): TransitionPlan {
  const f = SCORE_FIELDS[t.measure];
  const previous = state[f.score];
  const warned = state[f.warned];
  const { bar, margin } = t.rule;
  if (margin <= 0) return nothing;
  if (t.score >= bar + 2 * margin)
    return previous === null && !warned ? nothing : quiet({ [f.score]: null, [f.warned]: false });
  // Below the bar is no longer a warning: the satellite suspends or disqualifies, and says so.
  if (!warned && t.score >= bar && t.score < bar + margin && previous !== null && t.score < previous) {
    const plan = news(
      { [f.score]: t.score, [f.warned]: true },
      t.measure === 'online' ? 'online-degrading' : 'audit-degrading',
    );
    return { ...plan, result: { ...plan.result, previousScore: previous } };
  }
  return previous === t.score ? nothing : quiet({ [f.score]: t.score });
}

/**
 * endSnooze: a node snoozed "until it is back" that is back ends its snooze with this check. Its
 * recovery is not held, and what the snooze held leaves with it (hooks/run.ts moves it).
 */
function endSnooze(plan: TransitionPlan): TransitionPlan {
  if (!plan.write) return plan; // online already: a check that changes nothing ends nothing
  const { heldUntil: _held, ...result } = plan.result;
  return {
    write: { ...plan.write, snoozedUntil: null, snoozeUntilBack: false },
    result: { ...result, snoozeEnded: true },
  };
}
