/**
 * @module links/tokens
 * Signed tokens for links in emails and feed authenticators: the claims as base64url JSON and an
 * HMAC-SHA256 over them. The first configured key signs; every key verifies (rotation), in
 * constant time. A token says what it is for, so an unsubscribe token opens no page and no feed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Purpose is what a token allows. */
export type Purpose = 'unsubscribe' | 'preferences' | 'feed' | 'form' | 'snooze';

/** Claims are what a token carries: its purpose, the operator, and for unsubscribe the kind and channel. */
export interface Claims {
  p: Purpose;
  /** The operator address, lowercased. */
  o: string;
  /** The kind (`all`: every kind) and the channel instance an unsubscribe is for. */
  k?: string;
  c?: string;
  /** The node (hex) a snooze is for. */
  n?: string;
  /** Expiry, in seconds since the epoch. */
  x?: number;
}

/** Tokens are at most this long: anything longer is refused before any work. */
const MAX_TOKEN = 1024;
/** A token's form: the claims and an HMAC-SHA256 (32 bytes, 43 characters), both base64url. */
const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

export class Signer {
  readonly #keys: readonly Buffer[];

  /** `secrets`: the first signs, all verify. */
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('no signing key: set web.secrets');
    this.#keys = secrets.map((s) => Buffer.from(s, 'utf8'));
  }

  sign(claims: Claims): string {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${mac(this.#keys[0] as Buffer, body)}`;
  }

  /** verify returns the claims of a well-signed, unexpired token for `purpose`, or null whatever else is wrong. */
  verify(token: string | undefined, purpose: Purpose, now = Date.now()): Claims | null {
    // One spelling per token: base64url without padding, in its canonical form (Node's decoder
    // would also take `=`, `+/`, spaces, and a last character whose spare bits differ).
    if (!token || token.length > MAX_TOKEN || !TOKEN.test(token)) return null;
    const [body = '', signature = ''] = token.split('.');
    if (!canonical(body) || !canonical(signature)) return null;
    const given = Buffer.from(signature, 'base64url');
    // Every key is tried, so how long this takes does not say which one (or whether one) matched.
    let ok = false;
    for (const key of this.#keys) {
      const want = Buffer.from(mac(key, body), 'base64url');
      if (given.length === want.length && timingSafeEqual(given, want)) ok = true;
    }
    if (!ok) return null;
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Claims;
    } catch {
      return null;
    }
    if (claims.p !== purpose || typeof claims.o !== 'string') return null;
    if (claims.x !== undefined && claims.x * 1000 < now) return null;
    return claims;
  }
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(`satnotify:${body}`).digest('base64url');
}

/** canonical tells the one base64url spelling of its bytes from the others that decode to them. */
function canonical(part: string): boolean {
  return Buffer.from(part, 'base64url').toString('base64url') === part;
}
