/**
 * A real pg_auto_failover formation (monitor + primary + secondary on loopback) under the service:
 * the formation's own multi-host URI, hooks acknowledged across a planned failover, and a URI that
 * names the standby first. Runs with the faults, one at a time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { DatabaseError } from '../../src/errors.js';
import { createNotificationService } from '../../src/notification/create.js';
import type { NotificationService } from '../../src/notification/service.js';
import { randomNodeIdHex } from '../helpers/databases.js';
import { formationSkipReason, startFormation, type Formation } from '../helpers/formation.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const N = 500;

describe('a pg_auto_failover formation', { skip: formationSkipReason() }, () => {
  let formation: Formation;
  let sink: SmtpSink;
  let uri: string;
  before(async () => {
    formation = await startFormation();
    // The formation's URI names no user (libpq takes the OS user's name); its superuser is postgres.
    uri = formation.uri.replace('postgres://', 'postgres://postgres@');
    sink = await startSmtpSink({ parse: true });
  });
  after(async () => {
    await sink?.close();
    await formation?.stop();
  });

  const open = (url: string, schema: string): Promise<NotificationService> =>
    createNotificationService({
      database: { url, poolSize: 4, schema, connectTimeout: '5s' },
      smtp: { url: sink.url },
      grouping: { wait: '0s' },
      hooks: { channels: { 'node-offline': ['email'] }, offlineAfter: '0s' },
      guard: { enabled: false }, // every node down at once is these tests' load, not a satellite-side storm
      dispatcher: { autoStart: false, interval: '20ms', lease: '5s', retryBase: '200ms', retryMax: '2s' },
    });

  it('its URI with the standby listed first: the service works on the primary', async () => {
    const primary = await formation.primaryPort();
    const standby = formation.ports.find((p) => p !== primary) as number;
    const url = uri.replace(/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+/, `127.0.0.1:${standby},127.0.0.1:${primary}`);
    assert.ok(url.indexOf(String(standby)) < url.indexOf(String(primary)), url);
    const svc = await open(url, 'standby_first');
    try {
      const id = randomNodeIdHex();
      await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: 'first@example.com' });
      assert.equal((await svc.onUptimeCheck(id, { ok: false })).notified, true);
    } finally {
      await svc.close();
    }
  });

  /**
   * runThrough sends N uptime hooks, 10 at a time, with the dispatcher running, sets `trigger` off
   * after 150, retries what was not acknowledged, and accounts for every one.
   */
  async function runThrough(t: TestContext, schema: string, trigger: () => Promise<unknown>): Promise<void> {
    const svc = await open(uri, schema);
    const ids = Array.from({ length: N }, () => randomNodeIdHex());
    const to = (i: number): string => `${schema}${i}@example.com`;
    for (const [i, id] of ids.entries()) await svc.overlay.upsertNode({ id, address: '127.0.0.1:1', email: to(i) });
    const acked = new Set<string>();
    const errors: string[] = [];
    let ackedBefore = 0;
    let firstError = 0;
    let backAfterError = 0;
    let triggered: Promise<unknown> | undefined;
    const dispatching = { on: true };
    const loop = (async () => {
      while (dispatching.on) {
        await svc.dispatch().catch(() => undefined); // a pass cut by the failover; the next goes on
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const hook = async (id: string): Promise<void> => {
        try {
          await svc.onUptimeCheck(id, { ok: false });
          acked.add(id);
          if (firstError && !backAfterError) backAfterError = performance.now();
        } catch (err) {
          assert.ok(err instanceof DatabaseError, `a typed error, not ${String(err)}`);
          assert.ok(err.retryable, `a retryable one: ${err.message}`);
          errors.push(err.message.replace(/\d+/g, 'N').slice(0, 80));
          firstError ||= performance.now();
        }
      };
      for (let i = 0; i < ids.length; i += 10) {
        if (i === 150) {
          ackedBefore = acked.size;
          triggered = trigger();
        }
        await Promise.all(ids.slice(i, i + 10).map(hook));
      }
      await triggered;
      // The satellite retries what was not acknowledged, as the error's `retryable` says it may.
      const retried = ids.filter((id) => !acked.has(id));
      for (const id of retried) await hook(id);
      for (const id of ids.filter((id) => !acked.has(id))) await hook(id);
      assert.equal(acked.size, N, `every hook acknowledged in the end (${errors.length} typed errors on the way)`);

      const mine = (): string[] => sink.received.map((m) => m.envelopeTo.join()).filter((a) => a.startsWith(schema));
      const deadline = Date.now() + 120_000;
      while (new Set(mine()).size < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const delivered = new Set(mine()).size;
      t.diagnostic(
        `acknowledged ${ackedBefore} before the failover and ${N - ackedBefore} after; ${errors.length} typed retryable errors (${[...new Set(errors)].join(' | ')}), ${retried.length} hooks retried; delivered ${delivered}/${N}, doubled ${mine().length - delivered}; hooks failed for ${firstError ? ((backAfterError || performance.now()) - firstError).toFixed(0) : 0} ms`,
      );
      assert.equal(delivered, N, 'every acknowledged hook delivered');
      assert.ok(mine().length - delivered <= 4 * 2, 'doubles bounded by what was in flight (two pools of 4)');
    } finally {
      dispatching.on = false;
      await loop;
      await svc.close();
    }
  }

  it(`a planned failover in the middle of ${N} hooks: every acknowledged hook delivered, errors typed and retried`, (t) =>
    runThrough(t, 'planned', () => formation.failover()));

  // Last: it leaves the formation with one node.
  it(`an unplanned one (the primary's machine gone) in the middle of ${N} hooks: the same`, async (t) => {
    await formation.fastHealthChecks();
    await runThrough(t, 'unplanned', async () => {
      const dead = await formation.killPrimary();
      const t0 = performance.now();
      const promoted = await formation.waitForPromotion(dead);
      t.diagnostic(
        `the monitor promoted 127.0.0.1:${promoted} ${(performance.now() - t0).toFixed(0)} ms after the kill`,
      );
    });
  });
});
