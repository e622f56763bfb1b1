/**
 * @module web/pages
 * The operator's pages, rendered on the server (they work without JavaScript): confirm or done for
 * an unsubscribe, and the preferences page. Plain HTML with labels for every control, readable at
 * 375 px, every value escaped by hono's `html` template.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { type MessageValues } from '../i18n/catalog.js';
import { LOCALES, resolveLocale, type Locale } from '../i18n/locale.js';
import { EVENT_KINDS, KIND_INFO } from '../kinds.js';
import type { NodeInfo } from '../overlay/db.js';
import { matches } from '../preferences/policy.js';
import { REPORT_CADENCES, type Preferences } from '../preferences/preferences.js';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Words are what a page is written in: the operator's language and the catalog's messages in it. */
export interface Words {
  locale: Locale;
  t: (key: string, values?: MessageValues) => string;
}

const STYLE = `
  *{box-sizing:border-box} body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2937;background:#f9fafb}
  main{max-width:760px;margin:0 auto;padding:16px} h1{font-size:1.4rem;margin:.5rem 0 1rem} h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
  fieldset{border:1px solid #d1d5db;border-radius:6px;padding:12px;margin:0 0 16px;background:#fff;min-width:0} legend{font-weight:600;padding:0 4px}
  label{display:inline-block;margin:4px 12px 4px 0} input,select,button{font:inherit} input[type=text],input[type=time],select{padding:6px;border:1px solid #9ca3af;border-radius:4px;max-width:100%}
  button{padding:8px 16px;border:0;border-radius:4px;background:#1a56db;color:#fff;cursor:pointer} button:focus,input:focus,select:focus{outline:3px solid #93c5fd;outline-offset:1px}
  .matrix{overflow-x:auto} table{border-collapse:collapse;width:100%} th,td{padding:6px 4px;border-bottom:1px solid #e5e7eb;text-align:left;font-size:.95rem} td.c,th.c{text-align:center}
  .note{color:#4b5563;font-size:.9rem} .ok{background:#ecfdf5;border:1px solid #10b981;padding:8px 12px;border-radius:6px} .err{background:#fef2f2;border:1px solid #ef4444;padding:8px 12px;border-radius:6px}
  ul.nodes{padding-left:1.2rem;word-break:break-all} code{word-break:break-all} h1,p{overflow-wrap:anywhere}`;

