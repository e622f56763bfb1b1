import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL_STATE, planTransition, type NodeState } from '../../../src/notification/transitions.js';

const AT = new Date('2024-05-01T10:00:00Z');
const ID = 'ab'.repeat(32);
const state = (over: Partial<NodeState> = {}): NodeState => ({ ...INITIAL_STATE, ...over });

describe('planTransition', () => {
  it('offline is news once; online only after offline, carrying when it started', () => {
    assert.deepEqual(planTransition(state(), { nodeId: ID, at: AT, change: 'offline' }).write, { column: 'offline_since', from: null, to: AT });
    assert.equal(planTransition(state({ offlineSince: AT }), { nodeId: ID, at: AT, change: 'offline' }).write, null);
    assert.equal(planTransition(state(), { nodeId: ID, at: AT, change: 'online' }).result.applied, false);
    const back = planTransition(state({ offlineSince: new Date('2024-05-01T09:00:00Z') }), { nodeId: ID, at: AT, change: 'online' });
    assert.equal(back.result.applied, true);
    assert.deepEqual(back.result.offlineSince, new Date('2024-05-01T09:00:00Z'));
  });

  it('a passed audit clears the failing flag quietly; the next failure is news again', () => {
    const failing = state({ auditFailing: true });
    assert.equal(planTransition(failing, { nodeId: ID, at: AT, change: 'audit-failed' }).write, null);
    const pass = planTransition(failing, { nodeId: ID, at: AT, change: 'audit-passed' });
    assert.deepEqual([pass.write?.column, pass.result.applied], ['audit_failing', false]);
    assert.equal(planTransition(state(), { nodeId: ID, at: AT, change: 'audit-failed' }).result.applied, true);
  });

  it('version reminders respect the cooldown; an update resets it', () => {
    const cooldownMs = 168 * 3_600_000;
    const reminded = state({ versionNotifiedAt: new Date(AT.getTime() - cooldownMs + 1) });
    assert.equal(planTransition(reminded, { nodeId: ID, at: AT, change: 'version-outdated', cooldownMs }).result.applied, false);
    const due = state({ versionNotifiedAt: new Date(AT.getTime() - cooldownMs) });
    assert.equal(planTransition(due, { nodeId: ID, at: AT, change: 'version-outdated', cooldownMs }).result.applied, true);
    assert.deepEqual(planTransition(due, { nodeId: ID, at: AT, change: 'version-ok' }).write?.to, null);
  });

  it('disqualification is news once', () => {
    assert.equal(planTransition(state(), { nodeId: ID, at: AT, change: 'disqualified' }).result.applied, true);
    assert.equal(planTransition(state({ disqualifiedAt: AT }), { nodeId: ID, at: AT, change: 'disqualified' }).write, null);
  });
});
