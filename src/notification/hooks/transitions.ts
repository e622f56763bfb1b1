/**
 * @module notification/hooks/transitions
 * Which hook signals are news: a node's recorded state plus a reported change gives the columns to
 * write (if any) and whether to notify, and of what. Pure; the outbox writes the plan guarded by
 * the values the written columns held when it was made, so concurrent hooks for one node apply each
 * change once.
 *
 * Uptime is the one signal with memory beyond a flag: a node is reported offline only once checks
 * have failed for `offlineAfterMs` (Storj raises offline from the last successful contact, not the
 * first failed check), and a node that keeps changing (`flap.changes` offline/online notices within
 * `flap.windowMs`) gets one "flapping" notice, then silence about its ups and downs until it has
 * held one state for `flap.stableMs`.
 */
import type { FlapRule, Transition, TransitionResult } from '../outbox/outbox.js';
import type { EventKind } from '../../kinds.js';

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
}

/** INITIAL_STATE is a node the hooks have not seen yet (the columns' defaults). */
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
});

/** StateColumn names the columns of `satnotify_node_state` a transition may write. */
export type StateColumn =
  | 'offline_since'
  | 'failing_since'
  | 'flap_count'
  | 'flap_window_start'
  | 'flapping_since'
  | 'last_change_at'
  | 'contained_since'
  | 'audit_failing'
  | 'disqualified_at'
  | 'version_notified_at'
  | 'offline_suspended_at'
  | 'unknown_audit_suspended_at';

/** StateValue is what a state column holds. */
export type StateValue = Date | boolean | number | null;

/** StateWrite sets columns; each is written only if it still holds what the plan read. */
export type StateWrite = Partial<Record<StateColumn, StateValue>>;

/** TransitionPlan is what to write and whether (and of what kind) it is news. */
export interface TransitionPlan {
  write: StateWrite | null;
  result: TransitionResult;
}

/** COLUMN_OF maps a state field to its column; the outbox reads the guard values through it. */
export const COLUMN_OF: Readonly<Record<keyof NodeState, StateColumn>> = {
  offlineSince: 'offline_since',
  failingSince: 'failing_since',
  flapCount: 'flap_count',
  flapWindowStart: 'flap_window_start',
  flappingSince: 'flapping_since',
  lastChangeAt: 'last_change_at',
  containedSince: 'contained_since',
  auditFailing: 'audit_failing',
  disqualifiedAt: 'disqualified_at',
  versionNotifiedAt: 'version_notified_at',
  offlineSuspendedAt: 'offline_suspended_at',
  unknownAuditSuspendedAt: 'unknown_audit_suspended_at',
};

/** planTransition decides the effect of `t` on `state`. */
export function planTransition(state: NodeState, t: Transition): TransitionPlan {
  const prev = { offlineSince: state.offlineSince, containedSince: state.containedSince, disqualified: state.disqualifiedAt !== null };
  const news = (write: StateWrite, kind?: EventKind): TransitionPlan => ({ write, result: { applied: true, ...prev, ...(kind && { kind }) } });
  const quiet = (write: StateWrite): TransitionPlan => ({ write, result: { applied: false, ...prev } });
  const nothing: TransitionPlan = { write: null, result: { applied: false, ...prev } };
  switch (t.change) {
    case 'offline':
      return planDown(state, t.at, t.offlineAfterMs, t.flap, news, quiet, nothing);
    case 'online':
      return planUp(state, t.at, t.flap, news, quiet, nothing);
    case 'contained':
      return state.containedSince === null ? news({ contained_since: t.at }) : nothing;
    case 'released':
      return state.containedSince !== null ? news({ contained_since: null }) : nothing;
    case 'audit-failed':
      return state.auditFailing ? nothing : news({ audit_failing: true });
    case 'audit-passed':
      return state.auditFailing ? quiet({ audit_failing: false }) : nothing; // a pass is not news to the operator
    case 'disqualified':
      return state.disqualifiedAt === null ? news({ disqualified_at: t.at }) : nothing;
    case 'version-outdated':
      return state.versionNotifiedAt === null || t.at.getTime() - state.versionNotifiedAt.getTime() >= t.cooldownMs ? news({ version_notified_at: t.at }) : nothing;
    case 'version-ok':
      return state.versionNotifiedAt !== null ? quiet({ version_notified_at: null }) : nothing;
    case 'suspended':
    case 'unsuspended': {
      // Each reason is a state of its own: a suspension and its lifting notify once each.
      const [field, column] = t.reason === 'offline' ? (['offlineSuspendedAt', 'offline_suspended_at'] as const) : (['unknownAuditSuspendedAt', 'unknown_audit_suspended_at'] as const);
      if (t.change === 'suspended') return state[field] === null ? news({ [column]: t.at }) : nothing;
      return state[field] !== null ? news({ [column]: null }) : nothing;
    }
  }
}

