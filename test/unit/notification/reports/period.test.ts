/** Report periods: the last one ended by an instant, in the operator's zone, across a change of clocks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastEnded } from '../../../../src/notification/reports/period.js';

const rule = { weekday: 'mon', at: '09:00', zone: 'Europe/Berlin' } as const;

describe('report periods', () => {
  it('a day ends at its time of day in the zone, and the day the clocks change is 25 hours long', () => {
    // Clocks went back at 03:00 on Sunday, October 25, 2026.
    const p = lastEnded({ ...rule, cadence: 'daily' }, new Date('2026-10-25T08:30:00Z')); // 09:30 CET
    assert.equal(p.end.toISOString(), '2026-10-25T08:00:00.000Z');
    assert.equal(p.start.toISOString(), '2026-10-24T07:00:00.000Z'); // 09:00 CEST
    assert.deepEqual(p.days, ['2026-10-24']);
    assert.equal(p.key, 'daily:2026-10-24');
    // A minute before 09:00 the period that ended is the day before's.
    assert.equal(lastEnded({ ...rule, cadence: 'daily' }, new Date('2026-10-25T07:59:00Z')).key, 'daily:2026-10-23');
  });

  it('a week ends on its weekday; a month on the 1st, covering every day of the month before', () => {
    const w = lastEnded({ ...rule, cadence: 'weekly' }, new Date('2026-12-09T12:00:00Z')); // a Wednesday
    assert.equal(w.end.toISOString(), '2026-12-07T08:00:00.000Z');
    assert.deepEqual(w.days, [
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ]);
    const friday = lastEnded({ ...rule, cadence: 'weekly', weekday: 'fri' }, new Date('2026-12-09T12:00:00Z'));
    assert.equal(friday.end.toISOString(), '2026-12-04T08:00:00.000Z');
    const m = lastEnded({ ...rule, cadence: 'monthly' }, new Date('2026-12-01T07:59:00Z')); // 08:59 on Dec 1
    assert.equal(m.key, 'monthly:2026-10-01');
    assert.equal(m.days.length, 31);
    assert.equal(m.days.at(-1), '2026-10-31');
    assert.equal(
      lastEnded({ ...rule, cadence: 'monthly' }, new Date('2026-12-01T08:00:00Z')).key,
      'monthly:2026-11-01',
    );
  });

  it('the same instant is a different day in Tokyo and New York', () => {
    const at = new Date('2026-11-10T02:00:00Z'); // 11:00 in Tokyo, 21:00 the day before in New York
    assert.equal(lastEnded({ ...rule, cadence: 'daily', zone: 'Asia/Tokyo' }, at).key, 'daily:2026-11-09');
    assert.equal(lastEnded({ ...rule, cadence: 'daily', zone: 'America/New_York' }, at).key, 'daily:2026-11-08');
  });
});