/** page wraps a body in the document every page shares, in `lang`. */
export function page(title: string, body: Html, lang: Locale = 'en'): Html {
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title}</title>
        <style>
          ${raw(STYLE)}
        </style>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`;
}

/**
 * message is a page that only says something: done (in the operator's language), or, before any
 * operator is known (an invalid link, a limit), in English.
 */
export function message(title: string, text: string, lang: Locale = 'en'): Html {
  return page(
    title,
    html`<h1>${title}</h1>
      <p>${text}</p>`,
    lang,
  );
}

/** notice is a page that shows one announcement: its title, then its paragraphs. */
export function notice(
  a: { title: string; lines: readonly string[]; language: Locale; languages: readonly Locale[] },
  satellite: string,
): Html {
  const name = (l: Locale): string => new Intl.DisplayNames([l], { type: 'language' }).of(l) ?? l;
  const others = a.languages.filter((l) => l !== a.language);
  return page(
    a.title,
    html`<p class="note">${satellite}</p>
      <h1>${a.title}</h1>
      ${a.lines.map((l) => html`<p>${l}</p>`)}
      ${
        others.length > 0
          ? html`<p class="note">
              ${others.map((l, i) => html`${i > 0 ? ' · ' : ''}<a href="?lang=${l}" hreflang="${l}" lang="${l}">${name(l)}</a>`)}
            </p>`
          : ''
      }`,
    a.language,
  );
}

/** unsubscribeConfirm is what a GET shows: a button, so that a mail scanner following the link changes nothing. */
export function unsubscribeConfirm(w: Words, operator: string, what: string, channel: string): Html {
  const button = w.t('web.unsubscribe.button');
  return page(
    w.t('web.unsubscribe.title'),
    html`<h1>${w.t('web.unsubscribe.question')}</h1>
      <p>${w.t('web.unsubscribe.stop', { what, operator, channel })}</p>
      <form method="post">
        <input type="hidden" name="List-Unsubscribe" value="One-Click" /><button type="submit">${button}</button>
      </form>
      <p class="note">${w.t('web.unsubscribe.note')}</p>`,
    w.locale,
  );
}

/** PreferencesView is what the preferences page shows. */
export interface PreferencesView {
  words: Words;
  operator: string;
  satellite: string;
  prefs: Preferences;
  nodes: readonly NodeInfo[];
  /** Which channel instances each kind is routed to by the satellite. */
  routes: Readonly<Partial<Record<string, readonly string[]>>>;
  channels: readonly string[];
  critical: readonly string[];
  zones: readonly string[];
  formToken: string;
  /** The node's "I'm on it" link (the same page as the emails' button). */
  snooze: (node: NodeInfo) => string;
  feeds: { rss: string; atom: string; json: string } | null;
  notice?: { ok: boolean; text: string };
  /** The live list's stream and script (`/events`, `/live.js`); absent, the page has no live list. */
  live?: { events: string; script: string };
  /** Where the preferences form posts (the page's own URL when absent). */
  formAction?: string;
  /** The operator's own destinations and the kinds they may add; null when the satellite offers none. */
  destinations?: { kinds: readonly string[]; list: readonly DestinationView[]; action: string } | null;
}

/** DestinationView is one of the operator's own destinations as their page shows it. */
export interface DestinationView {
  id: string;
  kind: string;
  label: string;
  status: string;
  target: string;
  lastError: string | null;
}

/**
 * preferencesPage is the operator's whole page: their nodes, the kinds × channels matrix, quiet hours, zone, language,
 * cadence, feeds.
 */
export function preferencesPage(v: PreferencesView): Html {
  const { t } = v.words;
  const title = (kind: string): string => t(`kinds.${kind}.title`);
  const channel = (name: string): string => channelName(v.words, name);
  const kinds = EVENT_KINDS.filter((k) => (v.routes[k] ?? []).length > 0);
  const copy = (channel: string, kind: string) => ({
    channel,
    kind,
    level: KIND_INFO[kind as keyof typeof KIND_INFO].level,
    node: null,
    occurredAt: new Date(0),
    facts: {},
  });
  const cell = (kind: string, channel_: string): Html =>
    (v.routes[kind] ?? []).includes(channel_)
      ? html`<td class="c">
          <input
            type="checkbox"
            id="r-${kind}-${channel_}"
            name="route"
            value="${kind}:${channel_}"
            ${matches(v.prefs.filters[channel_], copy(channel_, kind)) ? 'checked' : ''}
            aria-label="${t('web.prefs.cell', { kind: title(kind), channel: channel(channel_) })}"
          />
        </td>`
      : html`<td class="c" aria-label="${t('web.prefs.notOffered')}">–</td>`;
  const q = v.prefs.quietHours;
  return page(
    t('web.prefs.title', { operator: v.operator }),
    html`<h1>${t('web.prefs.heading', { satellite: v.satellite })}</h1>
      <p>${t('web.prefs.for', { operator: v.operator, count: v.nodes.length })}</p>
      <ul class="nodes">
        ${v.nodes.map(
          (n) =>
            html`<li>
              <code>${n.id.toString()}</code> (${n.address}) · <a href="${v.snooze(n)}">${t('web.prefs.snooze')}</a>
            </li>`,
        )}
      </ul>
      ${v.notice ? html`<p class="${v.notice.ok ? 'ok' : 'err'}" role="${v.notice.ok ? 'status' : 'alert'}">${v.notice.text}</p>` : ''}
      <form method="post" ${v.formAction ? html`action="${v.formAction}"` : ''}>
        <input type="hidden" name="form" value="${v.formToken}" />
        <fieldset>
          <legend>${t('web.prefs.what')}</legend>
          <div class="matrix">
            <table>
              <thead>
                <tr>
                  <th scope="col">${t('web.prefs.kind')}</th>
                  ${v.channels.map((c) => html`<th scope="col" class="c">${channel(c)}</th>`)}
                </tr>
              </thead>
              <tbody>
                ${kinds.map(
                  (k) =>
                    html`<tr>
                      <th scope="row">
                        ${title(k)}${v.critical.includes(k) ? html` <span class="note">${t('web.prefs.keepOn')}</span>` : ''}
                      </th>
                      ${v.channels.map((c) => cell(k, c))}
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>
          <p class="note">${t('web.prefs.keepNote')}</p>
        </fieldset>
        <fieldset>
          <legend>${t('web.prefs.when')}</legend>
          <label><input type="checkbox" name="quiet" value="on" ${q ? 'checked' : ''} /> ${t('web.prefs.quiet')}</label>
          <label>${t('web.prefs.from')} <input type="time" name="quietStart" value="${q?.start ?? '22:00'}" /></label>
          <label>${t('web.prefs.to')} <input type="time" name="quietEnd" value="${q?.end ?? '07:00'}" /></label>
          <p class="note">${t('web.prefs.quietNote')}</p>
          <p>
            ${t('web.prefs.send')}
            ${(['immediate', 'hourly', 'daily'] as const).map(
              (d) =>
                html`<label
                  ><input type="radio" name="digest" value="${d}" ${v.prefs.digest === d ? 'checked' : ''} />
                  ${t(`web.prefs.${d}`)}</label
                >`,
            )}
            <label
              ><span class="note">${t('web.prefs.dailyTime')}</span>
              <input type="time" name="digestAt" value="${v.prefs.digestAt}"
            /></label>
          </p>
          <p>
            ${t('web.prefs.reports')}
            ${REPORT_CADENCES.map(
              (c) =>
                html`<label
                  ><input type="radio" name="reports" value="${c}" ${v.prefs.reports === c ? 'checked' : ''} />
                  ${t(`web.prefs.reports_${c}`)}</label
                >`,
            )}
          </p>
          <p class="note">${t('web.prefs.reportsNote')}</p>
        </fieldset>
        <fieldset>
          <legend>${t('web.prefs.where')}</legend>
          <label for="timezone">${t('web.prefs.zone')}</label>
          <input
            type="text"
            id="timezone"
            name="timezone"
            list="zones"
            value="${v.prefs.timezone}"
            autocomplete="off"
            size="28"
          />
          <datalist id="zones">${v.zones.map((z) => html`<option value="${z}"></option>`)}</datalist>
          <label for="language">${t('web.prefs.language')}</label>
          <select id="language" name="language">
            ${LOCALES.map((l) => html`<option value="${l}" ${resolveLocale(v.prefs.language) === l ? 'selected' : ''}>${new Intl.DisplayNames([l], { type: 'language' }).of(l) ?? l}</option>`)}
          </select>
        </fieldset>
        <button type="submit">${t('web.prefs.save')}</button>
      </form>
      ${
        v.live
          ? html`<h2>${t('web.live.heading')}</h2>
              <p class="note">${t('web.live.note')}</p>
              <ul id="live" class="nodes" data-events="${v.live.events}" aria-live="polite"></ul>
              <script src="${v.live.script}" defer></script>`
          : ''
      }
      ${v.destinations ? destinationsSection(v, v.destinations) : ''}
      ${
        v.feeds
          ? html`<h2>${t('web.prefs.feed')}</h2>
              <p class="note">${t('web.prefs.feedNote', { satellite: v.satellite })}</p>
              <ul class="nodes">
                <li><a href="${v.feeds.rss}">RSS</a></li>
                <li><a href="${v.feeds.atom}">Atom</a></li>
                <li><a href="${v.feeds.json}">JSON Feed</a></li>
              </ul>`
          : ''
      }`,
    v.words.locale,
  );
}

