/**
 * @module notification/hooks/config
 * The `hooks` and `grouping` sections: which channels each kind uses, uptime rules, version reminders, operator
 * grouping.
 */
import { z } from 'zod';
import { count, DAY, duration, HOUR, MINUTE, section } from '../../config-schema.js';
import { EVENT_KINDS, type EventKind } from '../../kinds.js';
import type { ReminderRule } from './transitions.js';

/** REMINDED_KINDS are the kinds whose trouble lasts, and is reminded while it does. */
export const REMINDED_KINDS = ['node-offline', 'offline-suspended', 'unknown-audit-suspended'] as const;
export type RemindedKind = (typeof REMINDED_KINDS)[number];

/** HOOKS_CONFIG is the `hooks` section of the configuration. */
export const HOOKS_CONFIG = section(
  {
    channels: z
      .partialRecord(z.enum(EVENT_KINDS), z.array(z.string()))
      .default(Object.fromEntries(EVENT_KINDS.map((k) => [k, ['email', 'log']])) as Record<EventKind, string[]>)
      .describe(
        'Channel instances each kind notifies on, e.g. `{ "node-offline": ["email", "irc"] }`; default: every kind on email and log.',
      ),
    versionCooldown: duration(
      '168h',
      MINUTE,
      365 * DAY,
      'A version reminder repeats no more often than this (Storj: 168h)',
    ),
    offlineAfter: duration(
      '1h',
      0,
      7 * DAY,
      'A node is reported offline once its uptime checks have failed for this long; 0: at the first failed check',
    ),
    reminders: z
      .union([
        count(2, 0, 10, 'Older form: reminders of a node still offline, at most, `remindAfter` apart'),
        z.partialRecord(
          z.enum(REMINDED_KINDS),
          z.strictObject({
            after: duration('24h', HOUR, 30 * DAY, 'Reminded this long after the notice, and again each time as long'),
            max: count(2, 0, 10, 'Reminders after the notice, at most; 0: none'),
          }),
        ),
      ])
      .default({})
      .describe(
        'Reminders while a kind\'s trouble lasts, per kind: `{ "node-offline": { "after": "24h", "max": 2 } }` (also `offline-suspended`, `unknown-audit-suspended`); a kind left out keeps the default, after 24h and at most 2 more (Storj sends 3 offline emails in all). A number is the older form: node-offline\'s `max`, `remindAfter` apart.',
      ),
    remindAfter: duration(
      '24h',
      HOUR,
      30 * DAY,
      'With the older number form of `reminders`: how far apart node-offline reminders are',
    ),
    auditWarnMargin: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe(
        '`svc.onScores`: an audit score this close above its bar (reputation.auditDisqualificationBelow) and falling warns once (audit-degrading); 0: never (0–1).',
      ),
    suspensionWarnMargin: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe(
        '`svc.onScores`: an unknown-audit score this close above its suspension bar and falling warns once (audit-degrading); 0: never (0–1).',
      ),
    onlineWarnMargin: z
      .number()
      .min(0)
      .max(1)
      .default(0.1)
      .describe(
        '`svc.onScores`: an online score this close above its suspension bar and falling warns once (online-degrading); 0: never (0–1).',
      ),
    snoozeMax: duration('7d', HOUR, 30 * DAY, 'The furthest ahead a node may be snoozed (`svc.snooze`)'),
    flapChanges: count(
      4,
      2,
      100,
      'Offline/online changes within `flapWindow` that make a node flapping: one "flapping" notice instead of the next change',
    ),
    flapWindow: duration('24h', MINUTE, 7 * DAY, 'The window flapping changes are counted in'),
    flapStable: duration(
      '6h',
      MINUTE,
      7 * DAY,
      'How long a flapping node must hold one state before its changes are notified again (if it stays offline, it is then reported offline)',
    ),
  },
  "The satellite's uptime, audit, containment and version hooks.",
);

/** GROUPING_CONFIG is the `grouping` section: hook emails to one operator leave together. */
export const GROUPING_CONFIG = section(
  {
    wait: duration(
      '5m',
      0,
      DAY,
      'Emails to one address within this wait leave as one email (Storj: 5m); 0: no grouping',
    ),
    fleet: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a lower-case name (letters, digits, _; up to 40)')
      .optional()
      .describe(
        "A fleet's name: satellites on one PostgreSQL that share it send an operator one email for their news together (the schema `satnotify_fleet_<name>` holds the fleet's mail and its per-address limits). Needs `database.url`.",
      ),
    fleetWait: duration(
      '5m',
      0,
      DAY,
      "How long the fleet's mail to an address waits, after a satellite hands it over, for the other satellites' news to the same address",
    ),
  },
  'Operator grouping of hook emails.',
);

/** HooksConfig is the resolved `hooks` section. */
export type HooksConfig = z.output<typeof HOOKS_CONFIG>;

/** reminderRule is how `kind` is reminded: the configured rule, else the default (after 24h, at most 2). */
export function reminderRule(h: Pick<HooksConfig, 'reminders' | 'remindAfterMs'>, kind: RemindedKind): ReminderRule {
  if (typeof h.reminders === 'number')
    return kind === 'node-offline' ? { afterMs: h.remindAfterMs, max: h.reminders } : { afterMs: DAY, max: 2 };
  const r = h.reminders[kind];
  return r ? { afterMs: r.after, max: r.max } : { afterMs: DAY, max: 2 };
}
/** GroupingConfig is the resolved `grouping` section. */
export type GroupingConfig = z.output<typeof GROUPING_CONFIG>;
