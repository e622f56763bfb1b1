/**
 * Private feeds read by independent readers: Python's strict XML parser (expat) and Debian's
 * newsboat. Issue 40: a hostile announcement stays one item and its text stays text in every
 * format, legacy text XML forbids is dropped, the door refuses noncharacters, C1 controls and line
 * separators; issue 33: pages that never skip or repeat (ties of one instant included), Atom's
 * author, JSON Feed 1.1, an unknown last_guid, and an announcement's own page.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { InvalidInputError } from '../../../src/errors.js';
import { daemonSkipReason } from '../../helpers/daemons.js';
import { freshPostgresUrl, postgresSkipReason, randomNodeIdHex, sqlClient } from '../../helpers/databases.js';
import { scratchDir } from '../../helpers/scratch.js';
import { webHarness, type WebHarness } from '../../helpers/web.js';
import { parseFeeds, type ParsedFeed } from '../../helpers/xml.js';

const run = promisify(execFile);
const PROPERTY_RUNS = 150;
const FORGED =
  ']]>]]></description></item><item><title>Urgent: re-verify your wallet</title><link>https://evil.example/phish</link><description><![CDATA[';
const unescapeHtml = (html: string): string =>
  html
    .replace(/<\/p><p>/g, '\n')
    .replace(/^<p>|<\/p>$/g, '')
    .replace(
      /&(lt|gt|quot|#x27|#x60|#x3D|amp);/g,
      (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#x27': "'", '#x60': '`', '#x3D': '=', amp: '&' })[e] ?? '',
    );

/** fetchText reads a URL's body, asserting it answered 200. */
async function fetchText(url: string): Promise<string> {
  const r = await fetch(url);
  assert.equal(r.status, 200, url);
  return r.text();
}

/** feeds reads an operator's RSS and Atom (first page) and parses both strictly. */
async function feeds(
  w: WebHarness,
  operator: string,
  query = '',
): Promise<{
  rss: ParsedFeed;
  atom: ParsedFeed;
  json: { version: string; authors: unknown[]; items: Array<{ title: string; content_text: string }> };
}> {
  const docs = await Promise.all(
    (['rss', 'atom'] as const).map(async (f) => fetchText(`${await w.h.svc.feedUrl(operator, f)}${query}`)),
  );
  const [rss, atom] = await parseFeeds(docs);
  const json = JSON.parse(await fetchText(`${await w.h.svc.feedUrl(operator, 'json')}${query}`)) as never;
  return { rss: rss as ParsedFeed, atom: atom as ParsedFeed, json };
}

function items(f: ParsedFeed) {
  assert.ok(f.ok, f.ok ? '' : `not well-formed: ${f.error}`);
  return f.items;
}

