/**
 * Issue 41, items 3 and 4 (network reports), on real parts: ngircd carries the network's daily
 * report to an IRC channel of the satellite's own, the same words go on the public news feed over
 * HTTP, newsboat reads it there, and the period is reported once. Its figures are what the
 * satellite said: nodes online, joined (welcomed), left (stopped reporting data), disqualified,
 * data stored and free in total, and the spread of versions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestClock } from '../../../helpers/clock.js';
import { daemonSkipReason, NGIRCD, startNgircd, type Daemon } from '../../../helpers/daemons.js';
import { randomNodeIdHex } from '../../../helpers/databases.js';
import { ircObserver, type IrcObserver } from '../../../helpers/irc-observer.js';
import { newsboatTitles } from '../../../helpers/newsboat.js';
import { until } from '../../../helpers/wait.js';
import { webHarness, type WebHarness } from '../../../helpers/web.js';

const skip = daemonSkipReason(NGIRCD, 'ngircd');

describe("the network's report on IRC and the public news", { skip }, () => {
  let server: Daemon;
  let watcher: IrcObserver;
  let w: WebHarness;
  const clock = new TestClock('2026-11-09T12:00:00Z');

  before(async () => {
    server = await startNgircd();
    watcher = await ircObserver(server.port, '#grid');
    w = await webHarness({
      clock: clock.now,
      channels: {
        irc: {
          plugin: 'irc',
          params: {
            host: '127.0.0.1',
            port: server.port,
            nick: 'satnotify',
            target: '#grid',
            connectWait: '5s',
            maxLines: 8,
          },
        },
      },
      reports: { network: { instances: ['irc'], cadence: 'daily', at: '09:00' } },
    });
  });
  after(async () => {
    await w?.close();
    await watcher?.close();
    await server?.stop();
  });

  it(
    'one message per period on the channel and the news, the same words, every figure as signalled',
    { timeout: 90_000 },
    async () => {
      const { svc } = w.h;
      const versions = ['1.104.5', '1.104.5', '1.103.2', '1.99.3', '1.104.5'];
      const nodes: string[] = [];
      for (const version of versions) {
        const id = randomNodeIdHex();
        await svc.overlay.upsertNode({
          id,
          address: '127.0.0.1:28967',
          email: `op-${id.slice(0, 6)}@example.com`,
          version,
        });
        nodes.push(id);
      }
      const [a, b, c, _d, e] = nodes as [string, string, string, string, string]; // d stops reporting data
      // Nov 9: all five store data; on Nov 10 (the reported day) d stops reporting: it left.
      for (const id of nodes)
        await svc.onUsage(id, { storedBytes: 2e12, freeBytes: 1e12, at: new Date('2026-11-09T20:00:00Z') });
      for (const id of [a, b, c, e])
        await svc.onUsage(id, { storedBytes: 3e12, freeBytes: 5e11, at: new Date('2026-11-10T20:00:00Z') });
      clock.set('2026-11-10T10:00:00Z');
      await svc.onScores(e, { vetted: false }); // e is new: welcomed on Nov 10
      await svc.onDisqualified(c, { reason: 'audit-score', score: 0.95 });
      // Checked within the online window (4 h) of the period's end.
      clock.set('2026-11-11T08:50:00Z');
      for (const id of [a, b, c]) await svc.onUptimeCheck(id, { ok: true });
      clock.set('2026-11-11T09:05:00Z');
      const r = await svc.runReports();
      assert.equal(r.network, true);
      assert.equal((await svc.runReports()).network, false, 'once per period');
      await svc.dispatch();
      await until(() => watcher.lines.some((l) => /Versions/.test(l)), 20_000);
      const said = watcher.lines.join('\n');
      assert.match(said, /Daily network report of test-sat: Nov 10, 2026/);
      // a and b online (c is disqualified, d and e never checked); e joined, d left, c disqualified.
      assert.match(said, /2 nodes were online at the end of the period, of 5 nodes the satellite knows\./);
      assert.match(said, /1 node joined and 1 left; 1 was disqualified and 0 were suspended\./);
      assert.match(said, /Together the nodes store 12\.00\u00a0TB and have 2\.00\u00a0TB free/);
      assert.match(said, /Versions: 1\.104\.5 on 3 nodes, 1\.103\.2 on 1 node, 1\.99\.3 on 1 node\./);
      // Nothing about a single operator or node.
      assert.doesNotMatch(said, /@example\.com|[0-9a-f]{12}/);

      const [item] = await svc.news();
      assert.match(item?.data['title'] as string, /Daily network report of test-sat/);
      const rss = await (await fetch(`${w.base}/news.rss`)).text();
      assert.match(rss, /Daily network report of test-sat: Nov 10, 2026/);
      assert.match(rss, /1 node joined and 1 left/);
      const de = await svc.newsItem(item?.id ?? '', 'de');
      assert.match(de?.title ?? '', /Täglicher Netzwerkbericht von test-sat: 10\.11\.2026/);
      assert.match(de?.lines.join('\n') ?? '', /12,00\u00a0TB/);
    },
  );

  it(
    'newsboat reads the network report from the public feed',
    { skip: daemonSkipReason('/usr/bin/newsboat', 'newsboat') },
    async () => {
      assert.deepEqual(await newsboatTitles(`${w.base}/news.rss`, 'newsboat-network'), [
        'Daily network report of test-sat: Nov 10, 2026',
      ]);
    },
  );
});
