/**
 * @module web/context
 * What every route of the operators' web side shares: the service, the signed links, and how a
 * route answers a link that does not work or a form it cannot read.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { Links } from '../links/links.js';
import type { Claims, Purpose } from '../links/tokens.js';
import type { NotificationService } from '../notification/service.js';
import { resolveLocale } from '../i18n/locale.js';
import { message, type Words } from './pages.js';

/** Env is the hono environment: node:http's request and response. */
export type Env = { Bindings: HttpBindings };

/** WebContext is what the route groups are made with. */
export interface WebContext {
  svc: NotificationService;
  links: Links;
  satellite: string;
}

/**
 * claimsOf reads a link's token: well signed, unexpired, for `purpose`, and for an operator whose
 * links still work (not erased since, see Operators.linksRevoked); null otherwise.
 */
export async function claimsOf(ctx: WebContext, token: string | undefined, purpose: Purpose): Promise<Claims | null> {
  const t = ctx.links.signer.verify(token, purpose);
  return t && !(await ctx.svc.operators.linksRevoked(t.o)) ? t : null;
}

/** wordsFor is what an operator's pages are written in: their language's messages. */
export async function wordsFor(ctx: WebContext, operator: string): Promise<Words> {
  const locale = resolveLocale((await ctx.svc.preferences.get(operator)).language);
  return { locale, t: (key, values = {}) => ctx.svc.catalog.t(locale, key, values) };
}

/** invalid answers a link that is incomplete, altered or expired, the same way whatever is wrong with it. */
export function invalid(c: Context<Env>): Response | Promise<Response> {
  return c.html(
    message('This link does not work', 'It is incomplete, altered or expired. Use the link in your newest email.'),
    404,
  );
}

/** Form is a request body as hono parses it. */
export type Form = Record<string, string | File | (string | File)[]>;

/**
 * readForm parses a form body, or answers 400 when it cannot be read (a broken multipart body, a
 * multipart type without its boundary): a client's mistake, not the server's.
 */
export async function readForm(c: Context<Env>): Promise<Form | Response> {
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    return c.html(message('That form could not be read', 'Please send it again from the page.'), 400);
  }
}

/** one is a form field's first value, if it is text. */
export function one(v: unknown): string | undefined {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}
