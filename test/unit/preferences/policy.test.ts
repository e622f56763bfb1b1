import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cadenceDue, matches, quietUntil, silenced, verdict, type Copy } from '../../../src/preferences/policy.js';
import type { Preferences } from '../../../src/preferences/preferences.js';

const NODE = '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S';
const copy = (over: Partial<Copy> = {}): Copy => ({
  channel: 'email',
  kind: 'node-offline',
  level: 'warn',
  node: NODE,
  occurredAt: new Date('2026-03-02T10:05:00Z'),
  facts: {},
  ...over,
});
const prefs = (over: Partial<Preferences> = {}): Preferences => ({
  timezone: 'Europe/Berlin',
  language: 'en',
  quietHours: null,
  digest: 'immediate',
  reports: 'weekly',
  digestAt: '08:00',
  filters: {},
  ...over,
});
const rules = { critical: ['disqualified', 'audit-failed'], urgent: ['disqualified'], urgentAuditDistance: 0.01 };

describe('preference policy', () => {
  it('filters: none means everything, [] nothing; filters are ORed, their fields ANDed (FMN)', () => {
    assert.equal(matches(undefined, copy()), true);
    assert.equal(matches([], copy()), false);
    assert.equal(
      matches([{ kinds: ['audit-failed'] }, { minLevel: 'warn' }], copy()),
      true,
      'the second filter matches',
    );
    assert.equal(
      matches([{ kinds: ['node-offline'], minLevel: 'error' }], copy()),
      false,
      'one field of the filter fails',
    );
    assert.equal(matches([{ nodes: [NODE] }], copy()), true);
    assert.equal(matches([{ nodes: [NODE] }], copy({ node: null })), false);
  });

  it('exceptKinds leaves those kinds out and lets every other in, a kind it never heard of too (issue 33)', () => {
    const off = [{ exceptKinds: ['node-offline' as const] }];
    assert.equal(matches(off, copy()), false);
    assert.equal(matches(off, copy({ kind: 'audit-failed' })), true);
    assert.equal(matches(off, copy({ kind: 'node-welcome' })), true, 'a kind added in a later version stays on');
    assert.equal(matches([{ kinds: ['node-offline'], exceptKinds: ['node-offline'] }], copy()), false);
    const stored = prefs({ filters: { email: off } });
    assert.deepEqual(silenced(stored, { 'node-offline': ['email'], 'audit-failed': ['email'] }, rules.critical), []);
  });

  it('quiet hours, across midnight, in the operator zone', () => {
    const q = { start: '22:00', end: '07:00' };
    assert.equal(quietUntil(q, new Date('2026-03-02T20:59:00Z'), 'Europe/Berlin'), null, '21:59 Berlin');
    assert.equal(
      quietUntil(q, new Date('2026-03-02T21:00:00Z'), 'Europe/Berlin')?.toISOString(),
      '2026-03-03T06:00:00.000Z',
      '22:00 Berlin until 07:00',
    );
    assert.equal(
      quietUntil(q, new Date('2026-03-03T05:30:00Z'), 'Europe/Berlin')?.toISOString(),
      '2026-03-03T06:00:00.000Z',
      '06:30 Berlin',
    );
    assert.equal(
      quietUntil({ start: '12:00', end: '13:00' }, new Date('2026-03-02T11:30:00Z'), 'Europe/Berlin')?.toISOString(),
      '2026-03-02T12:00:00.000Z',
    );
  });

  it('digest cadence: the top of the next hour, or the next digestAt in the zone', () => {
    assert.equal(
      cadenceDue(prefs({ digest: 'hourly' }), new Date('2026-03-02T10:05:00Z'))?.toISOString(),
      '2026-03-02T11:00:00.000Z',
    );
    assert.equal(
      cadenceDue(prefs({ digest: 'daily', digestAt: '08:00' }), new Date('2026-03-02T10:05:00Z'))?.toISOString(),
      '2026-03-03T07:00:00.000Z',
    );
    assert.equal(
      cadenceDue(prefs({ digest: 'daily', digestAt: '18:30' }), new Date('2026-03-02T10:05:00Z'))?.toISOString(),
      '2026-03-02T17:30:00.000Z',
    );
    assert.equal(cadenceDue(prefs(), new Date()), null);
  });

  it('verdict: filters suppress; quiet hours and cadence hold; urgent kinds never wait', () => {
    const night = new Date('2026-03-02T22:30:00Z');
    const quiet = prefs({ quietHours: { start: '22:00', end: '07:00' } });
    assert.deepEqual(verdict(prefs({ filters: { email: [] } }), copy(), night, rules).action, 'suppress');
    const held = verdict(quiet, copy(), night, rules);
    assert.equal(held.action, 'hold');
    assert.equal(held.action === 'hold' && held.until.toISOString(), '2026-03-03T06:00:00.000Z');
    assert.equal(verdict(quiet, copy({ kind: 'disqualified', level: 'error' }), night, rules).action, 'send');
    assert.equal(
      verdict(quiet, copy({ kind: 'audit-failed', facts: { distance: '0.004' } }), night, rules).action,
      'send',
      'close to the bar',
    );
    assert.equal(
      verdict(quiet, copy({ kind: 'audit-failed', facts: { distance: '0.200' } }), night, rules).action,
      'hold',
    );
    const hourly = prefs({ digest: 'hourly' });
    assert.equal(verdict(hourly, copy(), new Date('2026-03-02T10:30:00Z'), rules).action, 'hold');
    assert.equal(verdict(hourly, copy(), new Date('2026-03-02T11:00:00Z'), rules).action, 'send');
  });

  it('silenced: a critical kind must reach at least one channel it is routed to', () => {
    const routes = {
      disqualified: ['email', 'log'],
      'audit-failed': ['email', 'log', 'irc'],
      'node-offline': ['email'],
    };
    assert.deepEqual(silenced(prefs({ filters: { email: [], log: [] } }), routes, rules.critical), ['disqualified']);
    assert.deepEqual(
      silenced(prefs({ filters: { email: [], log: [{ minLevel: 'error' }] } }), routes, rules.critical),
      [],
    );
    assert.deepEqual(
      silenced(prefs({ filters: { email: [{ kinds: ['node-offline'] }], log: [], irc: [] } }), routes, rules.critical),
      ['disqualified', 'audit-failed'],
    );
    assert.deepEqual(
      silenced(prefs({ filters: { email: [], log: [], irc: [{ nodes: [NODE] }] } }), routes, rules.critical),
      ['disqualified'],
      'a node filter still reaches the operator',
    );
  });
});
