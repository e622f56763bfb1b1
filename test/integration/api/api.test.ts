/**
 * The gRPC API (issue 36) on real parts: a satellite's day over grpc-js against a service on a
 * fresh PostgreSQL; each refusal (no or bad token, oversized request, unknown node, bad field, a
 * batch with one bad item) answers its status code and changes nothing in the tables; health and
 * reflection answer; mutual TLS lets in the pinned client certificate only.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { ApiServer } from '../../../src/api/server.js';
import { apiClient, healthCheck, reflectedServices, startApiHarness, type ApiHarness } from '../../helpers/api.js';
import { postgresSkipReason, randomNodeIdHex, sqlClient } from '../../helpers/databases.js';

/** rowsOf counts what a refused call must not have changed. */
async function rowsOf(url: string): Promise<Record<string, number>> {
  const db = sqlClient(url);
  await db.connect();
  try {
    const count = async (table: string): Promise<number> =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM satnotify.${table}`)).rows[0]?.n ?? -1;
    return {
      nodes: await count('nodes'),
      outbox: await count('satnotify_outbox'),
      states: await count('satnotify_node_state'),
    };
  } finally {
    await db.end();
  }
}

const refused = async (p: Promise<unknown>, code: status, message?: RegExp): Promise<void> => {
  await assert.rejects(p, (err: ServiceError) => {
    assert.equal(err.code, code, `${status[err.code]}: ${err.details}`);
    if (message) assert.match(err.details, message);
    assert.doesNotMatch(err.details, /at .*\.ts:\d+|Error:/, 'no stack trace');
    return true;
  });
};

describe('the gRPC API', { skip: postgresSkipReason }, () => {
  let h: ApiHarness;
  let c: ReturnType<typeof apiClient>;
  before(async () => {
    h = await startApiHarness({ api: { maxMessageBytes: 64 * 1024 } });
    c = apiClient(h.api.port);
  });
  after(async () => {
    c.close();
    await h.close();
  });

  it("a satellite's day: upsert nodes, report checks and audits in batches, read deliveries, update a preference", async () => {
    const ids = [randomNodeIdHex(), randomNodeIdHex(), randomNodeIdHex()];
    const up = await c.call<{ upserted: number }>('UpsertNodes', {
      nodes: ids.map((id, i) => ({
        node_id: id,
        address: h.nodeLogAddress,
        email: `day-${i}@example.com`,
        version: '1.120.0',
      })),
    });
    assert.equal(up.upserted, 3);
    const checks = await c.call<{ outcomes: Array<{ result: { notified: boolean; ids: string[] }; code: number }> }>(
      'UptimeChecks',
      { checks: ids.map((id, i) => ({ node_id: id, ok: i !== 0 })) },
    );
    assert.deepEqual(
      checks.outcomes.map((o) => [o.code, o.result.notified]),
      [
        [0, true],
        [0, false],
        [0, false],
      ],
    );
    const audits = await c.call<{ outcomes: Array<{ result: { notified: boolean } }> }>('AuditResults', {
      results: [{ node_id: ids[1], passed: false, score: 0.97, dq_threshold: 0.96 }],
    });
    assert.equal(audits.outcomes[0]?.result.notified, true);
    await h.svc.dispatch();
    const offlineIds = checks.outcomes[0]?.result.ids ?? [];
    assert.ok(offlineIds.length > 0);
    for (const id of offlineIds) {
      const d = await c.call<{ id: string; status: string }>('GetDelivery', { id });
      assert.equal(d.status, 'sent', JSON.stringify(d));
    }
    const status_ = await c.call<{ channels: Record<string, { hr_counter: number }> }>('GetStatus', {
      node_id: ids[0],
    });
    assert.equal(status_.channels['log']?.hr_counter, 1);
    const prefs = await c.call<{ timezone: string; language: string }>('UpdatePreferences', {
      operator: 'day-0@example.com',
      preferences: { timezone: 'Europe/Warsaw', language: 'pl' },
      update_mask: { paths: ['timezone', 'language'] },
    });
    assert.deepEqual([prefs.timezone, prefs.language], ['Europe/Warsaw', 'pl']);
    const read = await c.call<{ language: string }>('GetPreferences', { operator: 'day-0@example.com' });
    assert.equal(read.language, 'pl');
    const usage = await c.call<{ recorded: number }>('Usages', {
      reports: ids.map((id, i) => ({
        node_id: id,
        stored_bytes: String((i + 1) * 1e12),
        free_bytes: { value: '5000000000' },
      })),
    });
    assert.equal(usage.recorded, 3);
    const days = await h.svc.usage(ids[2] as string);
    assert.deepEqual(
      days.map((d) => [d.storedBytes, d.freeBytes]),
      [[3e12, 5e9]],
    );
    await refused(
      c.call('Usage', { node_id: ids[0], stored_bytes: '18446744073709551615' }),
      status.INVALID_ARGUMENT,
      /usage\.storedBytes/,
    );
    const sent = await c.call<{ status: string }>('InformNodeLog', {
      node_id: ids[2],
      type: 'CUSTOM',
      level: 'info',
      text: 'planned maintenance tonight',
    });
    assert.equal(sent.status, 'sent');
  });

  it('refuses what it must, each with its code, changing nothing', async () => {
    const id = randomNodeIdHex();
    await c.call('UpsertNodes', { nodes: [{ node_id: id, address: h.nodeLogAddress, email: 'refused@example.com' }] });
    const before_ = await rowsOf(h.url);
    const noToken = apiClient(h.api.port, { token: null });
    const badToken = apiClient(h.api.port, { token: 'not-the-token' });
    try {
      await refused(noToken.call('UptimeCheck', { node_id: id, ok: false }), status.UNAUTHENTICATED);
      await refused(badToken.call('UptimeCheck', { node_id: id, ok: false }), status.UNAUTHENTICATED);
    } finally {
      noToken.close();
      badToken.close();
    }
    await refused(c.call('UptimeCheck', { node_id: randomNodeIdHex(), ok: false }), status.NOT_FOUND, /unknown node/);
    await refused(c.call('UptimeCheck', { node_id: 'not-a-node', ok: false }), status.INVALID_ARGUMENT, /node id/);
    await refused(
      c.call('AuditResult', { node_id: id, passed: false, score: 2, dq_threshold: 0.96 }),
      status.INVALID_ARGUMENT,
      /signal\.score: must be from 0 to 1/,
    );
    await refused(
      c.call('AuditResults', {
        results: [
          { node_id: id, passed: false, score: 0.9, dq_threshold: 0.96 },
          { node_id: id, passed: false, score: -1, dq_threshold: 0.96 },
        ],
      }),
      status.INVALID_ARGUMENT,
      /results\[1\]\.score/,
    );
    await refused(
      c.call('UptimeChecks', {
        checks: [
          { node_id: id, ok: false },
          { node_id: 'zzz', ok: false },
        ],
      }),
      status.INVALID_ARGUMENT,
      /checks\[1\]\.node_id/,
    );
    await refused(
      c.call('InformNodeLog', { node_id: id, type: 'CUSTOM', level: 'info', text: 'x'.repeat(70 * 1024) }),
      status.RESOURCE_EXHAUSTED,
    );
    await refused(
      c.call('UpdatePreferences', {
        operator: 'refused@example.com',
        preferences: { timezone: 'Mars/Base' },
        update_mask: { paths: ['timezone'] },
      }),
      status.INVALID_ARGUMENT,
      /timezone/,
    );
    await refused(
      c.call('UpsertNodes', {
        nodes: [
          { node_id: randomNodeIdHex(), address: h.nodeLogAddress, email: 'fine@example.com' },
          { node_id: randomNodeIdHex(), address: 'no port here', email: 'fine@example.com' },
        ],
      }),
      status.INVALID_ARGUMENT,
      /nodes\[1\]\.address/,
    );
    await refused(c.call('GetDelivery', { id: 'no-such-notification' }), status.NOT_FOUND);
    assert.deepEqual(await rowsOf(h.url), before_, 'nothing recorded by any refused call');
  });

  it('an unknown node in a batch is that item’s NOT_FOUND; the others are recorded', async () => {
    const id = randomNodeIdHex();
    await c.call('UpsertNodes', { nodes: [{ node_id: id, address: h.nodeLogAddress, email: 'batch@example.com' }] });
    const r = await c.call<{ outcomes: Array<{ code: number; message: string; result: unknown }> }>('UptimeChecks', {
      checks: [
        { node_id: id, ok: false },
        { node_id: randomNodeIdHex(), ok: false },
      ],
    });
    assert.equal(r.outcomes[0]?.code, status.OK);
    assert.equal(r.outcomes[1]?.code, status.NOT_FOUND);
    assert.match(r.outcomes[1]?.message ?? '', /unknown node/);
  });

  it('answers the standard health check and lists its service by reflection', async () => {
    const reply = await healthCheck(h.api.port, 'satnotify.v1.SatelliteNotifications');
    assert.equal(reply.status, 'SERVING');
    const services = await reflectedServices(h.api.port);
    assert.ok(services.includes('satnotify.v1.SatelliteNotifications'), services.join(', '));
  });
});

describe('the gRPC API bounds a call', { skip: postgresSkipReason }, () => {
  let h: ApiHarness;
  let c: ReturnType<typeof apiClient>;
  before(async () => {
    h = await startApiHarness({ api: { timeout: '100ms', maxBatch: 500 } });
    c = apiClient(h.api.port);
  });
  after(async () => {
    c.close();
    await h.close();
  });

  it('in items (maxBatch) and in time (timeout), whatever the caller asks', async () => {
    const before_ = await rowsOf(h.url);
    await refused(
      c.call('UptimeChecks', {
        checks: Array.from({ length: 501 }, () => ({ node_id: randomNodeIdHex(), ok: false })),
      }),
      status.INVALID_ARGUMENT,
      /checks: at most 500 items/,
    );
    assert.deepEqual(await rowsOf(h.url), before_);
    // 500 nodes written one by one take longer than 100 ms: the caller hears so, though it allowed 20 s.
    const nodes = Array.from({ length: 500 }, () => ({ node_id: randomNodeIdHex(), address: '127.0.0.1:1' }));
    await refused(c.call('UpsertNodes', { nodes }), status.DEADLINE_EXCEEDED, /ran past api\.timeout/);
  });
});

describe('the gRPC API over mutual TLS', { skip: postgresSkipReason }, () => {
  let dir: string;
  let h: ApiHarness;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satnotify-mtls-'));
    makeCertificates(dir);
    h = await startApiHarness({
      api: {
        tls: { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), clientCa: join(dir, 'ca.crt') },
        tokens: [],
      },
      tokens: [],
    });
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const creds = (client: string) =>
    credentials.createSsl(
      readFileSync(join(dir, 'ca.crt')),
      readFileSync(join(dir, `${client}.key`)),
      readFileSync(join(dir, `${client}.crt`)),
      { checkServerIdentity: () => undefined },
    );

  it('lets in the client certificate its CA signed, and no other', async () => {
    const good = apiClient(h.api.port, { creds: creds('client'), token: null });
    const stranger = apiClient(h.api.port, { creds: creds('stranger'), token: null });
    try {
      const r = await good.call<{ upserted: number }>('UpsertNodes', { nodes: [] });
      assert.equal(r.upserted, 0);
      const before_ = await rowsOf(h.url);
      await refused(
        stranger.call('UpsertNodes', { nodes: [{ node_id: randomNodeIdHex(), address: '127.0.0.1:1' }] }, 5_000),
        status.UNAVAILABLE,
      );
      assert.deepEqual(await rowsOf(h.url), before_);
    } finally {
      good.close();
      stranger.close();
    }
  });

  it('refuses to start on a certificate it cannot read, naming the field', async () => {
    await assert.rejects(
      ApiServer.start({
        svc: h.svc,
        config: {
          ...h.svc.config.api,
          listen: '127.0.0.1:0',
          tls: { cert: join(dir, 'missing.crt'), key: 'k', clientCa: '' },
        },
        tokens: ['t'],
      }),
      /api\.tls\.cert: cannot read/,
    );
  });
});

/** makeCertificates writes a CA, a server and a client certificate it signed, and a stranger's self-signed one. */
function makeCertificates(dir: string): void {
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  // A new P-256 key into `<name>.key`, and a request (or, with -x509, a self-signed certificate) for `cn`.
  const keyAnd = (name: string, cn: string, ...out: string[]): void =>
    ssl(
      'req',
      ...out,
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-subj',
      `/CN=${cn}`,
    );
  keyAnd('ca', 'satnotify test CA', '-x509', '-days', '2', '-out', 'ca.crt');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const [name, cn] of [
    ['server', 'localhost'],
    ['client', 'satellite'],
  ] as const) {
    keyAnd(name, cn, '-out', `${name}.csr`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      ...(name === 'server' ? ['-extfile', 'san.ext'] : []),
    );
  }
  keyAnd('stranger', 'stranger', '-x509', '-days', '2', '-out', 'stranger.crt');
}
