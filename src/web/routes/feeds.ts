/**
 * @module web/routes/feeds
 * An operator's private feeds (BOINC): every notification, sent, held or suppressed, as RSS,
 * Atom or JSON Feed, in their language, a page at a time; BOINC's list of their feeds; and the
 * page a notification's guid opens.
 */
import type { Hono } from 'hono';
import { DAY } from '../../config-schema.js';
import type { Catalog } from '../../i18n/catalog.js';
import type { Locale } from '../../i18n/locale.js';
import { resolveLocale } from '../../i18n/locale.js';
import { formatWhen } from '../../i18n/format.js';
import { feedKey, type Links } from '../../links/links.js';
import type { OutboxItem } from '../../notification/outbox/outbox.js';
import { claimsOf, type Env, type WebContext } from '../context.js';
import { feedList, renderFeed, type FeedEntry, type FeedFormat } from '../feeds.js';
import { message, notice } from '../pages.js';
import { newsUrl } from './news.js';

/** How many notifications one page of a feed holds. */
export const FEED_PAGE = 100;
const FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];
const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};
const NOT_AUTHORISED = 'This feed needs its full authenticator (the auth=… part of the link you were given).';

/** feedRoutes adds `/feeds.xml`, `/feeds/:key.:format` and `/n/:id`. */
export function feedRoutes(route: Hono<Env>, ctx: WebContext): void {
  const { svc, links, satellite } = ctx;
  const localeOf = async (operator: string): Promise<Locale> =>
    resolveLocale((await svc.preferences.get(operator)).language);

  route.get('/feeds.xml', async (c) => {
    const t = await claimsOf(ctx, c.req.query('auth'), 'feed');
    if (!t) return c.text(NOT_AUTHORISED, 401);
    const locale = await localeOf(t.o);
    const feeds = FORMATS.flatMap((format) => [
      {
        url: links.feed(t.o, format),
        name: svc.catalog.t(locale, 'feed.listName', { satellite, format }),
        private: true,
      },
      // Beside the private feed, the public news (BOINC's "Project news").
      {
        url: newsUrl(links.base, format),
        name: svc.catalog.t(locale, 'feed.newsListName', { satellite, format }),
        private: false,
      },
    ]);
    return c.body(feedList(feeds), 200, { 'content-type': 'application/xml; charset=utf-8' });
  });

  route.get('/feeds/:file', async (c) => {
    const m = /^([A-Za-z0-9_-]{22})\.(rss|atom|json)$/.exec(c.req.param('file'));
    const t = await claimsOf(ctx, c.req.query('auth'), 'feed');
    // No, short, wrong or another operator's authenticator: one answer, whether or not the operator exists.
    if (!m || !t || feedKey(t.o) !== m[1]) return c.text(NOT_AUTHORISED, 401);
    const format = m[2] as FeedFormat;
    const prefs = await svc.preferences.get(t.o);
    const locale = resolveLocale(prefs.language);
    const before = c.req.query('before');
    const lastGuid = c.req.query('last_guid');
    const guidPrefix = `${links.base}/n/`;
    const page = await svc.feed(t.o, {
      limit: FEED_PAGE,
      before,
      lastGuid: lastGuid?.startsWith(guidPrefix) ? lastGuid.slice(guidPrefix.length) : lastGuid,
    });
    const feedUrl = links.feed(t.o, format);
    const at = (name: string, value: string | undefined): string =>
      value ? `${feedUrl}&${name}=${encodeURIComponent(value)}` : '';
    const next =
      page.next &&
      ('before' in page.next ? at('before', page.next.before) : at('last_guid', links.guid(page.next.lastGuid)));
    const doc = {
      title: svc.catalog.t(locale, 'feed.title', { satellite, operator: t.o }),
      description: [
        svc.catalog.t(locale, 'feed.description', { satellite }),
        ...(page.pruned
          ? [
              svc.catalog.t(locale, 'feed.pruned', {
                count: page.pruned.items,
                date: formatWhen(page.pruned.through, prefs.timezone, locale),
                days: Math.round(svc.config.retention.feedMs / DAY),
              }),
            ]
          : []),
      ].join(' '),
      language: locale,
      author: satellite,
      self: at('before', before) || at('last_guid', lastGuid) || feedUrl,
      home: links.base,
      next,
      ttlMinutes: 15,
      entries: page.items.map((i) => feedEntry(i, svc.catalog, locale, links)),
    };
    return c.body(renderFeed(format, doc), 200, { 'content-type': FEED_TYPES[format] });
  });

  // A guid's page: an announcement shows itself (it says the same to everyone it reached);
  // anything about one operator's nodes stays in their private feed.
  route.get('/n/:id', async (c) => {
    const a = await svc.announcement(c.req.param('id'), c.req.query('lang'));
    if (!a)
      return c.html(
        message('Notification', 'This notification is listed in your private feed and on your preferences page.'),
      );
    return c.html(notice(a, satellite));
  });
}

/** feedEntry is one notification as the feed lists it: what happened, what to do, and what became of it. */
function feedEntry(item: OutboxItem, catalog: Catalog, locale: Locale, links: Links): FeedEntry {
  const p = item.payload;
  const todo =
    p.actions.length > 0 && !p.text.includes(p.actions[0] as string)
      ? [catalog.t(locale, 'feed.todo', { steps: p.actions.join(' ') })]
      : [];
  const fate = catalog.t(locale, `feed.fate.${item.status}`, { reason: item.reason ?? '' });
  return {
    id: links.guid(item.id),
    title: `${p.title}${p.node ? ` · ${p.node.id.slice(0, 12)}` : ''}`,
    lines: [...p.text.split('\n').filter((l) => l.trim() !== ''), ...todo, fate],
    category: item.kind,
    date: item.createdAt,
  };
}
