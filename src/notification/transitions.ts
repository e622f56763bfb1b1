/**
 * @module notification/transitions
 * Which hook signals are news: a node's recorded state plus a reported change gives the one column
 * to write (if any) and whether to notify. Pure; the outbox writes the plan with a guard on the
 * state it was made from, so concurrent hooks for one node apply each change once.
 */
import type { Transition, TransitionResult } from './db.js';

/** NodeState is what the hooks last recorded about a node. */
export interface NodeState {
  offlineSince: Date | null;
  containedSince: Date | null;
  auditFailing: boolean;
  disqualifiedAt: Date | null;
  versionNotifiedAt: Date | null;
}

/** INITIAL_STATE is a node the hooks have not seen yet. */
export const INITIAL_STATE: NodeState = Object.freeze({ offlineSince: null, containedSince: null, auditFailing: false, disqualifiedAt: null, versionNotifiedAt: null });

/** StateColumn names the columns of `satnotify_node_state` a transition may write. */
export type StateColumn = 'offline_since' | 'contained_since' | 'audit_failing' | 'disqualified_at' | 'version_notified_at';

/** StateWrite changes one column, only if it still holds `from`. */
export interface StateWrite {
  column: StateColumn;
  from: Date | boolean | null;
  to: Date | boolean | null;
}

/** TransitionPlan is what to write and whether it is news worth notifying. */
export interface TransitionPlan {
  write: StateWrite | null;
  result: TransitionResult;
}

/** planTransition decides the effect of `t` on `state`. */
export function planTransition(state: NodeState, t: Transition): TransitionPlan {
  const prev = { offlineSince: state.offlineSince, containedSince: state.containedSince, disqualified: state.disqualifiedAt !== null };
  const news = (column: StateColumn, from: StateWrite['from'], to: StateWrite['to']): TransitionPlan => ({ write: { column, from, to }, result: { applied: true, ...prev } });
  const quiet = (column: StateColumn, from: StateWrite['from'], to: StateWrite['to']): TransitionPlan => ({ write: { column, from, to }, result: { applied: false, ...prev } });
  const nothing: TransitionPlan = { write: null, result: { applied: false, ...prev } };
  switch (t.change) {
    case 'offline':
      return state.offlineSince === null ? news('offline_since', null, t.at) : nothing;
    case 'online':
      return state.offlineSince !== null ? news('offline_since', state.offlineSince, null) : nothing;
    case 'contained':
      return state.containedSince === null ? news('contained_since', null, t.at) : nothing;
    case 'released':
      return state.containedSince !== null ? news('contained_since', state.containedSince, null) : nothing;
    case 'audit-failed':
      return state.auditFailing ? nothing : news('audit_failing', false, true);
    case 'audit-passed':
      return state.auditFailing ? quiet('audit_failing', true, false) : nothing; // a pass is not news to the operator
    case 'disqualified':
      return state.disqualifiedAt === null ? news('disqualified_at', null, t.at) : nothing;
    case 'version-outdated':
      return state.versionNotifiedAt === null || t.at.getTime() - state.versionNotifiedAt.getTime() >= t.cooldownMs
        ? news('version_notified_at', state.versionNotifiedAt, t.at)
        : nothing;
    case 'version-ok':
      return state.versionNotifiedAt !== null ? quiet('version_notified_at', state.versionNotifiedAt, null) : nothing;
  }
}
