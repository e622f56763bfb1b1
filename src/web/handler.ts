/**
 * @module web/handler
 * createWebHandler(svc): the operator's side of satnotify as a Node request listener (hono on
 * @hono/node-server): one-click unsubscribe (RFC 8058), the preferences page, and private feeds.
 * Every route is rate limited per client address, bodies are bounded, pages carry security headers,
 * and no token is ever logged.
 */
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { InvalidInputError } from '../errors.js';
import { KIND_INFO, type EventKind } from '../kinds.js';
import { kindsRoutedTo } from '../preferences/policy.js';
import type { NotificationService } from '../notification/service.js';
import type { NodeInfo } from '../overlay/db.js';
import type { PreferencesUpdate } from '../preferences/preferences.js';
import { feedList, renderFeed, type FeedFormat } from './feeds.js';
import { feedKey } from '../links/links.js';
import { message, preferencesPage, unsubscribeConfirm } from './pages.js';

/** The largest request body any route reads. */
const MAX_BODY = 16 * 1024;
const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};
const NOT_AUTHORISED = 'This feed needs its full authenticator (the auth=… part of the link you were given).';

type Env = { Bindings: HttpBindings };

/** createWebHandler serves the operator pages and feeds of `svc`; mount it at `web.baseUrl`. */
export function createWebHandler(svc: NotificationService): (req: IncomingMessage, res: ServerResponse) => void {
  const links = svc.links;
  const web = svc.config.web;
  const satellite = svc.config.satellite.name;
  const limiter = new RateLimiterMemory({ points: web.requestsPerMinute, duration: 60 });
  const app = new Hono<Env>();
  const mount = links ? new URL(links.base).pathname.replace(/\/+$/, '') : '';
  const route = app.basePath(mount);

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
    }),
  );
  app.use(async (c, next) => {
    const who = c.env.incoming.socket.remoteAddress ?? 'unknown';
    try {
      await limiter.consume(who);
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
  app.onError((_err, c) => c.html(message('Something went wrong', 'Please try again later.'), 500)); // never echo the error: it may quote a token
  app.notFound((c) => c.html(message('Not found', 'There is nothing here.'), 404));

  if (!links) {
    app.all('*', (c) =>
      c.html(message('Not set up', 'This satellite has not set up operator pages (web.baseUrl and web.secrets).'), 503),
    );
    return listener(app);
  }

  const invalid = (c: Context<Env>) =>
    c.html(
      message('This link does not work', 'It is incomplete, altered or expired. Use the link in your newest email.'),
      404,
    );

  // RFC 8058: the GET shows a button and changes nothing (mail scanners follow links); the POST acts.
  route.get('/unsubscribe/:token', (c) => {
    const t = links.signer.verify(c.req.param('token'), 'unsubscribe');
    if (!t) return invalid(c);
    return c.html(unsubscribeConfirm(t.o, describe(t.k), t.c ?? 'email'));
  });
  route.post('/unsubscribe/:token', async (c) => {
    const t = links.signer.verify(c.req.param('token'), 'unsubscribe');
    if (!t) return invalid(c);
    const body = await c.req.parseBody();
    if (body['List-Unsubscribe'] !== 'One-Click')
      return c.html(message('Unsubscribe', 'Use the button on the unsubscribe page.'), 400);
    const kept = await svc.preferences.unsubscribe(t.o, t.c ?? 'email', t.k ?? 'all');
    const keptText =
      kept.length > 0
        ? ` ${kept.map(describe).join(', ')} stays on, because it warns that your node is at risk; move it to another channel on your preferences page if you like.`
        : '';
    return c.html(message('Unsubscribed', `${t.o} no longer gets ${describe(t.k)} by ${t.c ?? 'email'}.${keptText}`));
  });

  const showPreferences = async (c: Context<Env>, operator: string, notice?: { ok: boolean; text: string }) => {
    const nodes: NodeInfo[] = [];
    for await (const pageOfNodes of svc.overlay.select({ operator })) nodes.push(...pageOfNodes);
    const now = Date.now();
    return c.html(
      preferencesPage({
        operator,
        satellite,
        prefs: await svc.preferences.get(operator),
        nodes,
        routes: svc.config.hooks.channels,
        channels: svc.channels,
        critical: svc.config.preferences.critical,
        zones: Intl.supportedValuesOf('timeZone'),
        formToken: links.signer.sign({ p: 'form', o: operator, x: Math.floor(now / 1000) + 7200 }),
        feeds: {
          rss: links.feed(operator, 'rss'),
          atom: links.feed(operator, 'atom'),
          json: links.feed(operator, 'json'),
        },
        ...(notice && { notice }),
      }),
      notice && !notice.ok ? 400 : 200,
    );
  };
  route.get('/preferences', (c) => {
    const t = links.signer.verify(c.req.query('token'), 'preferences');
    return t ? showPreferences(c, t.o) : invalid(c);
  });
  route.post('/preferences', async (c) => {
    const t = links.signer.verify(c.req.query('token'), 'preferences');
    if (!t) return invalid(c);
    const body = await c.req.parseBody({ all: true });
    const form = links.signer.verify(one(body['form']), 'form');
    if (!form || form.o !== t.o)
      return c.html(
        message('Please try again', 'The form expired or did not come from this page. Reload the page and save again.'),
        403,
      );
    try {
      await svc.preferences.update(t.o, fromForm(body, svc.channels, svc.config.hooks.channels));
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      return showPreferences(c, t.o, { ok: false, text: `Not saved: ${err.issues.map((i) => i.message).join('; ')}` });
    }
    return showPreferences(c, t.o, { ok: true, text: 'Saved. It applies to the next notification.' });
  });

  route.get('/feeds.xml', (c) => {
    const t = links.signer.verify(c.req.query('auth'), 'feed');
    if (!t) return c.text(NOT_AUTHORISED, 401);
    return c.body(feedList(t.o, satellite, links), 200, { 'content-type': 'application/xml; charset=utf-8' });
  });
  route.get('/feeds/:file', async (c) => {
    const m = /^([A-Za-z0-9_-]{22})\.(rss|atom|json)$/.exec(c.req.param('file'));
    const t = links.signer.verify(c.req.query('auth'), 'feed');
    // No, short, wrong or another operator's authenticator: one answer, whether or not the operator exists.
    if (!m || !t || feedKey(t.o) !== m[1]) return c.text(NOT_AUTHORISED, 401);
    const format = m[2] as FeedFormat;
    const lastGuid = c.req.query('last_guid');
    const after = lastGuid?.startsWith(`${links.base}/n/`) ? lastGuid.slice(`${links.base}/n/`.length) : undefined;
    const items = await svc.notificationsFor(t.o, { limit: 100, ...(after && { after }) });
    return c.body(renderFeed(format, t.o, satellite, items, links), 200, {
      'content-type': FEED_TYPES[format],
      'cache-control': 'private, no-store',
    });
  });
  route.get('/n/:id', (c) =>
    c.html(message('Notification', 'This notification is listed in your private feed and on your preferences page.')),
  );

  return listener(app);
}

/** listener adapts the app to node:http; errors end as the app's own 500 page, so the promise never rejects. */
function listener(app: Hono<Env>): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = getRequestListener(app.fetch);
  return (req, res) => void handle(req, res);
}

/** fromForm turns the page's fields into a preferences change: the matrix becomes one kinds filter per channel. */
function fromForm(
  body: Record<string, string | File | (string | File)[]>,
  channels: readonly string[],
  routes: Readonly<Partial<Record<string, readonly string[]>>>,
): PreferencesUpdate {
  const checked = new Set(
    ([] as unknown[]).concat(body['route'] ?? []).filter((v): v is string => typeof v === 'string'),
  );
  const filters: NonNullable<PreferencesUpdate['filters']> = {};
  for (const channel of channels) {
    const offered = kindsRoutedTo(routes, channel);
    if (offered.length === 0) continue;
    const on = offered.filter((k) => checked.has(`${k}:${channel}`));
    filters[channel] = on.length === offered.length ? [{}] : on.length === 0 ? [] : [{ kinds: on }];
  }
  const change: PreferencesUpdate = {
    filters,
    quietHours:
      one(body['quiet']) === 'on' ? { start: one(body['quietStart']) ?? '', end: one(body['quietEnd']) ?? '' } : null,
  };
  for (const key of ['timezone', 'language', 'digest', 'digestAt'] as const) {
    const v = one(body[key]);
    if (v !== undefined) (change as Record<string, unknown>)[key] = v;
  }
  return change;
}

function one(v: unknown): string | undefined {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

function describe(kind: string | undefined): string {
  if (!kind || kind === 'all') return 'these emails';
  return kind in KIND_INFO ? `"${KIND_INFO[kind as EventKind].title}" notices` : `"${kind}" notices`;
}
