/**
 * @module notification/hooks/events
 * What the satellite's loops report, turned into node-state transitions and the event to notify
 * when a transition is news. Pure: the service records the result. A transition needs only the
 * node's id, so the service reads the node's state while it looks the node up; the data of the
 * notification needs the node.
 */
import semver from 'semver';
import { z } from 'zod';
import { oneLine } from '../../input/text.js';
import { semverVersion } from '../../input/version.js';
import type { NodeInfo } from '../../overlay/db.js';
import type { NodeId } from '../../overlay/node-id.js';
import type { FlapRule, Measure, ReminderRule, ScoreRule, Transition, TransitionResult } from './transitions.js';
import { DISQUALIFICATION_REASONS, type EventKind } from '../../kinds.js';

/** HookEvent is a transition and, if it is worth telling the operator, the kind and its template data. */
export interface HookEvent {
  transition: Transition;
  kind: EventKind | null;
  data: (node: NodeInfo, prev: TransitionResult) => Record<string, unknown>;
}

const unit = z.number().finite().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1');

/**
 * The signals the satellite passes to the hooks, as schemas checked at the door: booleans are
 * booleans (the string 'false' is not), scores are numbers in 0..1, unknown fields are refused.
 */
export const SIGNALS = {
  uptime: z.strictObject({ ok: z.boolean(), onlineScore: unit.optional() }),
  audit: z.strictObject({ passed: z.boolean(), score: unit, dqThreshold: unit }),
  /** Entering containment may carry the audit score and its threshold, so the message shows both. */
  containment: z.strictObject({ contained: z.boolean(), score: unit.optional(), dqThreshold: unit.optional() }),
  /**
   * A reason is one of DISQUALIFICATION_REASONS (worded in every language, with `score` as the
   * value against its bar), or the satellite's own words, shown as they are.
   */
  disqualified: z.strictObject({ reason: oneLine(500, 0), score: unit.optional() }),
  version: z.strictObject({
    version: semverVersion,
    minimum: semverVersion,
    latest: semverVersion.optional(),
    deadline: z.union([z.date(), z.iso.datetime({ offset: true })]).optional(),
  }),
  suspension: z.strictObject({
    reason: z.enum(['offline', 'unknown-audit']),
    suspended: z.boolean(),
    score: unit.optional(),
  }),
  /** A reputation update: any of the scores (suspension: the unknown-audit score) and whether vetting is over. */
  scores: z
    .strictObject({
      audit: unit.optional(),
      online: unit.optional(),
      suspension: unit.optional(),
      vetted: z.boolean().optional(),
    })
    .refine((s) => Object.values(s).some((v) => v !== undefined), 'must carry audit, online, suspension or vetted'),
};
export type UptimeSignal = z.infer<typeof SIGNALS.uptime>;
export type AuditSignal = z.infer<typeof SIGNALS.audit>;
export type ContainmentSignal = z.infer<typeof SIGNALS.containment>;
export type DisqualifiedSignal = z.infer<typeof SIGNALS.disqualified>;
export type VersionSignal = z.infer<typeof SIGNALS.version>;
export type SuspensionSignal = z.infer<typeof SIGNALS.suspension>;
export type ScoresSignal = z.infer<typeof SIGNALS.scores>;

const none = (): Record<string, unknown> => ({});

/**
 * UptimeRules are the uptime hook's settings: when a failure streak is offline, when changes are
 * flapping, and when a node still offline is reminded.
 */
export interface UptimeRules {
  offlineAfterMs: number;
  flap: FlapRule;
  remind: ReminderRule;
}

/**
 * uptimeEvent: offline once checks have failed for `offlineAfterMs`, online once when they pass
 * again; a node that keeps changing gets one flapping notice instead (see transitions.ts).
 */
export function uptimeEvent(nodeId: NodeId, s: UptimeSignal, at: Date, rules: UptimeRules): HookEvent {
  const id = nodeId.hex;
  // Times go in as ISO instants and spans as milliseconds: each reader sees them in their own zone and language.
  const flapping = (): Record<string, unknown> => ({
    changes: String(rules.flap.changes),
    window: rules.flap.windowMs,
    quietFor: rules.flap.stableMs,
  });
  if (!s.ok) {
    return {
      transition: {
        nodeId: id,
        at,
        change: 'offline',
        offlineAfterMs: rules.offlineAfterMs,
        flap: rules.flap,
        remind: rules.remind,
      },
      kind: 'node-offline',
      data: (node, prev) =>
        prev.kind === 'node-flapping'
          ? { ...flapping(), ...score('onlineScore', s.onlineScore) }
          : {
              ...(node.lastContactSuccess && { lastContact: node.lastContactSuccess.toISOString() }),
              ...score('onlineScore', s.onlineScore),
              // A reminder says for how long, and how many more will come.
              ...(prev.reminder &&
                prev.offlineSince && {
                  reminder: prev.reminder,
                  remindersLeft: rules.remind.max - prev.reminder,
                  offlineSince: prev.offlineSince.toISOString(),
                  offlineFor: at.getTime() - prev.offlineSince.getTime(),
                }),
            },
    };
  }
  return {
    transition: { nodeId: id, at, change: 'online', flap: rules.flap },
    kind: 'node-online',
    data: (_node, prev) => {
      if (prev.kind === 'node-flapping') return flapping();
      const since = prev.offlineSince ?? at;
      return {
        offlineSince: since.toISOString(),
        offlineFor: at.getTime() - since.getTime(),
        ...score('onlineScore', s.onlineScore),
      };
    },
  };
}