type News = (write: StateWrite, kind?: EventKind) => TransitionPlan;
type Quiet = (write: StateWrite) => TransitionPlan;

/** A failed check: offline once checks have failed for offlineAfterMs. */
function planDown(state: NodeState, at: Date, offlineAfterMs: number, flap: FlapRule, news: News, quiet: Quiet, nothing: TransitionPlan): TransitionPlan {
  if (state.offlineSince !== null) {
    // Known down. If it went down while flapping, no offline notice was sent; once it has stayed
    // down for the stable period, the flapping is over and the operator hears that it is offline.
    return state.flappingSince !== null && stableFor(state, at) >= flap.stableMs ? news(calm(state), 'node-offline') : nothing;
  }
  const since = state.failingSince ?? at;
  if (at.getTime() - since.getTime() < offlineAfterMs) return state.failingSince === null ? quiet({ failing_since: at }) : nothing;
  return change(state, at, flap, { offline_since: since, failing_since: null }, 'node-offline', news, quiet);
}

/** A passed check: online again if the node was reported offline; a short, unreported failure just ends. */
function planUp(state: NodeState, at: Date, flap: FlapRule, news: News, quiet: Quiet, nothing: TransitionPlan): TransitionPlan {
  if (state.offlineSince !== null) return change(state, at, flap, { offline_since: null, failing_since: null }, 'node-online', news, quiet);
  if (state.failingSince !== null) return quiet({ failing_since: null });
  // Stable online for long enough: flapping is over, quietly (the node is fine).
  if (state.flappingSince !== null && stableFor(state, at) >= flap.stableMs) return quiet(calm(state));
  return nothing;
}

/** A change between offline and online: counted in the flap window; the notice, the flapping notice, or silence while flapping. */
function change(state: NodeState, at: Date, flap: FlapRule, write: StateWrite, kind: EventKind, news: News, quiet: Quiet): TransitionPlan {
  const fresh = state.flapWindowStart === null || at.getTime() - state.flapWindowStart.getTime() >= flap.windowMs;
  const counted: StateWrite = { ...write, flap_count: fresh ? 1 : state.flapCount + 1, flap_window_start: fresh ? at : state.flapWindowStart, last_change_at: at };
  if (state.flappingSince !== null) return quiet({ ...counted, flapping_since: state.flappingSince });
  if ((counted.flap_count as number) >= flap.changes) return news({ ...counted, flapping_since: at }, 'node-flapping');
  return news(counted, kind);
}

/** calm ends flapping and starts counting changes afresh (last_change_at is unchanged: written as a guard). */
function calm(state: NodeState): StateWrite {
  return { flapping_since: null, flap_count: 0, flap_window_start: null, last_change_at: state.lastChangeAt };
}

function stableFor(state: NodeState, at: Date): number {
  return at.getTime() - (state.lastChangeAt ?? state.flappingSince ?? at).getTime();
}
