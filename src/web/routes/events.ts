/**
 * @module web/routes/events
 * The operator's page, live (Fedora FMN's websocket context, as Server-Sent Events): `/events`
 * streams each notification recorded for them from the moment it is opened, authenticated by the
 * page's token, a few connections per operator at most. The stream reads the operator's feed
 * after the newest item it has sent, so it sees what every process records; `/live.js` is the
 * page's small script (the page works without it), served from here so the page's content
 * security policy allows only its own scripts.
 */
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { claimsOf, invalid, type Env, type WebContext } from '../context.js';
import { message } from '../pages.js';

/** How often a stream looks for new notifications. */
const POLL_MS = 2_000;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 25_000;
/** Live streams one operator may hold open at once (tabs, devices). */
const MAX_PER_OPERATOR = 3;

/**
 * LIVE_JS adds each streamed notification to the page's live list. Text only (textContent): a
 * title is shown as written, never read as markup.
 */
const LIVE_JS = `(() => {
  const list = document.getElementById('live');
  if (!list || !('EventSource' in window)) return;
  const events = new EventSource(list.dataset.events);
  events.addEventListener('notification', (e) => {
    const n = JSON.parse(e.data);
    const item = document.createElement('li');
    item.dataset.id = n.id;
    item.textContent = n.line;
    list.prepend(item);
    list.hidden = false;
  });
})();
`;

/** eventsRoutes adds `/events` and `/live.js`. */
export function eventsRoutes(route: Hono<Env>, ctx: WebContext): void {
  const open = new Map<string, number>();
  route.get('/live.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(LIVE_JS);
  });
  route.get('/events', async (c) => {
    const t = await claimsOf(ctx, c.req.query('token'), 'preferences');
    if (!t) return invalid(c);
    const operator = t.o;
    if ((open.get(operator) ?? 0) >= MAX_PER_OPERATOR) {
      c.header('Retry-After', '60');
      return c.html(message('Too many live pages', 'Close another page of yours, then reload this one.'), 429);
    }
    open.set(operator, (open.get(operator) ?? 0) + 1);
    const release = (): void => {
      const n = (open.get(operator) ?? 1) - 1;
      if (n > 0) open.set(operator, n);
      else open.delete(operator);
    };
    return streamSSE(
      c,
      async (stream) => {
        let closed = false;
        stream.onAbort(() => {
          closed = true;
        });
        let quiet = 0;
        try {
          // From now on: the newest item at the start is the one the page already shows.
          let last = (await ctx.svc.feed(operator, { limit: 1 })).items[0]?.id;
          while (!closed) {
            await stream.sleep(POLL_MS);
            const page = await ctx.svc.feed(operator, { ...(last && { lastGuid: last }), limit: 50 });
            // A page after a guid is those after it; without one (nothing at the start), the newest.
            const fresh = [...page.items].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
            for (const item of fresh) {
              await stream.writeSSE({
                event: 'notification',
                id: item.id,
                data: JSON.stringify({
                  id: item.id,
                  kind: item.kind,
                  status: item.status,
                  recordedAt: item.createdAt.toISOString(),
                  line: `${item.payload.title} · ${item.summary}`,
                }),
              });
              last = item.id;
            }
            quiet = fresh.length > 0 ? 0 : quiet + POLL_MS;
            if (quiet >= HEARTBEAT_MS) {
              await stream.write(': still here\n\n');
              quiet = 0;
            }
          }
        } finally {
          release();
        }
      },
      // The stream failed (the database went away): it ends, and the page's EventSource reconnects.
      () => Promise.resolve(),
    );
  });
}