/** auditEvent: the first failure after passing audits notifies, with score, threshold and distance. */
export function auditEvent(nodeId: NodeId, s: AuditSignal, at: Date): HookEvent {
  const id = nodeId.hex;
  if (s.passed) return { transition: { nodeId: id, at, change: 'audit-passed' }, kind: null, data: none };
  return {
    transition: { nodeId: id, at, change: 'audit-failed' },
    kind: 'audit-failed',
    data: () => ({
      score: s.score.toFixed(3),
      threshold: s.dqThreshold.toFixed(3),
      distance: (s.score - s.dqThreshold).toFixed(3),
    }),
  };
}

/** containmentEvent: entering and leaving containment notify once each. */
export function containmentEvent(nodeId: NodeId, s: ContainmentSignal, at: Date): HookEvent {
  return s.contained
    ? {
        transition: { nodeId: nodeId.hex, at, change: 'contained' },
        kind: 'containment-entered',
        data: () => ({ ...score('score', s.score), ...score('threshold', s.dqThreshold) }),
      }
    : { transition: { nodeId: nodeId.hex, at, change: 'released' }, kind: 'containment-released', data: none };
}

/** disqualifiedEvent notifies once per node. */
export function disqualifiedEvent(nodeId: NodeId, s: DisqualifiedSignal, at: Date): HookEvent {
  return {
    transition: { nodeId: nodeId.hex, at, change: 'disqualified' },
    kind: 'disqualified',
    data: () => ({
      ...((DISQUALIFICATION_REASONS as readonly string[]).includes(s.reason)
        ? { reasonCode: s.reason }
        : { reason: s.reason }),
      ...score('score', s.score),
    }),
  };
}

/** versionEvent reminds about an outdated version at most once per cooldown; an update resets it. */
export function versionEvent(nodeId: NodeId, s: VersionSignal, at: Date, cooldownMs: number): HookEvent {
  if (!semver.lt(s.version, s.minimum))
    return { transition: { nodeId: nodeId.hex, at, change: 'version-ok' }, kind: null, data: none };
  return {
    transition: { nodeId: nodeId.hex, at, change: 'version-outdated', cooldownMs },
    kind: 'version-outdated',
    data: () => ({
      version: s.version,
      minimum: s.minimum,
      ...(s.latest && { latest: s.latest }),
      ...(s.deadline && { deadline: new Date(s.deadline).toISOString() }),
    }),
  };
}

/**
 * suspensionEvent: a suspension (for a low online score, or for unknown audit errors) and its
 * lifting notify once each; a suspension reported again is reminded by `remind`.
 */
export function suspensionEvent(nodeId: NodeId, s: SuspensionSignal, at: Date, remind: ReminderRule): HookEvent {
  const kind = `${s.reason}-${s.suspended ? 'suspended' : 'unsuspended'}` as const;
  return {
    transition: {
      nodeId: nodeId.hex,
      at,
      change: s.suspended ? 'suspended' : 'unsuspended',
      reason: s.reason,
      ...(s.suspended && { remind }),
    },
    kind,
    data: (_node, prev) => ({
      ...score(s.reason === 'offline' ? 'onlineScore' : 'unknownScore', s.score),
      // A reminder says for how long, and how many more will come.
      ...(prev.reminder &&
        prev.suspendedSince && {
          reminder: prev.reminder,
          remindersLeft: remind.max - prev.reminder,
          suspendedSince: prev.suspendedSince.toISOString(),
          suspendedFor: at.getTime() - prev.suspendedSince.getTime(),
        }),
    }),
  };
}

/** ScoreRules are each measure's bar (the `reputation` section) and warning margin (the `hooks` section). */
export type ScoreRules = Record<Measure, ScoreRule>;

/**
 * scoresEvents: a reputation update's news, one event per part of it: the milestones (a new node's
 * welcome, vetting finished), then each score falling near its bar (transitions.ts says when).
 */
export function scoresEvents(nodeId: NodeId, s: ScoresSignal, at: Date, rules: ScoreRules): HookEvent[] {
  const id = nodeId.hex;
  const out: HookEvent[] = [];
  if (s.vetted !== undefined)
    out.push({
      transition: { nodeId: id, at, change: 'vetting', vetted: s.vetted },
      kind: s.vetted ? 'node-vetted' : 'node-welcome',
      data: none,
    });
  const measures: Array<[Measure, number | undefined]> = [
    ['audit', s.audit],
    ['unknown-audit', s.suspension],
    ['online', s.online],
  ];
  for (const [measure, value] of measures) {
    if (value === undefined) continue;
    const rule = rules[measure];
    out.push({
      transition: { nodeId: id, at, change: 'score', measure, score: value, rule },
      kind: measure === 'online' ? 'online-degrading' : 'audit-degrading',
      data: (_node, prev) => ({
        measure,
        score: value.toFixed(3),
        ...(prev.previousScore !== undefined && { previous: prev.previousScore.toFixed(3) }),
        threshold: rule.bar.toFixed(3),
        distance: Math.max(0, value - rule.bar).toFixed(3),
      }),
    });
  }
  return out;
}

/** score is a 0..1 score as a kind's data carries it (three places), or nothing when the satellite did not pass one. */
function score(name: string, value: number | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value.toFixed(3) };
}
