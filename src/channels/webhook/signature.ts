/**
 * @module channels/webhook/signature
 * The Standard Webhooks signature (https://www.standardwebhooks.com, "Signature scheme"): HMAC-SHA256
 * over `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the secret's base64 bytes (after an
 * optional `whsec_` prefix), sent as `v1,<base64>`. node:crypto's HMAC is native, an order of
 * magnitude cheaper than the `standardwebhooks` package's pure-JS one; tests check every signature
 * with that package's own verifier.
 */
import { createHmac } from 'node:crypto';
import { SECOND } from '../../config-schema.js';

/** SignedHeaders are the two headers a signature adds, beside `webhook-id`. */
export interface SignedHeaders {
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** webhookSigner keys a signer with `secret` (checked by the plugin's params: base64, 24–64 bytes). */
export function webhookSigner(secret: string): (id: string, at: Date, body: string) => SignedHeaders {
  const key = Buffer.from(secretKey(secret), 'base64');
  return (id, at, body) => {
    const timestamp = String(Math.floor(at.getTime() / SECOND));
    return {
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
    };
  };
}

/** secretKey is a Standard Webhooks secret's key, in base64: what follows the optional `whsec_`. */
export function secretKey(secret: string): string {
  return secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
}

const SECRET_PREFIX = 'whsec_';
