/**
 * @module web/routes/preferences
 * The operator's page: their nodes, what reaches them where, quiet hours, zone, language and
 * cadence, and their feeds. The form carries a signed token of its own (CSRF), valid two hours.
 */
import type { Context, Hono } from 'hono';
import { InvalidInputError } from '../../errors.js';
import type { NodeInfo } from '../../overlay/db.js';
import { kindsRoutedTo } from '../../preferences/policy.js';
import type { PreferencesUpdate } from '../../preferences/preferences.js';
import { claimsOf, invalid, one, readForm, wordsFor, type Env, type Form, type WebContext } from '../context.js';
import { message, preferencesPage } from '../pages.js';

/** How long a page's form may be sent back, in seconds. */
const FORM_LIFETIME_S = 7200;

/** preferencesRoutes adds `/preferences`. */
export function preferencesRoutes(route: Hono<Env>, ctx: WebContext): void {
  const { svc, links, satellite } = ctx;
  const show = async (c: Context<Env>, operator: string, notice?: { ok: boolean; text: string }) => {
    const nodes: NodeInfo[] = [];
    for await (const pageOfNodes of svc.overlay.select({ operator })) nodes.push(...pageOfNodes);
    const page = preferencesPage({
      words: await wordsFor(ctx, operator),
      operator,
      satellite,
      prefs: await svc.preferences.get(operator),
      nodes,
      routes: svc.config.hooks.channels,
      channels: svc.channels,
      critical: svc.config.preferences.critical,
      zones: Intl.supportedValuesOf('timeZone'),
      formToken: links.signer.sign({ p: 'form', o: operator, x: Math.floor(Date.now() / 1000) + FORM_LIFETIME_S }),
      snooze: (n) => links.snooze(operator, n.id.hex, new Date()),
      feeds: {
        rss: links.feed(operator, 'rss'),
        atom: links.feed(operator, 'atom'),
        json: links.feed(operator, 'json'),
      },
      ...(notice && { notice }),
    });
    return c.html(page, notice && !notice.ok ? 400 : 200);
  };
  route.get('/preferences', async (c) => {
    const t = await claimsOf(ctx, c.req.query('token'), 'preferences');
    return t ? show(c, t.o) : invalid(c);
  });
  route.post('/preferences', async (c) => {
    const t = await claimsOf(ctx, c.req.query('token'), 'preferences');
    if (!t) return invalid(c);
    const body = await readForm(c);
    if (body instanceof Response) return body;
    const form = links.signer.verify(one(body['form']), 'form');
    const w = await wordsFor(ctx, t.o);
    if (!form || form.o !== t.o)
      return c.html(message(w.t('web.prefs.expiredTitle'), w.t('web.prefs.expired'), w.locale), 403);
    try {
      await svc.preferences.update(t.o, fromForm(body, svc.channels, svc.config.hooks.channels));
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      const problems = err.issues.map((i) => i.message).join('; ');
      return show(c, t.o, { ok: false, text: w.t('web.prefs.notSaved', { problems }) });
    }
    // Saved in the language chosen just now, if it changed.
    return show(c, t.o, { ok: true, text: (await wordsFor(ctx, t.o)).t('web.prefs.saved') });
  });
}

/** fromForm turns the page's fields into a preferences change: the matrix becomes one filter per channel. */
function fromForm(
  body: Form,
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
    // What is unchecked is stored as off, so a kind added in a later version reaches them.
    const off = offered.filter((k) => !checked.has(`${k}:${channel}`));
    filters[channel] = off.length === 0 ? [{}] : off.length === offered.length ? [] : [{ exceptKinds: off }];
  }
  const quiet = one(body['quiet']) === 'on';
  const change: PreferencesUpdate = {
    filters,
    quietHours: quiet ? { start: one(body['quietStart']) ?? '', end: one(body['quietEnd']) ?? '' } : null,
  };
  for (const key of ['timezone', 'language', 'digest', 'digestAt', 'reports'] as const) {
    const v = one(body[key]);
    if (v !== undefined) (change as Record<string, unknown>)[key] = v;
  }
  return change;
}
