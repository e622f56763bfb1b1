import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  INITIAL_STATE,
  planTransition,
  type FlapRule,
  type NodeState,
  type Transition,
} from '../../../../src/notification/hooks/transitions.js';

const AT = new Date('2024-05-01T10:00:00Z');
const ID = 'ab'.repeat(32);
const MIN = 60_000;
const FLAP: FlapRule = { changes: 4, windowMs: 24 * 60 * MIN, stableMs: 6 * 60 * MIN };
const state = (over: Partial<NodeState> = {}): NodeState => ({ ...INITIAL_STATE, ...over });
const at = (minutes: number): Date => new Date(AT.getTime() + minutes * MIN);
const NO_REMINDERS = { afterMs: 0, max: 0 };
const down = (t: Date, offlineAfterMs = 0, remind = NO_REMINDERS): Transition => ({
  nodeId: ID,
  at: t,
  change: 'offline',
  offlineAfterMs,
  flap: FLAP,
  remind,
});
const up = (t: Date): Transition => ({ nodeId: ID, at: t, change: 'online', flap: FLAP });

/**
 * play runs checks through the planner as the node-state store would (applying each write) and returns what was
 * notified.
 */
function play(
  checks: Array<[number, boolean]>,
  offlineAfterMs = 0,
  start: NodeState = state(),
): { notices: string[]; state: NodeState } {
  let s = start;
  const notices: string[] = [];
  for (const [minute, ok] of checks) {
    const plan = planTransition(s, ok ? up(at(minute)) : down(at(minute), offlineAfterMs));
    if (plan.result.applied) notices.push(`${minute}:${plan.result.kind ?? (ok ? 'node-online' : 'node-offline')}`);
    if (plan.write) s = { ...s, ...plan.write };
  }
  return { notices, state: s };
}

