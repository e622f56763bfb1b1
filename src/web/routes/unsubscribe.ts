/**
 * @module web/routes/unsubscribe
 * One-click unsubscribe (RFC 8058): the GET shows a button and changes nothing (mail scanners
 * follow links); a POST of `List-Unsubscribe=One-Click`, from the mail provider or the button, acts.
 */
import type { Hono } from 'hono';
import { KIND_INFO, type EventKind } from '../../kinds.js';
import { claimsOf, invalid, one, readForm, type Env, type WebContext } from '../context.js';
import { message, unsubscribeConfirm } from '../pages.js';

/** unsubscribeRoutes adds `/unsubscribe/:token`. */
export function unsubscribeRoutes(route: Hono<Env>, ctx: WebContext): void {
  const { svc } = ctx;
  route.get('/unsubscribe/:token', async (c) => {
    const t = await claimsOf(ctx, c.req.param('token'), 'unsubscribe');
    if (!t) return invalid(c);
    return c.html(unsubscribeConfirm(t.o, describe(t.k), t.c ?? 'email'));
  });
  route.post('/unsubscribe/:token', async (c) => {
    const t = await claimsOf(ctx, c.req.param('token'), 'unsubscribe');
    if (!t) return invalid(c);
    const body = await readForm(c);
    if (body instanceof Response) return body;
    if (one(body['List-Unsubscribe']) !== 'One-Click')
      return c.html(message('Unsubscribe', 'Use the button on the unsubscribe page.'), 400);
    const kept = await svc.preferences.unsubscribe(t.o, t.c ?? 'email', t.k ?? 'all');
    const keptText =
      kept.length > 0
        ? ` ${kept.map(describe).join(', ')} stays on, because it warns that your node is at risk; move it to another channel on your preferences page if you like.`
        : '';
    return c.html(message('Unsubscribed', `${t.o} no longer gets ${describe(t.k)} by ${t.c ?? 'email'}.${keptText}`));
  });
}

function describe(kind: string | undefined): string {
  if (!kind || kind === 'all') return 'these emails';
  return kind in KIND_INFO ? `"${KIND_INFO[kind as EventKind].title}" notices` : `"${kind}" notices`;
}
