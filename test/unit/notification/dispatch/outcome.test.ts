/**
 * What a failed attempt leaves behind, as a table: transient × ambiguous × attempts made → retry,
 * fail with a refund, or fail keeping the count (dispatch/outcome.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outcomeOf, type Failure } from '../../../../src/notification/dispatch/outcome.js';

const RULES = { maxAttempts: 4, maxAmbiguousAttempts: 2, retryBaseMs: 1000, retryMaxMs: 60_000 };
const half = (): number => 0.5;
const fail = (over: Partial<Failure> = {}): Failure => ({
  delivery: true,
  permanent: false,
  ambiguous: false,
  reason: 'timeout',
  ...over,
});

describe('outcomeOf', () => {
  const table: Array<[string, { attempts: number; ambiguousAttempts: number }, Failure, ReturnType<typeof outcomeOf>]> =
    [
      [
        'transient, first attempt: retried after the first backoff',
        { attempts: 0, ambiguousAttempts: 0 },
        fail(),
        { action: 'retry', waitMs: 750, ambiguous: false, reason: 'timeout' },
      ],
      [
        'transient, third attempt: the backoff doubles each time',
        { attempts: 2, ambiguousAttempts: 0 },
        fail(),
        { action: 'retry', waitMs: 3000, ambiguous: false, reason: 'timeout' },
      ],
      [
        'transient, last attempt: fails and refunds',
        { attempts: 3, ambiguousAttempts: 0 },
        fail(),
        { action: 'fail', refund: true, reason: 'gave up after 4 attempts: timeout' },
      ],
      [
        'permanent: fails at once and refunds',
        { attempts: 0, ambiguousAttempts: 0 },
        fail({ permanent: true, reason: '550 no such user' }),
        { action: 'fail', refund: true, reason: '550 no such user' },
      ],
      [
        'not a delivery error (a broken plugin): fails at once and refunds',
        { attempts: 0, ambiguousAttempts: 0 },
        fail({ delivery: false, permanent: true, reason: 'TypeError' }),
        { action: 'fail', refund: true, reason: 'TypeError' },
      ],
      [
        'ambiguous, first time: retried, marked as maybe delivered',
        { attempts: 0, ambiguousAttempts: 0 },
        fail({ ambiguous: true }),
        { action: 'retry', waitMs: 750, ambiguous: true, reason: 'timeout' },
      ],
      [
        'ambiguous, out of ambiguous attempts: fails and keeps the count',
        { attempts: 1, ambiguousAttempts: 1 },
        fail({ ambiguous: true }),
        {
          action: 'fail',
          refund: false,
          reason: 'may have been delivered, unconfirmed after 2 attempts (kept counted against the limits): timeout',
        },
      ],
      [
        'permanent after an earlier ambiguous attempt: keeps the count',
        { attempts: 1, ambiguousAttempts: 1 },
        fail({ permanent: true, reason: '554' }),
        {
          action: 'fail',
          refund: false,
          reason: 'may have been delivered, unconfirmed after 2 attempts (kept counted against the limits): 554',
        },
      ],
    ];
  for (const [name, item, failure, want] of table) {
    it(name, () => assert.deepEqual(outcomeOf(item, failure, RULES, half), want));
  }

  it('waits as long as the receiver asked (Retry-After) when that is longer than the backoff, but no more than a day', () => {
    assert.deepEqual(outcomeOf({ attempts: 0, ambiguousAttempts: 0 }, fail({ retryAfterMs: 120_000 }), RULES, half), {
      action: 'retry',
      waitMs: 120_000,
      ambiguous: false,
      reason: 'timeout',
    });
    const day = 24 * 3_600_000;
    assert.equal(
      (
        outcomeOf({ attempts: 0, ambiguousAttempts: 0 }, fail({ retryAfterMs: 10 * day }), RULES, half) as {
          waitMs: number;
        }
      ).waitMs,
      day,
    );
  });

  it('never waits more than retryMax before the next attempt (past a long Retry-After)', () => {
    for (let attempts = 0; attempts < 3; attempts++) {
      const o = outcomeOf({ attempts, ambiguousAttempts: 0 }, fail(), { ...RULES, retryMaxMs: 1500 }, () => 1);
      assert.ok(o.action === 'retry' && o.waitMs <= 1500, JSON.stringify(o));
    }
  });
});
