/**
 * @module web/routes/preferences
 * The operator's page: their nodes, what reaches them where, quiet hours, zone, language and
 * cadence, and their feeds. The form carries a signed token of its own (CSRF), valid two hours.
 */
import type { Context, Hono } from 'hono';
import type { Destinations } from '../../destinations/destinations.js';
import { DeliveryError, InvalidInputError } from '../../errors.js';
import { formatWhen } from '../../i18n/format.js';
import type { NodeInfo } from '../../overlay/db.js';
import { kindsRoutedTo } from '../../preferences/policy.js';
import type { PreferencesUpdate } from '../../preferences/preferences.js';
import { claimsOf, invalid, one, readForm, wordsFor, type Env, type Form, type WebContext } from '../context.js';
import { message, preferencesPage, type PreferencesView, type Words } from '../pages.js';

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
      // Absolute form targets: after a destination's form the page is shown at another path.
      formAction: links.preferences(operator, new Date()),
      live: beside(operator, { events: 'events', script: 'live.js' }),
      destinations: await destinationsOf(operator),
    });
    return c.html(page, notice && !notice.ok ? 400 : 200);
  };
  // URLs beside the page's own (the same base, the same token), whatever path the page is shown at.
  const beside = <T extends Record<string, string>>(operator: string, paths: T): T => {
    const page = new URL(links.preferences(operator, new Date()));
    const at = (path: string): string => {
      const u = new URL(page);
      u.pathname = page.pathname.replace(/preferences$/, path);
      if (path.endsWith('.js')) u.search = '';
      return u.href;
    };
    return Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, at(p)])) as T;
  };
  const destinationsOf = async (operator: string): Promise<PreferencesView['destinations']> => {
    const d = svc.destinations;
    if (!d || d.kinds.length === 0) return null;
    return {
      kinds: d.kinds,
      action: beside(operator, { action: 'preferences/destinations' }).action,
      list: (await d.list(operator)).map((x) => ({
        id: x.id,
        kind: x.kind,
        label: x.label,
        status: x.status,
        target: x.params['url'] ?? x.params['address'] ?? x.params['nick'] ?? '',
        lastError: x.lastError,
      })),
    };
  };
  route.get('/preferences', async (c) => {
    const t = await claimsOf(ctx, c.req.query('token'), 'preferences');
    return t ? show(c, t.o) : invalid(c);
  });
  /**
   * submitted is a form posted from the page: the page's token and the form's own (CSRF) checked,
   * read in the operator's words; or the answer when either fails.
   */
  const submitted = async (c: Context<Env>): Promise<{ t: { o: string }; body: Form; w: Words } | Response> => {
    const t = await claimsOf(ctx, c.req.query('token'), 'preferences');
    if (!t) return invalid(c);
    const body = await readForm(c);
    if (body instanceof Response) return body;
    const form = links.signer.verify(one(body['form']), 'form');
    const w = await wordsFor(ctx, t.o);
    if (!form || form.o !== t.o)
      return c.html(message(w.t('web.prefs.expiredTitle'), w.t('web.prefs.expired'), w.locale), 403);
    return { t, body, w };
  };
  route.post('/preferences', async (c) => {
    const posted = await submitted(c);
    if (posted instanceof Response) return posted;
    const { t, body, w } = posted;
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
  // The operator's own destinations: one form per action, each with the page's form token.
  route.post('/preferences/destinations', async (c) => {
    const d = svc.destinations;
    if (!d) return invalid(c);
    const posted = await submitted(c);
    if (posted instanceof Response) return posted;
    const { t, body, w } = posted;
    const id = one(body['id']) ?? '';
    try {
      const done = await destinationAction(d, t.o, one(body['action']) ?? '', id, body, w);
      return show(c, t.o, { ok: true, text: done });
    } catch (err) {
      if (!(err instanceof InvalidInputError) && !(err instanceof DeliveryError)) throw err;
      const problems =
        err instanceof InvalidInputError ? err.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : err.message;
      return show(c, t.o, { ok: false, text: w.t('web.dest.failed', { problems }) });
    }
  });
}

/** The actions that only name a destination, and what the page says once each is done. */
const PLAIN_ACTIONS = { test: 'tested', pause: 'paused', resume: 'resumed', remove: 'removed' } as const;

/** destinationAction does what one of the page's destination forms asks, and says so in the operator's words. */
async function destinationAction(
  d: Destinations,
  operator: string,
  action: string,
  id: string,
  body: Form,
  w: Words,
): Promise<string> {
  const plain = PLAIN_ACTIONS[action as keyof typeof PLAIN_ACTIONS];
  if (plain) {
    await d[action as keyof typeof PLAIN_ACTIONS](operator, id);
    return w.t(`web.dest.${plain}`);
  }
  switch (action) {
    case 'add': {
      const kind = one(body['kind']) ?? '';
      const target = (one(body['target']) ?? '').trim();
      const added = await d.add(operator, {
        kind,
        params: kind === 'email' ? { address: target } : kind === 'irc' ? { nick: target } : { url: target },
        label: (one(body['label']) ?? '').trim(),
      });
      return added.secret ? w.t('web.dest.addedSecret', { secret: added.secret }) : w.t('web.dest.added');
    }
    case 'code': {
      const via = one(body['via']) ?? 'destination';
      const { expiresAt } = await d.sendCode(
        operator,
        id,
        via === 'destination' ? { via: 'destination' } : { via: 'node-log', nodeId: via },
      );
      const zone = (await d.readerOf(operator)).zone;
      return w.t('web.dest.codeSent', { when: formatWhen(expiresAt, zone, w.locale) });
    }
    case 'verify':
      await d.verify(operator, id, one(body['code']) ?? '');
      return w.t('web.dest.verified');
    default:
      throw new InvalidInputError('action', 'must be add, code, verify, test, pause, resume or remove');
  }
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
