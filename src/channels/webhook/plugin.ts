/**
 * @module channels/webhook/plugin
 * The `webhook` plugin: one signed HTTP POST per notification, following Standard Webhooks
 * (https://www.standardwebhooks.com): `webhook-id` is the notification id (receivers deduplicate on
 * it), `webhook-timestamp` and `webhook-signature` are its signature (signature.ts).
 */
import { z } from 'zod';
import { DAY, duration, SECOND, section } from '../../config-schema.js';
import type { DeliveryError } from '../../errors.js';
import { redactUrl } from '../../redact.js';
import { notificationJson, type ChannelPlugin, type Notification } from '../plugin.js';
import { secretKey, webhookSigner } from './signature.js';

const WEBHOOK_PARAMS = section(
  {
    url: z
      .string()
      .refine(
        (u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol),
        'must be an http:// or https:// URL',
      )
      .describe('Where to POST.'),
    secret: z
      .string()
      .refine(
        isSigningSecret,
        'must be a base64 secret of 24 to 64 bytes, optionally prefixed whsec_ (Standard Webhooks)',
      )
      .describe('The signing secret; give it as `{ "env": "NAME" }` or `{ "secret": "name" }`, not inline.'),
    timeout: duration('10s', 100, DAY, 'How long one request may take; then it counts as unconfirmed'),
  },
  'A Standard Webhooks endpoint.',
);

/** WebhookBody is the JSON each request carries. */
export interface WebhookBody {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export const WEBHOOK_PLUGIN: ChannelPlugin<typeof WEBHOOK_PARAMS> = {
  name: 'webhook',
  params: WEBHOOK_PARAMS,
  create(params, context) {
    const sign = webhookSigner(params.secret);
    const target = redactUrl(params.url);
    const fail = (
      permanent: boolean,
      why: string,
      extra: { ambiguous?: boolean; responseCode?: number; retryAfterMs?: number } = {},
    ): DeliveryError => context.fail(`${target}: ${why}`, { permanent, command: 'POST', ...extra });
    const inFlight = new Set<Promise<unknown>>();
    return {
      description: `webhook ${target}`,
      async send(n: Notification): Promise<void> {
        const sentAt = new Date();
        const body = JSON.stringify(webhookBody(n, sentAt));
        // A plain timer, not AbortSignal.timeout, which costs several times more per request (weak references).
        const abort = new AbortController();
        const timer = setTimeout(
          () => abort.abort(new DOMException(`no answer within ${params.timeoutMs} ms`, 'TimeoutError')),
          params.timeoutMs,
        );
        const request = fetch(params.url, {
          method: 'POST',
          redirect: 'manual', // a redirect would resend the signed body somewhere nobody configured
          signal: abort.signal,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'satnotify',
            'webhook-id': n.id,
            ...sign(n.id, sentAt, body),
          },
          body,
        });
        inFlight.add(request);
        let res: Response;
        try {
          res = await request;
          await res.body?.cancel(); // the answer's body says nothing we act on; free the connection
        } catch (err) {
          throw requestError(err, fail);
        } finally {
          clearTimeout(timer);
          inFlight.delete(request);
        }
        if (res.status >= 200 && res.status < 300) return;
        const retryAfterMs = retryAfter(res.headers.get('retry-after'), sentAt);
        const status = `answered ${res.status} ${res.statusText}`;
        if (res.status === 408 || res.status === 429 || res.status >= 500)
          throw fail(false, status, { responseCode: res.status, ...(retryAfterMs !== undefined && { retryAfterMs }) });
        if (res.status >= 300 && res.status < 400)
          throw fail(true, `${status}; redirects are not followed: configure the final URL`, {
            responseCode: res.status,
          });
        throw fail(true, status, { responseCode: res.status });
      },
      async close(): Promise<void> {
        await Promise.allSettled(inFlight);
      },
    };
  },
};

/** webhookBody is the Standard Webhooks payload: `type`, `timestamp`, and the notification as `data`. */
export function webhookBody(n: Notification, at: Date): WebhookBody {
  return {
    type: `satnotify.${n.kind}`,
    timestamp: at.toISOString(),
    data: notificationJson(n),
  };
}

/**
 * requestError classifies a request that got no answer. Refused or unresolvable: it never arrived,
 * so retrying is safe. A timeout or a connection cut mid-request: it may have arrived (ambiguous).
 */
function requestError(
  err: unknown,
  fail: (permanent: boolean, why: string, extra?: { ambiguous?: boolean }) => DeliveryError,
): DeliveryError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return fail(false, 'no answer within the timeout', { ambiguous: true });
  const code = e.cause?.code ?? '';
  const why = `${e.message ?? String(err)}${e.cause?.message ? `: ${e.cause.message}` : ''}`;
  const neverSent = [
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_CONNECT_TIMEOUT',
  ].includes(code);
  return fail(false, why, { ambiguous: !neverSent });
}

/** retryAfter reads Retry-After as seconds or an HTTP date, in milliseconds from `now`. */
export function retryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\s*-?\d+\s*$/.test(header)) {
    const seconds = Number(header);
    return seconds >= 0 ? Math.min(seconds, DAY / SECOND) * SECOND : undefined;
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(at - now.getTime(), 0), DAY);
}

function isSigningSecret(secret: string): boolean {
  const b64 = secretKey(secret);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  const bytes = Buffer.from(b64, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}