describe('planTransition', () => {
  it('with offlineAfter 0, offline is news at the first failed check, once; online only after offline', () => {
    assert.deepEqual(
      play([
        [0, false],
        [10, false],
        [20, true],
        [30, true],
      ]).notices,
      ['0:node-offline', '20:node-online'],
    );
    const back = planTransition(state({ offlineSince: at(-60) }), up(AT));
    assert.deepEqual(back.result.offlineSince, at(-60), 'the online notice knows when the outage started');
  });

  it('with offlineAfter 1h, a 40-minute outage is never reported; a longer one is, from its first failure', () => {
    const hour = 60 * MIN;
    assert.deepEqual(
      play(
        [
          [0, false],
          [10, false],
          [30, false],
          [40, true],
        ],
        hour,
      ).notices,
      [],
    );
    const long = play(
      [
        [0, false],
        [30, false],
        [59, false],
        [60, false],
        [70, false],
        [90, true],
      ],
      hour,
    );
    assert.deepEqual(long.notices, ['60:node-offline', '90:node-online']);
    const planned = planTransition(play([[0, false]], hour).state, down(at(60), hour));
    assert.deepEqual(planned.write?.offlineSince, AT, 'offline since the first failed check');
  });

  it('four changes within 24 h make one flapping notice, then silence until stable for 6 h', () => {
    const checks: Array<[number, boolean]> = [
      [0, false],
      [10, true],
      [60, false],
      [70, true],
      [120, false],
      [130, true],
      [180, false],
      [190, true],
    ];
    const r = play(checks);
    assert.deepEqual(r.notices, ['0:node-offline', '10:node-online', '60:node-offline', '70:node-flapping']);
    // Stable online for 6 h: quietly over; the next outage is told again.
    const after = play(
      [
        [190 + 6 * 60, true],
        [190 + 6 * 60 + 5, false],
      ],
      0,
      r.state,
    );
    assert.deepEqual(after.notices, [`${190 + 6 * 60 + 5}:node-offline`]);
  });

  it('a flapping node that then stays offline for the stable period is reported offline', () => {
    const r = play([
      [0, false],
      [10, true],
      [20, false],
      [30, true],
      [40, false],
    ]);
    assert.deepEqual(r.notices, ['0:node-offline', '10:node-online', '20:node-offline', '30:node-flapping']);
    assert.deepEqual(
      play(
        [
          [100, false],
          [40 + 6 * 60, false],
          [40 + 6 * 60 + 10, false],
        ],
        0,
        r.state,
      ).notices,
      [`${40 + 6 * 60}:node-offline`],
    );
  });

  it('changes further apart than the window do not add up to flapping', () => {
    const day = 24 * 60;
    const checks: Array<[number, boolean]> = [
      [0, false],
      [10, true],
      [day, false],
      [day + 10, true],
      [2 * day, false],
      [2 * day + 10, true],
    ];
    assert.ok(!play(checks).notices.some((n) => n.endsWith('flapping')));
  });

  it('a passed audit clears the failing flag quietly; the next failure is news again', () => {
    const failing = state({ auditFailing: true });
    assert.equal(planTransition(failing, { nodeId: ID, at: AT, change: 'audit-failed' }).write, null);
    const pass = planTransition(failing, { nodeId: ID, at: AT, change: 'audit-passed' });
    assert.deepEqual([pass.write, pass.result.applied], [{ auditFailing: false }, false]);
    assert.equal(planTransition(state(), { nodeId: ID, at: AT, change: 'audit-failed' }).result.applied, true);
  });

  it('version reminders respect the cooldown; an update resets it', () => {
    const cooldownMs = 168 * 3_600_000;
    const reminded = state({ versionNotifiedAt: new Date(AT.getTime() - cooldownMs + 1) });
    assert.equal(
      planTransition(reminded, { nodeId: ID, at: AT, change: 'version-outdated', cooldownMs }).result.applied,
      false,
    );
    const due = state({ versionNotifiedAt: new Date(AT.getTime() - cooldownMs) });
    assert.equal(
      planTransition(due, { nodeId: ID, at: AT, change: 'version-outdated', cooldownMs }).result.applied,
      true,
    );
    assert.deepEqual(planTransition(due, { nodeId: ID, at: AT, change: 'version-ok' }).write, {
      versionNotifiedAt: null,
    });
  });

  it('each suspension and its lifting are news once, per reason', () => {
    const t = (change: 'suspended' | 'unsuspended', reason: 'offline' | 'unknown-audit'): Transition => ({
      nodeId: ID,
      at: AT,
      change,
      reason,
    });
    const start = planTransition(state(), t('suspended', 'offline'));
    assert.deepEqual([start.write, start.result.applied], [{ offlineSuspendedAt: AT }, true]);
    assert.equal(
      planTransition(state({ offlineSuspendedAt: AT }), t('suspended', 'offline')).write,
      null,
      'a repeat is not news',
    );
    assert.equal(
      planTransition(state({ offlineSuspendedAt: AT }), t('suspended', 'unknown-audit')).result.applied,
      true,
      'the other reason is its own state',
    );
    assert.equal(
      planTransition(state(), t('unsuspended', 'offline')).write,
      null,
      'lifting what was never there is not news',
    );
    assert.deepEqual(planTransition(state({ unknownAuditSuspendedAt: AT }), t('unsuspended', 'unknown-audit')).write, {
      unknownAuditSuspendedAt: null,
      unknownAuditSuspensionReminders: 0,
    });
  });

  it('disqualification is news once', () => {
    assert.equal(planTransition(state(), { nodeId: ID, at: AT, change: 'disqualified' }).result.applied, true);
    assert.equal(
      planTransition(state({ disqualifiedAt: AT }), { nodeId: ID, at: AT, change: 'disqualified' }).write,
      null,
    );
  });

  describe('reminders of a node still offline', () => {
    const DAY = 24 * 60 * MIN;
    const REMIND = { afterMs: DAY, max: 2 };
    /** checks every hour for `hours`, down throughout, from minute 0; then one passing check. */
    const outage = (hours: number, from = state()): { notices: string[]; state: NodeState } => {
      let s = from;
      const notices: string[] = [];
      for (let h = 0; h <= hours; h++) {
        const plan = planTransition(s, down(at(h * 60), 0, REMIND));
        if (plan.result.applied)
          notices.push(`${h}h:${plan.result.reminder ? `reminder ${plan.result.reminder}` : 'offline'}`);
        if (plan.write) s = { ...s, ...plan.write };
      }
      const back = planTransition(s, up(at(hours * 60 + 1)));
      if (back.write) s = { ...s, ...back.write };
      return { notices, state: s };
    };

    it('a three-day outage: the notice, then one reminder a day, twice, then nothing more', () => {
      assert.deepEqual(outage(72).notices, ['0h:offline', '24h:reminder 1', '48h:reminder 2']);
    });

    it('the recovery resets the count: the next outage is reminded again', () => {
      const first = outage(72);
      assert.equal(first.state.offlineReminders, 0);
      const later = outage(30, first.state);
      assert.deepEqual(later.notices, ['0h:offline', '24h:reminder 1']);
    });

    it('counted from the notice: with offlineAfter 48 h the first reminder comes a day after it, not on the next check', () => {
      let s = state();
      const notices: string[] = [];
      for (let h = 0; h <= 100; h++) {
        const plan = planTransition(s, down(at(h * 60), 48 * 60 * MIN, REMIND));
        if (plan.result.applied) notices.push(`${h}h:${plan.result.reminder ?? 'offline'}`);
        if (plan.write) s = { ...s, ...plan.write };
      }
      assert.deepEqual(notices, ['48h:offline', '72h:1', '96h:2']);
    });

    it('none when reminders are off, and none for a flapping node (its own notice says it)', () => {
      let s = state();
      for (let h = 0; h <= 72; h++) {
        const plan = planTransition(s, down(at(h * 60)));
        assert.ok(!plan.result.reminder);
        if (plan.write) s = { ...s, ...plan.write };
      }
      const flapping = state({ offlineSince: at(0), flappingSince: at(0), lastChangeAt: at(0) });
      const plan = planTransition(flapping, down(at(25 * 60), 0, REMIND));
      assert.equal(plan.result.kind, 'node-offline', 'the flapping is over: it is reported offline');
      assert.equal(plan.result.reminder, undefined, 'as the notice, not as a reminder');
    });
  });

  describe('snooze', () => {
    it('a snoozed node’s news is still news, held until the snooze ends; after it, not held', () => {
      const snoozed = state({ snoozedUntil: at(480) });
      const plan = planTransition(snoozed, down(at(60)));
      assert.equal(plan.result.applied, true);
      assert.deepEqual(plan.result.heldUntil, at(480));
      assert.equal(planTransition(snoozed, down(at(481))).result.heldUntil, undefined);
    });

    it('pauses reminders, and is set and ended like any field (once)', () => {
      const REMIND = { afterMs: 60 * MIN, max: 2 };
      const offline = state({ offlineSince: at(0), snoozedUntil: at(600) });
      assert.equal(
        planTransition(offline, down(at(300), 0, REMIND)).result.applied,
        false,
        'no reminder while snoozed',
      );
      const after = planTransition(offline, down(at(601), 0, REMIND));
      assert.equal(after.result.reminder, 2, 'once it ends, one reminder that catches the count up, not a burst');
      assert.deepEqual(after.write, { offlineReminders: 2, offlineSince: at(0) }, 'guarded by the outage it is about');
      const set = planTransition(state(), { nodeId: ID, at: at(0), change: 'snooze', until: at(60), untilBack: false });
      assert.deepEqual(set.write, { snoozedUntil: at(60), snoozeUntilBack: false });
      assert.equal(set.result.applied, false, 'a snooze is not news');
      assert.equal(
        planTransition(state({ snoozedUntil: at(60) }), {
          nodeId: ID,
          at: at(0),
          change: 'snooze',
          until: at(60),
          untilBack: false,
        }).write,
        null,
      );
      assert.deepEqual(
        planTransition(state({ snoozedUntil: at(60) }), {
          nodeId: ID,
          at: at(0),
          change: 'snooze',
          until: null,
          untilBack: false,
        }).write,
        { snoozedUntil: null, snoozeUntilBack: false },
      );
    });
  });
});

