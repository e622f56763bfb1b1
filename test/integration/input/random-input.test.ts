/**
 * Property: whatever JSON-like value (or worse: BigInt, Map, Date, null-prototype objects, sparse
 * arrays) reaches a public method, only a SatnotifyError escapes: never a TypeError, a RangeError
 * or a raw database error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { SatnotifyError } from '../../../src/errors.js';
import type { NotificationService } from '../../../src/notification/service.js';
import { harness, type Harness } from '../../helpers/service.js';

const anything = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
  maxDepth: 4,
});
/** Values shaped like real arguments, so the checks below the first level are reached too. */
const shaped = fc.oneof(
  anything,
  fc.record(
    {
      template: fc.oneof(fc.constantFrom('announcement', 'audit-failed', 'node-offline', 'nope'), fc.string()),
      data: fc.dictionary(fc.string(), anything),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      type: fc.oneof(fc.constantFrom('CUSTOM', 'DIGEST'), fc.string()),
      level: fc.constantFrom('info', 'warn', 'x'),
      title: anything,
      text: fc.oneof(fc.string({ unit: 'binary' }), anything),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      ok: anything,
      contained: anything,
      passed: anything,
      score: anything,
      dqThreshold: anything,
      version: anything,
      minimum: anything,
      reason: anything,
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      id: anything,
      address: fc.oneof(fc.string({ unit: 'binary' }), anything),
      email: fc.oneof(fc.emailAddress(), fc.string({ unit: 'binary' })),
      version: fc.string(),
      lastContactSuccess: anything,
      auditScore: anything,
    },
    { requiredKeys: [] },
  ),
);

async function onlySatnotifyErrors(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    assert.ok(
      err instanceof SatnotifyError,
      `a non-SatnotifyError escaped: ${inspect(err, { depth: 2 }).slice(0, 600)}`,
    );
  }
}

describe('random input at the public methods', () => {
  let h: Harness;
  let node: string;
  before(async () => {
    h = await harness({
      limits: { email: { maxHr: 1000, maxDay: 1000, minDelay: 0 }, log: { maxHr: 1000, maxDay: 1000, minDelay: 0 } },
    });
    node = await h.addNode({ email: 'prop@example.com' });
  });
  after(() => h.close());

  const calls: Record<string, (s: NotificationService, a: unknown, b: unknown) => Promise<unknown>> = {
    informNodeEmail: (s, a, b) => call(s, 'informNodeEmail', [b === undefined ? a : node, b ?? a]),
    informNodeLog: (s, a, b) => call(s, 'informNodeLog', [b === undefined ? a : node, b ?? a]),
    onUptimeCheck: (s, a) => call(s, 'onUptimeCheck', [node, a]),
    onAuditResult: (s, a) => call(s, 'onAuditResult', [node, a]),
    onContainment: (s, a) => call(s, 'onContainment', [node, a]),
    onDisqualified: (s, a) => call(s, 'onDisqualified', [a, a]),
    onVersionCheck: (s, a) => call(s, 'onVersionCheck', [node, a]),
    broadcast: (s, a, b) => call(s, 'broadcast', [a, b]),
    status: (s, a) => call(s, 'status', [a]),
    upsertNode: (s, a) => s.overlay.upsertNode(a as never),
  };

  for (const [name, run] of Object.entries(calls)) {
    it(`${name}: only SatnotifyErrors escape`, async () => {
      await fc.assert(
        fc.asyncProperty(shaped, fc.option(shaped, { nil: undefined }), (a, b) =>
          onlySatnotifyErrors(() => run(h.svc, a, b)),
        ),
        { numRuns: 150 },
      );
    });
  }
});

function call(svc: NotificationService, method: string, args: unknown[]): Promise<unknown> {
  return (svc as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...args);
}
