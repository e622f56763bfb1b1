/**
 * @module web/routes/news
 * The public news feed (BOINC's "Project news"): what the satellite announced publicly
 * (`broadcast(…, { public: true })`), as RSS, Atom or JSON Feed, without a login, and a page for
 * each item. Nothing private is ever here: only announcements, the same words for everyone.
 */
import type { Hono } from 'hono';
import { resolveLocale } from '../../i18n/locale.js';
import { newsText } from '../../notification/news/news.js';
import type { Env, WebContext } from '../context.js';
import { renderFeed, type FeedFormat } from '../feeds.js';
import { message, notice } from '../pages.js';

/** How many items the public feed lists: the newest. */
const NEWS_ITEMS = 100;
const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** newsUrl is the public feed's address in `format`. */
export function newsUrl(base: string, format: FeedFormat): string {
  return `${base}/news.${format}`;
}

/** newsRoutes adds `/news.rss`, `/news.atom`, `/news.json` and `/news/:id`. */
export function newsRoutes(route: Hono<Env>, ctx: WebContext): void {
  const { svc, links, satellite } = ctx;
  const locale = resolveLocale(svc.config.preferences.language);
  for (const format of Object.keys(FEED_TYPES) as FeedFormat[])
    route.get(`/news.${format}`, async (c) => {
      const items = await svc.news({ limit: NEWS_ITEMS });
      const doc = {
        title: svc.catalog.t(locale, 'feed.newsTitle', { satellite }),
        description: svc.catalog.t(locale, 'feed.newsDescription', { satellite }),
        language: locale,
        author: satellite,
        self: newsUrl(links.base, format),
        home: links.base,
        next: null,
        ttlMinutes: 60,
        entries: items.map((i) => {
          const words = newsText(i, locale, locale);
          return {
            id: `${links.base}/news/${i.id}`,
            title: words.title,
            lines: words.lines,
            category: 'announcement',
            date: i.recordedAt,
          };
        }),
      };
      return c.body(renderFeed(format, doc), 200, { 'content-type': FEED_TYPES[format] });
    });

  route.get('/news/:id', async (c) => {
    const item = await svc.newsItem(c.req.param('id'), c.req.query('lang'));
    if (!item) return c.html(message('Not found', 'There is no such news item.'), 404);
    return c.html(notice(item, satellite));
  });
}
