/**
 * Issue 41, item 1, on PGlite and PostgreSQL: `svc.onUsage` and `svc.onUsages` keep one row per
 * node and calendar day in the satellite's zone: the day's last stored and free values (by report
 * time, whatever the order they arrive in) and its summed traffic; bad input is refused naming the
 * field and writes nothing; an unknown node is UnknownNodeError; retention prunes old days.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, UnknownNodeError } from '../../../../src/errors.js';
import { bothDatabases, randomNodeIdHex } from '../../../helpers/databases.js';
import { clockedHarness } from '../../../helpers/service.js';

const targets = await bothDatabases('satnotify_usage_test');

for (const target of targets)
  describe(`usage (${target.name})`, { skip: target.skip }, () => {
    const { h, clock } = clockedHarness('2026-03-02T12:00:00Z', {
      ...(target.database && { database: target.database }),
      limits: { timezone: 'Europe/Warsaw' },
      retention: { usage: '30d' },
    });

    it('a day keeps its last stored and free values and its summed traffic, days in the satellite’s zone', async () => {
      const node = await h.addNode();
      // 22:30 UTC on March 1 is 23:30 in Warsaw: still March 1 there; 23:30 UTC is March 2.
      await h.svc.onUsage(node, {
        storedBytes: 1e12,
        freeBytes: 3e12,
        egressBytes: 5e9,
        at: new Date('2026-03-01T22:30:00Z'),
      });
      await h.svc.onUsage(node, {
        storedBytes: 2e12,
        egressBytes: 1e9,
        ingressBytes: 2e9,
        at: new Date('2026-03-01T23:30:00Z'),
      });
      // Reports of March 2 arriving out of order: the later one's values stand; traffic adds up.
      await h.svc.onUsages([
        { nodeId: node, storedBytes: 2.5e12, freeBytes: 2e12, egressBytes: 1e9, at: '2026-03-02T10:00:00Z' },
        { nodeId: node, storedBytes: 2.2e12, freeBytes: 2.2e12, egressBytes: 1e9, at: '2026-03-02T08:00:00Z' },
      ]);
      const days = await h.svc.usage(node, { since: new Date('2026-02-28T00:00:00Z') });
      assert.deepEqual(
        days.map((d) => [d.day, d.storedBytes, d.freeBytes, d.egressBytes, d.ingressBytes]),
        [
          ['2026-03-01', 1e12, 3e12, 5e9, 0],
          ['2026-03-02', 2.5e12, 2e12, 3e9, 2e9],
        ],
      );
    });

    it('refuses bad input naming the field, and an unknown node, writing nothing', async () => {
      const node = await h.addNode();
      const none = async (): Promise<number> => (await h.svc.usage(node, { since: new Date(0) })).length;
      await assert.rejects(
        h.svc.onUsage(node, { storedBytes: -1 }),
        (e: unknown) => e instanceof InvalidInputError && /usage\.storedBytes: must be ≥ 0/.test(e.message),
      );
      await assert.rejects(
        h.svc.onUsage(node, { storedBytes: 1.5 }),
        (e: unknown) => e instanceof InvalidInputError && /usage\.storedBytes: must be a whole number/.test(e.message),
      );
      await assert.rejects(
        h.svc.onUsage(node, { storedBytes: 1, stored: 2 } as never),
        (e: unknown) => e instanceof InvalidInputError && /unknown field "stored"/.test(e.message),
      );
      await assert.rejects(
        h.svc.onUsages([
          { nodeId: node, storedBytes: 1 },
          { nodeId: node, storedBytes: 1, at: 'yesterday' },
        ]),
        (e: unknown) => e instanceof InvalidInputError && /reports\[1\]\.at/.test(e.message),
      );
      await assert.rejects(h.svc.onUsage(randomNodeIdHex(), { storedBytes: 1 }), UnknownNodeError);
      await assert.rejects(
        h.svc.onUsages([
          { nodeId: node, storedBytes: 1 },
          { nodeId: randomNodeIdHex(), storedBytes: 1 },
        ]),
        UnknownNodeError,
      );
      assert.equal(await none(), 0, 'nothing was written by any refused call');
    });

    it('retention prunes days older than retention.usage', async () => {
      const node = await h.addNode();
      await h.svc.onUsage(node, { storedBytes: 1, at: new Date('2026-01-10T12:00:00Z') });
      await h.svc.onUsage(node, { storedBytes: 2, at: new Date('2026-02-20T12:00:00Z') });
      clock.set('2026-03-02T12:00:00Z');
      const report = await h.svc.prune();
      assert.ok(report.usageDays >= 1);
      const days = await h.svc.usage(node, { since: new Date(0) });
      assert.deepEqual(
        days.map((d) => d.day),
        ['2026-02-20'],
      );
    });
  });
