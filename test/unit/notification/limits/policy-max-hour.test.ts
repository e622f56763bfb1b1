import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, EMPTY_STATUS, type Status } from '../../../../src/notification/limits/policy.js';
import { at, limits, status } from '../../../helpers/limits.js';

describe('decide: maxHr', () => {
  it('allows maxHr sends in a calendar hour, then denies until the next hour', () => {
    const l = limits({ maxHr: 2 });
    let s: Status = EMPTY_STATUS;
    for (const t of ['2024-01-01T10:00:00Z', '2024-01-01T10:10:00Z']) {
      const d = decide(s, at(t), l);
      assert.ok(d.allowed);
      s = d.next;
    }
    const denied = decide(s, at('2024-01-01T10:59:59.999Z'), l);
    assert.deepEqual(denied, { allowed: false, reason: 'max-hour', retryAt: at('2024-01-01T11:00:00Z') });
    assert.ok(decide(s, at('2024-01-01T11:00:00Z'), l).allowed);
  });

  it('counts the calendar hour, not a sliding hour', () => {
    const s = status({ hrStart: at('2024-01-01T10:00:00Z'), hrCounter: 1, lastSent: at('2024-01-01T10:59:00Z') });
    const d = decide(s, at('2024-01-01T11:00:30Z'), limits({ maxHr: 1 }));
    assert.ok(d.allowed);
    assert.equal(d.next.hrCounter, 1);
  });

  it('maxHr 0 means never, with no retry instant', () => {
    assert.deepEqual(decide(EMPTY_STATUS, at('2024-01-01T10:00:00Z'), limits({ maxHr: 0 })), {
      allowed: false,
      reason: 'max-hour',
      retryAt: null,
    });
  });

  it('the repeated hour at fall-back (Europe/Berlin) is a fresh hour', () => {
    const l = limits({ maxHr: 1, timezone: 'Europe/Berlin' });
    const first = decide(EMPTY_STATUS, at('2024-10-27T00:30:00Z'), l); // 02:30 CEST
    assert.ok(first.allowed);
    const sameHour = decide(first.next, at('2024-10-27T00:59:00Z'), l);
    assert.deepEqual(sameHour, { allowed: false, reason: 'max-hour', retryAt: at('2024-10-27T01:00:00Z') });
    assert.ok(decide(first.next, at('2024-10-27T01:30:00Z'), l).allowed); // 02:30 CET
  });

  it('Asia/Kathmandu hours roll over at :15 UTC', () => {
    const l = limits({ maxHr: 1, timezone: 'Asia/Kathmandu' });
    const first = decide(EMPTY_STATUS, at('2024-06-01T04:20:00Z'), l);
    assert.ok(first.allowed);
    const d = decide(first.next, at('2024-06-01T05:14:00Z'), l);
    assert.deepEqual(d, { allowed: false, reason: 'max-hour', retryAt: at('2024-06-01T05:15:00Z') });
  });
});
