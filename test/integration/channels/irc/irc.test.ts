/**
 * The irc plugin against a real IRC server (Debian's ngircd) and a second IRC user who reads the
 * channel: messages arrive as plain lines within the protocol limit; a message sent while the
 * plugin is still registering waits for it; a server restart loses nothing and doubles nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { daemonSkipReason, NGIRCD, startNgircd, type Daemon } from '../../../helpers/daemons.js';
import { unusedPort } from '../../../helpers/grpc.js';
import { ircObserver, type IrcObserver } from '../../../helpers/irc-observer.js';
import { harness, type Harness } from '../../../helpers/service.js';
import { until } from '../../../helpers/wait.js';

const skip = daemonSkipReason(NGIRCD, 'ngircd');

describe('irc plugin on ngircd', { skip }, () => {
  let server: Daemon;
  let watcher: IrcObserver;
  let h: Harness;

  before(async () => {
    server = await startNgircd();
    watcher = await ircObserver(server.port, '#ops');
    h = await harness({
      channels: {
        irc: {
          plugin: 'irc',
          params: {
            host: '127.0.0.1',
            port: server.port,
            nick: 'satnotify',
            target: '#ops',
            connectWait: '5s',
            reconnectMax: '1s',
          },
          limits: { maxHr: 20, maxDay: 100, minDelay: '0s' },
        },
      },
      hooks: { channels: { 'node-offline': ['irc'], 'node-online': ['irc'], 'audit-failed': ['irc'] } },
      // A retry waits 1.5–3 s: longer than a drain takes to see it is not yet due.
      dispatcher: { retryBase: '3s', retryMax: '3s', maxAttempts: 30 },
    });
  });
  after(async () => {
    await h?.close();
    await watcher?.close();
    await server?.stop();
  });

  it('a message sent while the plugin registers waits for it, and arrives as plain lines within the limit', async () => {
    const node = await h.addNode();
    // The service was created a moment ago: its IRC connection is still registering and joining.
    const r = await h.svc.onUptimeCheck(node, { ok: false });
    assert.equal(r.notified, true);
    const [id] = r.ids;
    await h.svc.dispatch();
    assert.equal(
      (await h.svc.outboxCounts()).find((c) => c.channel === 'irc' && c.status === 'sent')?.count,
      1,
      `delivered: ${id}`,
    );
    await until(() => watcher.lines.length >= 2);
    assert.match(watcher.lines[0] ?? '', /^\[test-sat\] WARN Node offline · node \w+$/);
    assert.match(watcher.lines[1] ?? '', /offline.*Check that the node runs/);
    for (const line of watcher.lines) {
      assert.ok(Buffer.byteLength(line) <= 350, 'within the line budget');
      // eslint-disable-next-line no-control-regex -- looking for the control characters that must be gone
      assert.doesNotMatch(line, /[\u0000-\u001f]/, 'no control characters');
    }
  });

  it(
    'a server restart mid-stream: every notification reaches the channel exactly once',
    { timeout: 60_000 },
    async () => {
      const before = await Promise.all([1, 2, 3].map(() => h.addNode()));
      const during = await Promise.all([1, 2, 3].map(() => h.addNode()));
      watcher.lines.length = 0;
      for (const n of before) assert.equal((await h.svc.onUptimeCheck(n, { ok: false })).notified, true);
      await h.svc.dispatch();
      await until(() => watcher.lines.length >= 6);

      await watcher.close();
      await server.stop();
      // The server is gone: these wait for the connection, fail the attempt, and are retried.
      const results = await Promise.all(during.map((n) => h.svc.onUptimeCheck(n, { ok: false })));
      assert.ok(results.every((r) => r.notified));
      await h.svc.dispatch();
      const waiting = (await h.svc.outboxCounts()).filter((c) => c.channel === 'irc' && c.status === 'retry');
      assert.equal(waiting[0]?.count, 3, 'the attempts during the outage failed and wait for a retry');
      await server.start();
      watcher = await ircObserver(server.port, '#ops');
      const seen = watcher.lines;
      await until(async () => {
        await h.svc.dispatch();
        const open = (await h.svc.outboxCounts()).filter(
          (c) => c.channel === 'irc' && ['pending', 'held', 'retry'].includes(c.status),
        );
        return open.length === 0;
      });
      await until(() => seen.filter((l) => l.startsWith('[test-sat]')).length >= 3);
      const headers = seen.filter((l) => l.startsWith('[test-sat]'));
      for (const n of during) {
        const nodeId = (await h.svc.overlay.get(n)).id.toString();
        assert.equal(
          headers.filter((l) => l.endsWith(nodeId)).length,
          1,
          `node ${nodeId} announced once: ${JSON.stringify(headers)}`,
        );
      }
      const failed = (await h.svc.outboxCounts()).filter((c) => c.channel === 'irc' && c.status === 'failed');
      assert.deepEqual(failed, [], 'nothing failed');
    },
  );

  it('with no server to reach, the service starts, a message fails its attempt (retried later), and close() returns at once', async () => {
    const down = await harness({
      channels: {
        irc: {
          plugin: 'irc',
          params: { host: '127.0.0.1', port: await unusedPort(), target: '#ops', connectWait: '500ms' },
        },
      },
      hooks: { channels: { 'node-offline': ['irc'] } },
    });
    const node = await down.addNode();
    const [id] = (await down.svc.onUptimeCheck(node, { ok: false })).ids;
    await down.svc.dispatch();
    const d = await down.svc.delivery(id as string);
    assert.equal(d?.status, 'held');
    assert.match(
      d?.reason ?? '',
      /irc delivery failed \(transient\): irc:\/\/127\.0\.0\.1:\d+\/#ops: cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/,
    );
    const t0 = Date.now();
    await down.close();
    assert.ok(Date.now() - t0 < 3000, 'close does not wait for a server that is not there');
  });
});