describe('scores near their bars, and vetting', () => {
  const RULE = { bar: 0.96, margin: 0.01 };
  /** scores runs audit reports through the planner, applying each write; returns the news, in order. */
  function scores(values: number[], rule = RULE): { news: string[]; state: NodeState } {
    let s = state();
    const news: string[] = [];
    for (const [i, score] of values.entries()) {
      const plan = planTransition(s, { nodeId: ID, at: at(i), change: 'score', measure: 'audit', score, rule });
      if (plan.write) s = { ...s, ...plan.write };
      if (plan.result.applied) news.push(`${plan.result.kind} ${score} from ${plan.result.previousScore}`);
    }
    return { news, state: s };
  }

  it('warns when a score within the margin falls below the report before it; once until clear', () => {
    assert.deepEqual(scores([0.99, 0.968, 0.965, 0.961]).news, ['audit-degrading 0.965 from 0.968']);
    assert.deepEqual(scores([0.968]).news, [], 'one report in the margin is not news');
    assert.deepEqual(scores([0.968, 0.969, 0.969]).news, [], 'rising or level is not news');
    assert.deepEqual(scores([0.975, 0.972]).news, [], 'falling, but above the margin');
    assert.deepEqual(
      scores([0.968, 0.965, 0.975, 0.968, 0.966, 0.981, 0.968, 0.966]).news,
      ['audit-degrading 0.965 from 0.968', 'audit-degrading 0.966 from 0.968'],
      'only a score back at twice the margin re-arms the warning',
    );
    assert.deepEqual(scores([0.968, 0.965], { bar: 0.96, margin: 0 }).news, [], 'margin 0: never');
    assert.deepEqual(scores([0.962, 0.955]).news, [], 'below the bar is no warning: the satellite acts and says so');
  });

  it('writes nothing for a healthy node', () => {
    const { state: s } = scores([1, 0.999, 0.99]);
    assert.deepEqual(s, state());
  });

  it('welcomes a node first seen unvetted, once; tells vetting only to a node seen unvetted', () => {
    const vetting = (s: NodeState, vetted: boolean, minute: number) =>
      planTransition(s, { nodeId: ID, at: at(minute), change: 'vetting', vetted });
    const welcome = vetting(state(), false, 0);
    assert.equal(welcome.result.kind, 'node-welcome');
    const welcomed = { ...state(), ...welcome.write };
    assert.equal(vetting(welcomed, false, 1).write, null, 'once');
    const vetted = vetting(welcomed, true, 2);
    assert.equal(vetted.result.kind, 'node-vetted');
    assert.equal(vetting({ ...welcomed, ...vetted.write }, true, 3).write, null, 'once');
    const old = vetting(state(), true, 0);
    assert.deepEqual([old.result.applied, old.write], [false, { vettedAt: at(0) }], 'vetted before satnotify knew it');
    assert.equal(vetting({ ...state(), ...old.write }, false, 1).write, null, 'not welcomed afterwards');
  });
});

