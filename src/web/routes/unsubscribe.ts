/**
 * @module web/routes/unsubscribe
 * One-click unsubscribe (RFC 8058): the GET shows a button and changes nothing (mail scanners
 * follow links); a POST of `List-Unsubscribe=One-Click`, from the mail provider or the button, acts.
 */
import type { Hono } from 'hono';
import { EVENT_KINDS } from '../../kinds.js';
import { claimsOf, invalid, one, readForm, wordsFor, type Env, type WebContext } from '../context.js';
import { channelName, message, unsubscribeConfirm, type Words } from '../pages.js';

/** unsubscribeRoutes adds `/unsubscribe/:token`. */
export function unsubscribeRoutes(route: Hono<Env>, ctx: WebContext): void {
  const { svc } = ctx;
  route.get('/unsubscribe/:token', async (c) => {
    const t = await claimsOf(ctx, c.req.param('token'), 'unsubscribe');
    if (!t) return invalid(c);
    const w = await wordsFor(ctx, t.o);
    return c.html(unsubscribeConfirm(w, t.o, describe(w, t.k), channelName(w, t.c ?? 'email')));
  });
  route.post('/unsubscribe/:token', async (c) => {
    const t = await claimsOf(ctx, c.req.param('token'), 'unsubscribe');
    if (!t) return invalid(c);
    const body = await readForm(c);
    if (body instanceof Response) return body;
    const w = await wordsFor(ctx, t.o);
    if (one(body['List-Unsubscribe']) !== 'One-Click')
      return c.html(message(w.t('web.unsubscribe.title'), w.t('web.unsubscribe.useButton'), w.locale), 400);
    const channel = t.c ?? 'email';
    const kept = await svc.preferences.unsubscribe(t.o, channel, t.k ?? 'all');
    const done = w.t('web.unsubscribe.done', {
      operator: t.o,
      what: describe(w, t.k),
      channel: channelName(w, channel),
    });
    const keptText =
      kept.length > 0 ? ` ${w.t('web.unsubscribe.kept', { kinds: kept.map((k) => describe(w, k)).join(', ') })}` : '';
    return c.html(message(w.t('web.unsubscribe.doneTitle'), `${done}${keptText}`, w.locale));
  });
}

/** describe names what an unsubscribe is for: a kind's notices, or every email (a digest's link). */
function describe(w: Words, kind: string | undefined): string {
  if (!kind || kind === 'all') return w.t('web.unsubscribe.all');
  const title = (EVENT_KINDS as readonly string[]).includes(kind) ? w.t(`kinds.${kind}.title`) : kind;
  return w.t('web.unsubscribe.kind', { title });
}