describe('private feeds, read strictly', () => {
  let w: WebHarness;
  before(async () => {
    w = await webHarness({
      grouping: { wait: '0s' },
      dispatcher: { autoStart: false },
      web: { requestsPerMinute: 100_000 },
    });
  });
  after(() => w?.close());

  it('a hostile announcement is one item in RSS, Atom and JSON Feed, and its text comes back as text', async () => {
    const operator = 'hostile@example.com';
    await w.h.addNode({ email: operator });
    const data = {
      title: 'a]]>b',
      paragraphs: ['c]]>d', 'Hi <img src=x onerror=alert(1)>', 'a < b & c'],
      action: FORGED,
    };
    await w.h.svc.broadcast({ operator }, { template: 'announcement', data });
    const { rss, atom, json } = await feeds(w, operator);
    for (const f of [rss, atom]) {
      const [item, ...more] = items(f);
      assert.deepEqual(more, [], 'one item, not two');
      assert.ok(item?.title.startsWith('a]]>b'), item?.title);
      assert.ok(!item?.links.some((l) => l.includes('evil.example')), 'the phishing link is no link');
    }
    // RSS declares HTML: the text is in it escaped, so a reader shows the markup as text.
    const rssText = unescapeHtml(items(rss)[0]?.text ?? '');
    const atomText = items(atom)[0]?.text ?? '';
    for (const line of ['c]]>d', 'Hi <img src=x onerror=alert(1)>', 'a < b & c', FORGED]) {
      assert.ok(rssText.split('\n').includes(line), `RSS: ${line}`);
      assert.ok(atomText.split('\n').includes(line), `Atom: ${line}`);
      assert.ok(json.items[0]?.content_text.split('\n').includes(line), `JSON: ${line}`);
    }
    assert.equal(json.items.length, 1);
  });

  it(
    'text the door refuses today (noncharacters, C1 controls, U+2028) is refused, naming the field; recorded before, it is dropped from the feed',
    { skip: postgresSkipReason },
    async () => {
      const pw = await webHarness({
        database: { url: await freshPostgresUrl('satnotify_feed_legacy_test') },
        grouping: { wait: '0s' },
        dispatcher: { autoStart: false },
      });
      const db = sqlClient(pw.h.database?.url ?? '');
      try {
        const operator = 'legacy@example.com';
        await pw.h.addNode({ email: operator });
        for (const bad of ['\uFFFE', '\uFFFF', '\u0085', '\u2028', '\u{1FFFF}']) {
          await assert.rejects(
            pw.h.svc.broadcast(
              { operator },
              { template: 'announcement', data: { title: `x${bad}y`, paragraphs: ['p'], action: 'a' } },
            ),
            (err: InvalidInputError) => err instanceof InvalidInputError && err.field === 'data.title',
          );
        }
        assert.deepEqual(await pw.h.svc.notificationsFor(operator), [], 'nothing recorded');
        // An earlier version let such text through: the row exists, and its feed must still parse.
        const stand = { title: 'stand-in', paragraphs: ['p'], action: 'a' };
        await pw.h.svc.broadcast({ operator }, { template: 'announcement', data: stand });
        await db.connect();
        await db.query(
          `UPDATE satnotify_outbox SET payload = jsonb_set(payload, '{source,data,title}', to_jsonb($2::text)) WHERE operator = $1`,
          [operator, 'bad\u0001 \uFFFE\uFFFF end'],
        );
        const { rss, atom } = await feeds(pw, operator);
        for (const f of [rss, atom]) assert.ok(items(f)[0]?.title.startsWith('bad  end'), items(f)[0]?.title);
      } finally {
        await db.end().catch(() => undefined);
        await pw.close();
      }
    },
  );

  it('Atom names its author, JSON Feed is version 1.1, and a guid opens the announcement it names (and nothing private otherwise)', async () => {
    const operator = 'reader2@example.com';
    const node = await w.h.addNode({ email: operator });
    await w.h.svc.broadcast(
      { operator },
      {
        template: 'announcement',
        data: {
          title: 'Planned maintenance on May 4',
          paragraphs: ['Uploads pause from 02:00 to 04:00 UTC.'],
          action: 'Nothing; keep your node online.',
        },
      },
    );
    await w.h.svc.onUptimeCheck(node, { ok: false });
    const atom = await fetchText(await w.h.svc.feedUrl(operator, 'atom'));
    assert.match(atom, /<author>\s*<name>test-sat<\/name>\s*<\/author>/);
    const { json, rss } = await feeds(w, operator);
    assert.equal(json.version, 'https://jsonfeed.org/version/1.1');
    assert.deepEqual(json.authors, [{ name: 'test-sat' }]);
    const [offline, announcement] = items(rss);
    const page = await fetchText(announcement?.guid ?? '');
    assert.match(page, /Planned maintenance on May 4/);
    assert.match(page, /Uploads pause from 02:00 to 04:00 UTC\./);
    assert.match(page, /Nothing; keep your node online\./);
    const other = await fetchText(offline?.guid ?? '');
    assert.doesNotMatch(other, /offline|hostile|reader2/i, 'a node notice shows nothing on its public page');
  });

  for (const target of ['pglite', 'postgres'] as const) {
    it(
      `${target}: 300 notifications of one instant, read page by page (rel=next) and by last_guid, each exactly once; an unknown last_guid gives the newest page`,
      { skip: target === 'postgres' ? postgresSkipReason : undefined },
      async () => {
        const pw =
          target === 'pglite'
            ? w
            : await webHarness({
                database: { url: await freshPostgresUrl('satnotify_feeds_test') },
                grouping: { wait: '0s' },
                dispatcher: { autoStart: false },
              });
        try {
          const operator = `storm-${target}@example.com`;
          const nodes = await Promise.all(Array.from({ length: 300 }, () => pw.h.addNode({ email: operator })));
          const recorded = (await Promise.all(nodes.map((n) => pw.h.svc.onUptimeCheck(n, { ok: false })))).length;
          assert.equal(recorded, 300);
          const seen: string[] = [];
          let url: string | undefined = await pw.h.svc.feedUrl(operator);
          while (url) {
            const [page] = await parseFeeds([await fetchText(url)]);
            seen.push(...items(page as ParsedFeed).map((i) => i.guid));
            url = page?.ok ? page.links.find((l) => l.rel === 'next')?.href : undefined;
          }
          assert.equal(seen.length, 300, 'every page read');
          assert.equal(new Set(seen).size, 300, 'none repeated');
          // BOINC: from the oldest guid, what came after it, a page at a time.
          const oldest = seen.at(-1) as string;
          const after: string[] = [];
          let last = oldest;
          for (let round = 0; round < 10; round++) {
            const [page] = await parseFeeds([
              await fetchText(`${await pw.h.svc.feedUrl(operator)}&last_guid=${encodeURIComponent(last)}`),
            ]);
            const got = items(page as ParsedFeed).map((i) => i.guid);
            if (got.length === 0) break;
            after.push(...got);
            last = got[0] as string;
          }
          assert.deepEqual(
            [...after].sort(),
            seen.filter((g) => g !== oldest).sort(),
            'the 299 after the oldest, once each',
          );
          const [unknown] = await parseFeeds([
            await fetchText(
              `${await pw.h.svc.feedUrl(operator)}&last_guid=${encodeURIComponent(`${pw.base}/n/pruned-long-ago`)}`,
            ),
          ]);
          assert.deepEqual(
            items(unknown as ParsedFeed).map((i) => i.guid),
            seen.slice(0, 100),
            'the newest page',
          );
        } finally {
          if (pw !== w) await pw.close();
        }
      },
    );
  }

  it(
    'newsboat reads all 300 through the pages',
    { skip: daemonSkipReason('/usr/bin/newsboat', 'newsboat') },
    async () => {
      const operator = 'newsboat@example.com';
      const nodes = await Promise.all(Array.from({ length: 300 }, () => w.h.addNode({ email: operator })));
      for (const n of nodes) await w.h.svc.onUptimeCheck(n, { ok: false });
      const urls: string[] = [];
      let url: string | undefined = await w.h.svc.feedUrl(operator);
      while (url) {
        urls.push(url);
        const [page] = await parseFeeds([await fetchText(url)]);
        url = page?.ok ? page.links.find((l) => l.rel === 'next')?.href : undefined;
      }
      const dir = scratchDir('newsboat');
      writeFileSync(join(dir, 'urls'), `${urls.join('\n')}\n`);
      writeFileSync(join(dir, 'config'), '');
      await run(
        'newsboat',
        ['-u', join(dir, 'urls'), '-c', join(dir, 'cache.db'), '-C', join(dir, 'config'), '-x', 'reload'],
        { timeout: 60_000 },
      );
      const { stdout } = await run('python3', [
        '-c',
        'import sqlite3,sys,json; print(json.dumps([r[0] for r in sqlite3.connect(sys.argv[1]).execute("select guid from rss_item")]))',
        join(dir, 'cache.db'),
      ]);
      const guids = JSON.parse(stdout) as string[];
      assert.equal(urls.length, 3, 'three pages');
      assert.equal(new Set(guids).size, 300, 'newsboat holds 300 items');
    },
  );

  it(`the same text in every format: a property over random Unicode (${PROPERTY_RUNS} runs), every document well-formed, allowed text back unchanged`, async () => {
    const fc = await import('fast-check');
    const hostile = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        ']]>',
        '<![CDATA[',
        '\uFFFE',
        '\uFFFF',
        '\u0085',
        '\u2028',
        '\u0001',
        '\uD800',
        '😀',
        '&lt;',
        '<b>x</b>',
        'a'.repeat(5000),
      ),
      fc.string({ unit: 'grapheme' }),
    );
    const cases = fc.sample(fc.tuple(hostile, hostile, hostile), { numRuns: PROPERTY_RUNS, seed: 40 });
    const docs: string[] = [];
    const expected: Array<{ title: string; lines: string[] } | null> = [];
    for (const [i, [title, paragraph, action]] of cases.entries()) {
      const operator = `prop-${i}@example.com`;
      await w.h.addNode({ email: operator, id: randomNodeIdHex() });
      try {
        await w.h.svc.broadcast(
          { operator },
          { template: 'announcement', data: { title, paragraphs: [paragraph], action } },
        );
        expected.push({ title, lines: [paragraph, action] });
      } catch (err) {
        assert.ok(err instanceof InvalidInputError, String(err));
        expected.push(null);
      }
      docs.push(
        await fetchText(await w.h.svc.feedUrl(operator, 'rss')),
        await fetchText(await w.h.svc.feedUrl(operator, 'atom')),
      );
    }
    const parsed = await parseFeeds(docs);
    for (const [i, want] of expected.entries()) {
      const [rss, atom] = [parsed[2 * i], parsed[2 * i + 1]] as [ParsedFeed, ParsedFeed];
      if (!want) {
        assert.deepEqual([items(rss).length, items(atom).length], [0, 0], 'refused at the door: nothing listed');
        continue;
      }
      const texts = [unescapeHtml(items(rss)[0]?.text ?? ''), items(atom)[0]?.text ?? ''];
      for (const t of texts)
        for (const line of want.lines.filter((l) => l.trim() !== ''))
          assert.ok(
            t.includes(line),
            `case ${i}: ${JSON.stringify(line).slice(0, 80)} in ${JSON.stringify(t).slice(0, 300)}`,
          );
      assert.ok(items(atom)[0]?.title.startsWith(want.title), `case ${i}: title`);
    }
  });
});