describe('reminders of a suspension still in force', () => {
  const DAY = 24 * 60 * MIN;
  const RULE = { afterMs: DAY, max: 2 };
  const report = (s: NodeState, days: number, suspended = true) =>
    planTransition(s, {
      nodeId: ID,
      at: new Date(AT.getTime() + days * DAY),
      change: suspended ? 'suspended' : 'unsuspended',
      reason: 'offline',
      remind: RULE,
    });

  it('a day apart, at most max, counted from the suspension; a gap catches up in one; the lifting resets', () => {
    let s = state();
    const told: string[] = [];
    for (const [d, on] of [
      [0, true],
      [0.5, true],
      [1, true],
      [1.2, true],
      [5, true],
      [6, true],
      [7, false],
    ] as const) {
      const plan = report(s, d, on);
      if (plan.write) s = { ...s, ...plan.write };
      if (plan.result.applied) told.push(`${d}:${plan.result.reminder ?? 'notice'}`);
    }
    assert.deepEqual(told, ['0:notice', '1:1', '5:2', '7:notice']);
    assert.equal(s.offlineSuspensionReminders, 0, 'reset by the lifting');
  });

  it('never while snoozed', () => {
    const suspended = state({ offlineSuspendedAt: AT, snoozedUntil: new Date(AT.getTime() + 3 * DAY) });
    assert.equal(report(suspended, 2).write, null);
  });
});
