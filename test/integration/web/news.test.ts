/**
 * Issue 41, item 4 (public broadcasts): the public news feed over real HTTP on loopback. A
 * broadcast made with `{ public: true }` is listed in `{baseUrl}/news.rss|atom|json` without a
 * login, in the default language, its page offering its translations; a hostile announcement stays
 * one well-formed item (Python's expat reads it) whose text stays text; nothing private is listed;
 * a caller's own template cannot be public; every operator's feeds.xml lists the news beside their
 * private feed; newsboat reads it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.js';
import { daemonSkipReason } from '../../helpers/daemons.js';
import { newsboatTitles } from '../../helpers/newsboat.js';
import { webHarness, type WebHarness } from '../../helpers/web.js';
import { parseFeeds } from '../../helpers/xml.js';

const HOSTILE = `Maintenance <b>"&'</b> ]]> 🛰️ done`;

async function fetchText(url: string): Promise<{ status: number; type: string; body: string }> {
  const r = await fetch(url);
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
}

describe('public news', () => {
  let w: WebHarness;
  before(async () => {
    w = await webHarness({ grouping: { wait: '0s' } });
    const node = await w.h.addNode({ email: 'news-reader@example.com' });
    await w.h.svc.broadcast(
      { all: true },
      {
        template: 'announcement',
        data: {
          title: HOSTILE,
          paragraphs: ['First paragraph.', 'Second <script>alert(1)</script>'],
          action: 'Nothing to do.',
        },
        translations: { de: { title: 'Wartung erledigt', paragraphs: ['Erster Absatz.'], action: 'Nichts zu tun.' } },
      },
      { public: true },
    );
    await w.h.svc.broadcast(
      { ids: [node] },
      { template: 'announcement', data: { title: 'Only for you', paragraphs: ['Private words.'], action: 'None.' } },
    );
  });
  after(() => w?.close());

  it('lists the public broadcast in RSS, Atom and JSON, well-formed, its text kept as text, nothing private', async () => {
    const [rss, atom, json] = await Promise.all(['rss', 'atom', 'json'].map((f) => fetchText(`${w.base}/news.${f}`)));
    assert.deepEqual([rss?.status, atom?.status, json?.status], [200, 200, 200]);
    assert.match(rss?.type ?? '', /application\/rss\+xml/);
    const parsed = await parseFeeds([rss?.body ?? '', atom?.body ?? '']);
    for (const feed of parsed) {
      assert.ok(feed.ok, feed.ok ? '' : feed.error);
      if (!feed.ok) continue;
      assert.equal(feed.items.length, 1, 'the public broadcast only');
      const [item] = feed.items;
      assert.match(item?.title ?? '', /^Maintenance <b>"&'<\/b> \]\]>/, 'the title, as text');
      // RSS carries HTML (the script escaped in it, never markup), Atom's summary plain text.
      assert.match(item?.text ?? '', /Second (&lt;script&gt;|<script>)alert\(1\)/);
      assert.doesNotMatch(item?.text ?? '', /<p>[^<]*<script/);
      assert.match(item?.guid ?? '', new RegExp(`^${w.base}/news/[0-9a-f-]{36}$`));
    }
    const feed = JSON.parse(json?.body ?? '{}') as { items: Array<{ title: string }> };
    assert.equal(feed.items.length, 1);
    for (const doc of [rss?.body, atom?.body, json?.body]) assert.doesNotMatch(doc ?? '', /Only for you|Private words/);
  });

  it("an item's page shows it, and offers its translation", async () => {
    const [item] = await w.h.svc.news();
    const page = await fetchText(`${w.base}/news/${item?.id ?? ''}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /Maintenance &lt;b&gt;/);
    assert.doesNotMatch(page.body, /<script>alert/);
    assert.match(page.body, /hreflang="de"/);
    const de = await fetchText(`${w.base}/news/${item?.id ?? ''}?lang=de`);
    assert.match(de.body, /Wartung erledigt/);
    assert.equal((await fetchText(`${w.base}/news/not-an-id`)).status, 404);
  });

  it("a caller's own template cannot be public, and nothing is recorded", async () => {
    const before_ = (await w.h.svc.news()).length;
    await assert.rejects(
      w.h.svc.broadcast(
        { all: true },
        { template: 'version-outdated', data: { version: '1.0.0', minimum: '2.0.0' } },
        { public: true },
      ),
      (e: unknown) => e instanceof InvalidInputError && /options\.public/.test(e.message),
    );
    assert.equal((await w.h.svc.news()).length, before_);
  });

  it("every operator's feeds.xml lists the public news beside the private feed", async () => {
    const url = await w.h.svc.feedUrl('news-reader@example.com');
    const list = await fetchText(url.replace(/\/feeds\/[^?]+\.rss/, '/feeds.xml'));
    assert.equal(list.status, 200);
    assert.match(list.body, new RegExp(`<url>${w.base}/news\\.rss</url>[\\s\\S]*?<private>0</private>`));
  });

  it('newsboat reads the public feed', { skip: daemonSkipReason('/usr/bin/newsboat', 'newsboat') }, async () => {
    const titles = await newsboatTitles(`${w.base}/news.rss`, 'newsboat-news');
    assert.equal(titles.length, 1);
    assert.match(titles[0] ?? '', /^Maintenance/);
  });
});
