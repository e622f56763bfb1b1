/**
 * @module web/routes/snooze
 * "I'm on it": the link in a warning's email lets its operator snooze that node's news. The GET
 * shows the choices and changes nothing (mail scanners follow links); a POST with `until` (a
 * duration such as `24h`, an ISO 8601 instant, or `back`: until the node is back online) snoozes,
 * as `svc.snooze` does. The link is
 * signed for one operator and one node, and works only while the node still has that operator.
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { parseDurationMs } from '../../duration.js';
import { InvalidInputError, UnknownNodeError } from '../../errors.js';
import { formatInstant } from '../../i18n/format.js';
import type { NodeId } from '../../overlay/node-id.js';
import { claimsOf, invalid, one, readForm, wordsFor, type Env, type WebContext } from '../context.js';
import { message, page, type Words } from '../pages.js';

/** The choices the page offers, in hours, as far as `hooks.snoozeMax` allows. */
const CHOICES = [12, 24, 72, 168];
const HOUR = 3_600_000;

/** snoozeRoutes adds `/snooze/:token`. */
export function snoozeRoutes(route: Hono<Env>, ctx: WebContext): void {
  const { svc } = ctx;
  /** The token's node, if it still has the token's operator; else null. */
  const nodeOf = async (o: string, n: string | undefined): Promise<NodeId | null> => {
    if (!n) return null;
    try {
      const node = await svc.overlay.get(n);
      return node.email.toLowerCase() === o ? node.id : null;
    } catch (err) {
      if (err instanceof UnknownNodeError || err instanceof InvalidInputError) return null;
      throw err;
    }
  };
  /**
   * opened is a link's operator, their words and its node; or the answer when the link cannot be
   * used (altered or expired: 404; its node no longer has that operator: 409).
   */
  const opened = async (c: Context<Env>): Promise<{ o: string; w: Words; node: NodeId } | Response> => {
    const t = await claimsOf(ctx, c.req.param('token'), 'snooze');
    if (!t) return invalid(c);
    const w = await wordsFor(ctx, t.o);
    const node = await nodeOf(t.o, t.n);
    return node ? { o: t.o, w, node } : notYours(c, w, t.o);
  };
  route.get('/snooze/:token', async (c) => {
    const link = await opened(c);
    if (link instanceof Response) return link;
    const hours = CHOICES.filter((h) => h * HOUR <= svc.config.hooks.snoozeMaxMs);
    const maxHours = Math.floor(svc.config.hooks.snoozeMaxMs / HOUR);
    return c.html(snoozeChoices(link.w, link.node.toString(), ctx.satellite, hours, maxHours));
  });
  route.post('/snooze/:token', async (c) => {
    const link = await opened(c);
    if (link instanceof Response) return link;
    const { o, w, node } = link;
    const body = await readForm(c);
    if (body instanceof Response) return body;
    const refused = (key: string): Response | Promise<Response> =>
      c.html(
        message(w.t('web.snooze.title', { node: node.toString() }), w.t(key, { node: node.toString() }), w.locale),
        400,
      );
    const choice = one(body['until']);
    const until = choice === 'back' ? 'back' : untilOf(choice, svc.config.hooks.snoozeMaxMs, new Date());
    if (!until) return refused('web.snooze.badChoice');
    let snoozed: { until: Date | null; untilBack: boolean };
    try {
      snoozed = await svc.snooze(node, { until, reason: 'snoozed by its operator from an email link' });
    } catch (err) {
      if (err instanceof UnknownNodeError) return notYours(c, w, o);
      if (err instanceof InvalidInputError)
        return refused(until === 'back' ? 'web.snooze.notDown' : 'web.snooze.badChoice');
      throw err;
    }
    const zone = (await svc.preferences.get(o)).timezone;
    const shown = formatInstant(snoozed.until ?? new Date(), zone, w.locale);
    const done = w.t(snoozed.untilBack ? 'web.snooze.doneBack' : 'web.snooze.done', {
      node: node.toString(),
      until: shown,
    });
    return c.html(message(w.t('web.snooze.doneTitle'), done, w.locale));
  });
}

/** notYours answers a link whose node no longer has the link's operator. */
function notYours(c: Context<Env>, w: Words, operator: string): Response | Promise<Response> {
  return c.html(message(w.t('web.snooze.doneTitle'), w.t('web.snooze.notYours', { operator }), w.locale), 409);
}

/**
 * untilOf reads the form's `until`: a duration from now (`24h`) or an instant, within
 * `maxMs` from now and in the future; null otherwise (svc.snooze checks the bounds again).
 */
function untilOf(value: string | undefined, maxMs: number, now: Date): Date | null {
  if (!value || value.length > 40) return null;
  const ms = /^\d/.test(value) && !value.includes('T') ? parseDurationMs(value) : undefined;
  const until = ms !== undefined ? new Date(now.getTime() + ms) : new Date(value);
  const ahead = until.getTime() - now.getTime();
  return Number.isFinite(ahead) && ahead > 0 && ahead <= maxMs ? until : null;
}

/** snoozeChoices is what the GET shows: how long, and a button. */
function snoozeChoices(
  w: Words,
  node: string,
  satellite: string,
  hours: readonly number[],
  maxHours: number,
): ReturnType<typeof page> {
  return page(
    w.t('web.snooze.title', { node }),
    html`<h1>${w.t('web.snooze.question', { node })}</h1>
      <p>${w.t('web.snooze.intro', { satellite })}</p>
      <form method="post">
        <fieldset>
          <legend>${w.t('web.snooze.for')}</legend>
          ${hours.map(
            (h, i) =>
              html`<label
                ><input type="radio" name="until" value="${h}h" ${i === 1 || hours.length === 1 ? 'checked' : ''} />
                ${w.t('web.snooze.hours', { hours: h })}</label
              >`,
          )}
          <label
            ><input type="radio" name="until" value="back" /> ${w.t('web.snooze.untilBack', { hours: maxHours })}</label
          >
        </fieldset>
        <button type="submit">${w.t('web.snooze.button')}</button>
      </form>
      <p class="note">${w.t('web.snooze.note')}</p>`,
    w.locale,
  );
}
