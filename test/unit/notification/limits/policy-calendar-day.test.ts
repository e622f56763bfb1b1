import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, EMPTY_STATUS, type Status } from '../../../../src/notification/limits/policy.js';
import { at, limits } from '../../../helpers/limits.js';

function sendAll(times: string[], l: ReturnType<typeof limits>): Status {
  let s: Status = EMPTY_STATUS;
  for (const t of times) {
    const d = decide(s, at(t), l);
    assert.ok(d.allowed, `expected ${t} allowed`);
    s = d.next;
  }
  return s;
}

describe('decide: maxDay', () => {
  it('denies with max-day until the next calendar day, and day wins over hour', () => {
    const l = limits({ maxHr: 2, maxDay: 2 });
    const s = sendAll(['2024-01-01T22:00:00Z', '2024-01-01T22:30:00Z'], l);
    assert.deepEqual(decide(s, at('2024-01-01T22:45:00Z'), l), {
      allowed: false,
      reason: 'max-day',
      retryAt: at('2024-01-02T00:00:00Z'),
    });
  });

  it('rolls over at local midnight of the configured zone', () => {
    const l = limits({ maxDay: 1, timezone: 'America/New_York' });
    const s = sendAll(['2024-01-02T03:00:00Z'], l); // 22:00 on Jan 1 in New York
    const d = decide(s, at('2024-01-02T04:59:00Z'), l);
    assert.deepEqual(d, { allowed: false, reason: 'max-day', retryAt: at('2024-01-02T05:00:00Z') });
    assert.ok(decide(s, at('2024-01-02T05:00:00Z'), l).allowed);
  });

  it('Europe/Berlin spring-forward day (23 h) resets at the next local midnight', () => {
    const l = limits({ maxDay: 1, timezone: 'Europe/Berlin' });
    const s = sendAll(['2024-03-31T10:00:00Z'], l);
    assert.deepEqual(decide(s, at('2024-03-31T21:59:59Z'), l), {
      allowed: false,
      reason: 'max-day',
      retryAt: at('2024-03-31T22:00:00Z'),
    });
  });

  it('Europe/Berlin fall-back day (25 h) resets at the next local midnight', () => {
    const l = limits({ maxDay: 1, timezone: 'Europe/Berlin' });
    const s = sendAll(['2024-10-26T22:30:00Z'], l); // 00:30 CEST on the 27th
    assert.deepEqual(decide(s, at('2024-10-27T22:59:00Z'), l), {
      allowed: false,
      reason: 'max-day',
      retryAt: at('2024-10-27T23:00:00Z'),
    });
  });

  it('America/Santiago: the day after a skipped midnight starts at 01:00 local', () => {
    const l = limits({ maxDay: 1, timezone: 'America/Santiago' });
    const s = sendAll(['2024-09-08T02:00:00Z'], l); // 22:00 -04 on the 7th
    assert.deepEqual(decide(s, at('2024-09-08T03:30:00Z'), l), {
      allowed: false,
      reason: 'max-day',
      retryAt: at('2024-09-08T04:00:00Z'),
    });
    assert.ok(decide(s, at('2024-09-08T04:00:00Z'), l).allowed);
  });

  it('maxDay 0 means never', () => {
    const d = decide(EMPTY_STATUS, at('2024-01-01T00:00:00Z'), limits({ maxHr: 0, maxDay: 0 }));
    assert.deepEqual(d, { allowed: false, reason: 'max-day', retryAt: null });
  });
});
