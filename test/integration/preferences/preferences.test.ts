/**
 * Operator preferences on real parts (PGlite, the SMTP sink, the node log server, a plugin
 * registered in code): stored per operator over the config defaults, checked at the door and
 * against the safety rule, and applied by the dispatcher before any limit is reserved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { registerChannelPlugin } from '../../../src/channels/registry.js';
import { InvalidInputError } from '../../../src/errors.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/databases.js';
import { RecordingSender } from '../../fakes/channels.js';
import { harness, statusesOf } from '../../helpers/service.js';

const pager = new RecordingSender();
const paged = pager.sent;
registerChannelPlugin({ name: 'test-pager', params: z.strictObject({}), create: () => pager });

const ALL = ['email', 'log', 'pager'];
const routes = { 'node-offline': ALL, 'node-online': ALL, 'audit-failed': ALL, disqualified: ALL };

describe('operator preferences', () => {
  it('get gives the defaults; update validates every field, names unknown instances, and keeps the rest', async () => {
    const h = await harness({
      channels: { pager: { plugin: 'test-pager' } },
      hooks: { channels: routes },
      preferences: { digest: 'hourly' },
    });
    try {
      const op = 'Op@Example.com';
      assert.deepEqual(await h.svc.preferences.get(op), {
        timezone: 'UTC',
        language: 'en',
        quietHours: null,
        digest: 'hourly',
        digestAt: '08:00',
        reports: 'weekly',
        filters: {},
      });
      await assert.rejects(
        h.svc.preferences.update(op, {
          timezone: 'Mars/Base',
          quietHours: { start: '25:00', end: '07:00' },
          digest: 'weekly',
          filters: { nope: [] },
        }),
        (err: unknown) =>
          err instanceof InvalidInputError &&
          ['preferences.timezone', 'preferences.quietHours.start', 'preferences.digest'].every((p) =>
            err.issues.some((i) => i.path === p),
          ),
      );
      await assert.rejects(
        h.svc.preferences.update(op, { filters: { nope: [] } }),
        /preferences\.filters\.nope: names no channel instance/,
      );
      const updated = await h.svc.preferences.update(op, { timezone: 'Europe/Berlin', language: 'de' });
      assert.equal(updated.timezone, 'Europe/Berlin');
      assert.equal(
        (await h.svc.preferences.get('op@example.com')).language,
        'de',
        'keyed by the address, case-insensitively',
      );
      assert.equal((await h.svc.preferences.get(op)).digest, 'hourly', 'the rest stays the default');
    } finally {
      await h.close();
    }
  });

  it('the safety rule: a critical kind can move between channels but not be silenced on all of them', async () => {
    const h = await harness({ channels: { pager: { plugin: 'test-pager' } }, hooks: { channels: routes } });
    try {
      await assert.rejects(
        h.svc.preferences.update('op@example.com', { filters: { email: [], log: [], pager: [] } }),
        /disqualified would reach you on no channel/,
      );
      assert.deepEqual((await h.svc.preferences.get('op@example.com')).filters, {}, 'nothing changed');
      await h.svc.preferences.update('op@example.com', {
        filters: {
          email: [],
          log: [{ kinds: ['containment-entered'] }],
          pager: [{ kinds: ['disqualified', 'audit-failed'] }],
        },
      });
    } finally {
      await h.close();
    }
  });

  it('audit-failed to the pager only: the email and log copies end suppressed, uncounted; the pager gets it', async () => {
    const h = await harness({
      channels: { pager: { plugin: 'test-pager', limits: { maxHr: 10, maxDay: 10, minDelay: '0s' } } },
      hooks: { channels: routes },
      grouping: { wait: '0s' },
    });
    try {
      const node = await h.addNode({ email: 'pager-fan@example.com' });
      const others = ['node-offline', 'node-online', 'disqualified', 'containment-entered'] as const;
      await h.svc.preferences.update('pager-fan@example.com', {
        filters: {
          email: [{ kinds: [...others] }],
          log: [{ kinds: [...others] }],
          pager: [{ kinds: ['audit-failed', 'disqualified'] }],
        },
      });
      paged.length = 0;
      const r = await h.svc.onAuditResult(node, { passed: false, score: 0.9, dqThreshold: 0.6 });
      await h.svc.dispatch();
      const outcomes = await Promise.all(r.ids.map((id) => h.svc.delivery(id)));
      assert.deepEqual(outcomes.map((d) => d?.status).sort(), ['sent', 'suppressed', 'suppressed']);
      assert.ok(
        outcomes
          .filter((d) => d?.status === 'suppressed')
          .every((d) => /preferences leave audit-failed out of (email|log)/.test(d?.reason ?? '')),
      );
      assert.equal(paged.length, 1);
      assert.equal(h.sink.received.length, 0);
      const status = await h.svc.status(node);
      assert.equal(status.email.hrCounter, 0, 'a suppressed copy counts nothing');
      assert.equal(status['pager']?.hrCounter, 1);
    } finally {
      await h.close();
    }
  });

  it('quiet hours hold what is not urgent until they end in the operator zone; a disqualification goes at once', async () => {
    let now = Date.parse('2026-03-02T22:30:00Z'); // 23:30 in Berlin
    const h = await harness({
      clock: () => new Date(now),
      limits: { email: { minDelay: '0s' } },
      grouping: { wait: '0s' },
    });
    try {
      const node = await h.addNode({ email: 'sleeper@example.com' });
      await h.svc.preferences.update('sleeper@example.com', {
        timezone: 'Europe/Berlin',
        quietHours: { start: '22:00', end: '07:00' },
      });
      const offline = await h.svc.onUptimeCheck(node, { ok: false });
      await h.svc.dispatch();
      for (const id of offline.ids) {
        const d = await h.svc.delivery(id);
        assert.equal(d?.status, 'held');
        assert.equal(d?.retryAt, '2026-03-03T06:00:00.000Z');
        assert.match(d?.reason ?? '', /quiet hours until 07:00 \(Europe\/Berlin\)/);
      }
      const dq = await h.svc.onDisqualified(node, { reason: 'audits' });
      await h.svc.dispatch();
      assert.ok(
        (await Promise.all(dq.ids.map((id) => h.svc.delivery(id)))).every((d) => d?.status === 'sent'),
        'urgent',
      );
      assert.equal(h.sink.received.length, 1);
      now = Date.parse('2026-03-03T06:00:30Z');
      await h.svc.dispatch();
      assert.ok(
        (await Promise.all(offline.ids.map((id) => h.svc.delivery(id)))).every((d) => d?.status === 'suppressed'),
        'after the disqualification, the held offline notice is not sent',
      );
    } finally {
      await h.close();
    }
  });

  it('an hourly cadence: news within the hour leaves as one digest at the top of the next hour', async () => {
    let now = Date.parse('2026-03-02T10:05:00Z');
    const h = await harness({
      clock: () => new Date(now),
      limits: { email: { minDelay: '0s', maxHr: 10, maxDay: 20 } },
      grouping: { wait: '0s' },
      hooks: { channels: { 'node-offline': ['email'], 'node-online': ['email'] } },
    });
    try {
      const node = await h.addNode({ email: 'hourly@example.com' });
      await h.svc.preferences.update('hourly@example.com', { digest: 'hourly' });
      await h.svc.onUptimeCheck(node, { ok: false });
      await h.svc.dispatch();
      now = Date.parse('2026-03-02T10:20:00Z');
      await h.svc.onUptimeCheck(node, { ok: true });
      await h.svc.dispatch();
      assert.equal(h.sink.received.length, 0, 'nothing before the top of the hour');
      now = Date.parse('2026-03-02T11:00:10Z');
      await h.svc.dispatch();
      assert.equal(h.sink.received.length, 1, 'one email');
      assert.match(h.sink.received[0]?.parsed.text ?? '', /^2 notifications about your node/m);
    } finally {
      await h.close();
    }
  });

  it(
    "on PostgreSQL: two services on one database see one operator's preferences, and the dispatcher of either applies them",
    { skip: postgresSkipReason },
    async () => {
      const database = { url: await freshPostgresUrl('satnotify_prefs_test') };
      const a = await harness({ database, grouping: { wait: '0s' } });
      const b = await harness({ database, grouping: { wait: '0s' } });
      try {
        await a.svc.preferences.update('shared@example.com', {
          language: 'de',
          filters: { log: [{ kinds: ['disqualified', 'audit-failed', 'containment-entered'] }] },
        });
        assert.equal((await b.svc.preferences.get('SHARED@example.com')).language, 'de');
        const node = await b.addNode({ email: 'shared@example.com' });
        const r = await b.svc.onUptimeCheck(node, { ok: false });
        await b.svc.dispatch();
        assert.deepEqual(
          await statusesOf(b.svc, r.ids),
          ['sent', 'suppressed'],
          'email sent; the log copy left out by the filter',
        );
      } finally {
        await a.close();
        await b.close();
      }
    },
  );
});
