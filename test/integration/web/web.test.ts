/**
 * The operator's side over real HTTP on loopback: the RFC 8058 flow from the List-Unsubscribe
 * header of an email the SMTP sink received (parsed by mailparser), to the POST, to the next email
 * of that kind being suppressed; the preferences form with its CSRF token; private feeds read with
 * an independent parser (rss-parser); and the guards (tampered tokens, bodies too large, security
 * headers, rate limits, the same 401 for every bad authenticator).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Parser from 'rss-parser';
import { kindsRoutedTo } from '../../../src/preferences/policy.js';
import { createWebHandler } from '../../../src/web/handler.js';
import { harness, statusesOf, type Harness } from '../../helpers/service.js';

const SECRET = 'web-test-key-0123456789abcdef0123456789';

describe('operator web: unsubscribe, preferences, feeds', () => {
  let server: Server;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => void r.end();
  let base: string;
  let h: Harness;
  let node: string;
  const op = 'reader@example.com';

  before(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
    h = await harness({
      web: { baseUrl: base, allowInsecureBaseUrl: true, secrets: [SECRET] },
      grouping: { wait: '0s' },
      limits: { email: { minDelay: '0s', maxHr: 20, maxDay: 50 }, log: { minDelay: '0s' } },
    });
    handler = createWebHandler(h.svc);
    node = await h.addNode({ email: op });
  });
  after(async () => {
    await h?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('RFC 8058: the header from a received email unsubscribes in one POST; GET changes nothing; the next such email is suppressed', async () => {
    await h.svc.onUptimeCheck(node, { ok: false });
    await h.svc.dispatch();
    const mail = h.sink.received.at(-1)?.parsed;
    // The header lines as sent (mailparser's own `list` view reshapes them), unfolded.
    const raw = (key: string): string =>
      (mail?.headerLines.find((l) => l.key === key)?.line ?? '').replace(/\r?\n[ \t]+/g, ' ').replace(/^[^:]+:\s*/, '');
    const header = raw('list-unsubscribe');
    assert.match(header, new RegExp(`^<${base}/unsubscribe/[\\w-]+\\.[\\w-]+>$`));
    assert.equal(raw('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    assert.match(mail?.text ?? '', /Manage notifications .*\n.*\/preferences\?token=/);
    assert.match(String(mail?.html), /Manage notifications<\/a>/);
    const url = header.slice(1, -1);

    const confirm = await fetch(url);
    assert.equal(confirm.status, 200);
    assert.match(await confirm.text(), /<button type="submit">Unsubscribe<\/button>/);
    assert.deepEqual((await h.svc.preferences.get(op)).filters, {}, 'a GET (a mail scanner) changed nothing');

    for (let i = 0; i < 2; i++) {
      const done = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      assert.equal(done.status, 200, 'idempotent');
      assert.match(await done.text(), /no longer gets “Node offline” notices by email/);
    }
    const email = (await h.svc.preferences.get(op)).filters['email'] ?? [];
    assert.deepEqual(
      email,
      [{ exceptKinds: ['node-offline'] }],
      'that kind off by email: every other kind, and any added later, on',
    );

    await h.svc.onUptimeCheck(node, { ok: true });
    const again = await h.svc.onUptimeCheck(node, { ok: false });
    await h.svc.dispatch();
    assert.deepEqual(
      await statusesOf(h.svc, again.ids),
      ['sent', 'suppressed'],
      'email suppressed, the node log still sent',
    );
  });

  it('a tampered or foreign token changes nothing; a body too large is refused; pages carry security headers', async () => {
    const before = await h.svc.preferences.get(op);
    const links = h.svc.links;
    assert.ok(links);
    const good = links.email(op, 'email', 'node-online', new Date()).unsubscribe;
    const cut = good.lastIndexOf('.') + 1;
    const tampered = `${good.slice(0, cut)}${good[cut] === 'A' ? 'B' : 'A'}${good.slice(cut + 1)}`;
    const r = await fetch(tampered, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(r.status, 404);
    assert.deepEqual(await h.svc.preferences.get(op), before);
    const big = await fetch(good, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `List-Unsubscribe=One-Click&x=${'a'.repeat(20_000)}`,
    });
    assert.equal(big.status, 413);
    assert.deepEqual(await h.svc.preferences.get(op), before);
    const page = await fetch(links.preferences(op, new Date()));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
  });

  it('the preferences form: refused without its CSRF token; with it, saved and applied', async () => {
    const links = h.svc.links;
    assert.ok(links);
    const pageUrl = links.preferences(op, new Date());
    const html = await (await fetch(pageUrl)).text();
    const form = /name="form" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(form);
    assert.match(html, /<input type="radio" name="reports" value="weekly" checked/, 'the default report cadence');
    const fields = new URLSearchParams({
      timezone: 'Europe/Berlin',
      language: 'de',
      digest: 'daily',
      digestAt: '09:30',
      reports: 'monthly',
      quiet: 'on',
      quietStart: '23:00',
      quietEnd: '06:30',
    });
    for (const [k, c] of [
      ['disqualified', 'email'],
      ['disqualified', 'log'],
      ['audit-failed', 'log'],
      ['containment-entered', 'log'],
    ])
      fields.append('route', `${k}:${c}`);
    const forged = await fetch(pageUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    assert.equal(forged.status, 403);
    assert.equal((await h.svc.preferences.get(op)).language, 'en');
    fields.append('form', form);
    const saved = await fetch(pageUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    assert.equal(saved.status, 200);
    assert.match(await saved.text(), /role="status">Gespeichert/, 'in the language just chosen');
    const p = await h.svc.preferences.get(op);
    assert.deepEqual(
      { tz: p.timezone, lang: p.language, digest: p.digest, at: p.digestAt, quiet: p.quietHours, reports: p.reports },
      {
        tz: 'Europe/Berlin',
        lang: 'de',
        digest: 'daily',
        at: '09:30',
        quiet: { start: '23:00', end: '06:30' },
        reports: 'monthly',
      },
    );
    assert.deepEqual(
      p.filters['email'],
      [{ exceptKinds: kindsRoutedTo(h.svc.config.hooks.channels, 'email').filter((k) => k !== 'disqualified') }],
      'what was unchecked is stored off',
    );
    fields.delete('route');
    const refused = await fetch(pageUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /role="alert">Nicht gespeichert: disqualified would reach you on no channel/);
  });

  it('private feeds: every notification with what to do, newest first; last_guid; the same 401 for any bad authenticator', async () => {
    // The test above chose German on the page; this one reads the feed in English (the next, in German).
    await h.svc.preferences.update(op, { language: 'en' });
    const rss = await h.svc.feedUrl(op);
    const parser = new Parser();
    const feed = await parser.parseURL(rss);
    assert.match(feed.title ?? '', /test-sat: notifications for reader@example\.com/);
    assert.ok(feed.items.length >= 3);
    for (const item of feed.items) assert.ok(item.guid?.startsWith(`${base}/n/`), item.guid);
    const titles = feed.items.map((i) => i.title);
    assert.ok(
      titles.some((t) => t?.startsWith('Node offline')) && titles.some((t) => t?.startsWith('Node back online')),
    );
    assert.ok(
      feed.items.some((i) => /Check that the node runs/.test(i.content ?? '')),
      'what to do',
    );
    const newest = feed.items[0];
    const older = feed.items[1];
    assert.ok(newest && older && new Date(newest.isoDate ?? 0) >= new Date(older.isoDate ?? 0));
    const sinceOlder = await parser.parseURL(`${rss}&last_guid=${encodeURIComponent(older.guid ?? '')}`);
    assert.ok(
      sinceOlder.items.length >= 1 &&
        sinceOlder.items.every((i) => i.guid !== older.guid) &&
        sinceOlder.items.length < feed.items.length,
      'only newer',
    );
    const atom = await parser.parseURL(await h.svc.feedUrl(op, 'atom'));
    assert.equal(atom.items.length, feed.items.length);
    const json = (await (await fetch(await h.svc.feedUrl(op, 'json'))).json()) as { version: string; items: unknown[] };
    assert.match(json.version, /jsonfeed/);
    assert.equal(json.items.length, feed.items.length);

    const list = await (await fetch(h.svc.links?.feedList(op) ?? '')).text();
    assert.match(list, /<notification_feeds>[\s\S]*<private>1<\/private>/);
    assert.equal([...list.matchAll(/<url>/g)].length, 6, 'its three private feeds, and the three of the public news');

    const key = /\/feeds\/([\w-]+)\.rss/.exec(rss)?.[1];
    const auth = new URL(rss).searchParams.get('auth') ?? '';
    const other = h.svc.links?.feedAuth('nobody@example.com') ?? '';
    const answers = await Promise.all(
      [
        `${base}/feeds/${key}.rss`,
        `${base}/feeds/${key}.rss?auth=${auth.slice(0, 20)}`,
        `${base}/feeds/${key}.rss?auth=${auth.slice(0, -3)}abc`,
        `${base}/feeds/${key}.rss?auth=${other}`,
        `${base}/feeds/AAAAAAAAAAAAAAAAAAAAAA.rss?auth=${other}`,
      ].map(async (u) => {
        const r = await fetch(u);
        return `${r.status} ${await r.text()}`;
      }),
    );
    assert.equal(new Set(answers).size, 1, answers.join('\n'));
    assert.match(answers[0] ?? '', /^401 /);
    assert.ok(!answers[0]?.includes('reader'), 'nothing private');
  });

  it('pages speak the operator’s language: German, Polish, English', async () => {
    const links = h.svc.links;
    assert.ok(links);
    const expected = {
      de: ['Was Sie wo erreicht', 'Abmelden?', 'erhält dann Meldungen „Node offline“ nicht mehr per E-Mail'],
      pl: ['Co i gdzie do Ciebie trafia', 'Wypisać się?', 'nie będzie już otrzymywać powiadomień „Węzeł offline”'],
      en: ['What reaches you where', 'Unsubscribe?', 'Stop sending “Node offline” notices to'],
    } as const;
    for (const [language, [prefs, question, stop]] of Object.entries(expected)) {
      await h.svc.preferences.update(op, { language });
      const page = await (await fetch(links.preferences(op, new Date()))).text();
      assert.match(page, new RegExp(`<html lang="${language}">`));
      assert.ok(page.includes(prefs), `${language}: ${prefs}`);
      const confirm = await (await fetch(links.email(op, 'email', 'node-offline', new Date()).unsubscribe)).text();
      assert.ok(confirm.includes(question) && confirm.includes(stop), `${language}: ${confirm}`);
    }
  });

  it('every route is rate limited per client address', async () => {
    const statuses = await Promise.all(Array.from({ length: 80 }, () => fetch(`${base}/n/x`).then((r) => r.status)));
    assert.ok(statuses.includes(429), 'past the limit: 429');
    const limited = await fetch(`${base}/n/x`);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });
});
