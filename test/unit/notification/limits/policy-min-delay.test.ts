import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, EMPTY_STATUS } from '../../../../src/notification/limits/policy.js';
import { at, limits, status } from '../../../helpers/limits.js';

describe('decide: minDelay', () => {
  const l = limits({ minDelayMs: 15 * 60_000 });
  const last = at('2024-01-01T10:00:00Z');
  const s = status({
    hrStart: at('2024-01-01T10:00:00Z'),
    hrCounter: 1,
    dayStart: at('2024-01-01T00:00:00Z'),
    dayCounter: 1,
    lastSent: last,
  });

  it('denies one millisecond before the boundary', () => {
    assert.deepEqual(decide(s, at('2024-01-01T10:14:59.999Z'), l), {
      allowed: false,
      reason: 'min-delay',
      retryAt: at('2024-01-01T10:15:00Z'),
    });
  });

  it('allows exactly at the boundary', () => {
    const d = decide(s, at('2024-01-01T10:15:00Z'), l);
    assert.ok(d.allowed);
    assert.equal(d.next.hrCounter, 2);
    assert.deepEqual(d.next.lastSent, at('2024-01-01T10:15:00Z'));
  });

  it('minDelay 0 requires no gap: two sends at the same instant are both allowed', () => {
    const zero = limits({ minDelayMs: 0 });
    const first = decide(EMPTY_STATUS, last, zero);
    assert.ok(first.allowed);
    assert.ok(decide(first.next, last, zero).allowed);
  });

  it('retryAt skips past every limit: min-delay ending in a full hour moves to the next hour', () => {
    const tight = limits({ maxHr: 1, minDelayMs: 30 * 60_000 });
    const one = status({
      hrStart: at('2024-01-01T10:00:00Z'),
      hrCounter: 1,
      dayStart: at('2024-01-01T00:00:00Z'),
      dayCounter: 1,
      lastSent: at('2024-01-01T10:50:00Z'),
    });
    // hour full until 11:00, then min-delay until 11:20
    assert.deepEqual(decide(one, at('2024-01-01T10:55:00Z'), tight), {
      allowed: false,
      reason: 'max-hour',
      retryAt: at('2024-01-01T11:20:00Z'),
    });
  });

  it('a clock that went backwards is treated as too soon, never as a free send', () => {
    const d = decide(s, at('2024-01-01T09:59:00Z'), limits({ minDelayMs: 0 }));
    assert.equal(d.allowed, false);
  });
});