/** channelName is how a channel instance reads in the operator's language: the built-in two by name, others as configured. */
export function channelName(w: Words, name: string): string {
  return name === 'email' || name === 'log' ? w.t(`web.channels.${name}`) : name;
}

/**
 * destinationsSection lists the operator's own destinations, each with what can be done with it
 * now (send a code and confirm it, test, pause or resume, remove), and a form to add one. Every
 * form posts to `action` with the page's form token.
 */
function destinationsSection(v: PreferencesView, d: NonNullable<PreferencesView['destinations']>): Html {
  const { t } = v.words;
  const form = (id: string, body: Html): Html =>
    html`<form method="post" action="${d.action}">
      <input type="hidden" name="form" value="${v.formToken}" /><input type="hidden" name="id" value="${id}" />${body}
    </form>`;
  const button = (action: string, label: string): Html =>
    html`<button type="submit" name="action" value="${action}">${label}</button>`;
  return html`<h2 id="destinations">${t('web.dest.heading')}</h2>
    <p class="note">${t('web.dest.note', { satellite: v.satellite })}</p>
    ${d.list.length === 0 ? html`<p>${t('web.dest.none')}</p>` : ''}
    ${d.list.map(
      (x) =>
        html`<fieldset class="dest" data-status="${x.status}">
          <legend>${x.label} · ${t(`web.dest.status_${x.status}`)}</legend>
          <p><code>${x.target}</code></p>
          ${x.lastError ? html`<p class="note">${t('web.dest.lastError', { error: x.lastError })}</p>` : ''}
          ${
            x.status === 'unverified'
              ? html`${form(
                  x.id,
                  html`<label
                      >${t('web.dest.via')}
                      <select name="via">
                        <option value="destination">${t('web.dest.viaDestination')}</option>
                        ${v.nodes.map(
                          (n) =>
                            html`<option value="${n.id.toString()}">
                              ${t('web.dest.viaNode', { node: n.id.toString().slice(0, 12) })}
                            </option>`,
                        )}
                      </select></label
                    >
                    ${button('code', t('web.dest.sendCode'))}`,
                )}
                ${form(
                  x.id,
                  html`<label
                      >${t('web.dest.code')}
                      <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" size="8"
                    /></label>
                    ${button('verify', t('web.dest.confirm'))}`,
                )}`
              : ''
          }
          ${form(
            x.id,
            html`${x.status === 'active' ? html`${button('test', t('web.dest.test'))} ${button('pause', t('web.dest.pause'))}` : ''}
            ${x.status === 'paused' ? button('resume', t('web.dest.resume')) : ''}
            ${button('remove', t('web.dest.remove'))}`,
          )}
        </fieldset>`,
    )}
    ${form(
      '',
      html`<fieldset>
        <legend>${t('web.dest.add')}</legend>
        <label
          >${t('web.dest.kind')}
          <select name="kind">
            ${d.kinds.map((k) => html`<option value="${k}">${t(`web.dest.kind_${k}`)}</option>`)}
          </select></label
        >
        <label>${t('web.dest.target')} <input type="text" name="target" size="34" autocomplete="off" /></label>
        <label>${t('web.dest.label')} <input type="text" name="label" size="16" maxlength="80" /></label>
        ${button('add', t('web.dest.addButton'))}
      </fieldset>`,
    )}`;
}
