/**
 * @module web/handler
 * createWebHandler(svc): the operator's side of satnotify as a Node request listener (hono on
 * @hono/node-server): one-click unsubscribe (RFC 8058), the preferences page, and private feeds.
 * Every route is rate limited per client address (behind `web.trustProxy` proxies, the address
 * they forward), except one-click unsubscribe POSTs, which mail providers send from shared
 * addresses: those are limited per link. Bodies are bounded, pages carry security
 * headers, nothing is cached (every answer is one operator's, or says so), and no token is ever
 * logged.
 */
import { getRequestListener } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import proxyaddr from 'proxy-addr';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { NotificationService } from '../notification/service.js';
import type { Env } from './context.js';
import { message } from './pages.js';
import { feedRoutes } from './routes/feeds.js';
import { preferencesRoutes } from './routes/preferences.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';
import { snoozeRoutes } from './routes/snooze.js';
import { newsRoutes } from './routes/news.js';
import { eventsRoutes } from './routes/events.js';

/** The largest request body any route reads. */
const MAX_BODY = 16 * 1024;

/** createWebHandler serves the operator pages and feeds of `svc`; mount it at `web.baseUrl`. */
export function createWebHandler(svc: NotificationService): (req: IncomingMessage, res: ServerResponse) => void {
  const links = svc.links;
  const web = svc.config.web;
  const perClient = new RateLimiterMemory({ points: web.requestsPerMinute, duration: 60 });
  const perLink = new RateLimiterMemory({ points: web.oneClickPerMinute, duration: 60 });
  const trust = typeof web.trustProxy === 'number' ? hops(web.trustProxy) : proxyaddr.compile(web.trustProxy);
  const app = new Hono<Env>();

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        // The page's live list: its own script, and the stream it opens.
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
    }),
  );
  // A page holds an operator's feed keys and form token, a feed their notifications: no cache,
  // shared or not, may keep any of it.
  app.use(async (c, next) => {
    await next();
    c.header('Cache-Control', 'private, no-store');
  });
  app.use(async (c, next) => {
    const oneClick = c.req.method === 'POST' && /\/unsubscribe\/[^/]+$/.test(c.req.path);
    const [limiter, key] = oneClick ? [perLink, c.req.path] : [perClient, clientOf(c.env.incoming, trust)];
    try {
      await limiter.consume(key);
    } catch (r) {
      c.header('Retry-After', String(Math.ceil(((r as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000)));
      return c.html(message('Too many requests', 'Please wait a minute and try again.'), 429);
    }
    return next();
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY,
      onError: (c) => c.html(message('Too large', 'That request is larger than any form here sends.'), 413),
    }),
  );
  // Never echo the error: it may quote a token.
  app.onError((_err, c) => c.html(message('Something went wrong', 'Please try again later.'), 500));
  app.notFound((c) => c.html(message('Not found', 'There is nothing here.'), 404));

  if (!links) {
    app.all('*', (c) =>
      c.html(message('Not set up', 'This satellite has not set up operator pages (web.baseUrl and web.secrets).'), 503),
    );
    return listener(app);
  }
  const route = app.basePath(new URL(links.base).pathname.replace(/\/+$/, ''));
  const context = { svc, links, satellite: svc.config.satellite.name };
  unsubscribeRoutes(route, context);
  snoozeRoutes(route, context);
  preferencesRoutes(route, context);
  feedRoutes(route, context);
  newsRoutes(route, context);
  eventsRoutes(route, context);
  return listener(app);
}

/** hops trusts the `n` proxies nearest the handler: the address the nth of them saw is the client's. */
function hops(n: number): (address: string, i: number) => boolean {
  return (_address, i) => i < n;
}

/** clientOf is the request's client address: the socket's, or what trusted proxies forwarded. */
function clientOf(req: IncomingMessage, trust: (address: string, i: number) => boolean): string {
  return req.socket.remoteAddress ? proxyaddr(req, trust) : 'unknown';
}

/** listener adapts the app to node:http; errors end as the app's own 500 page, so the promise never rejects. */
function listener(app: Hono<Env>): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = getRequestListener(app.fetch);
  return (req, res) => void handle(req, res);
}
