/**
 * @module api/auth
 * Who may call: a bearer token among the configured ones, compared in constant time (as digests,
 * so neither the length nor a prefix of a token shows in the time taken), or, where mutual TLS is
 * set up, the client certificate the TLS handshake already verified.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { status, type Metadata } from '@grpc/grpc-js';
import { ApiError } from './status.js';

/** TokenCheck tells whether a call's metadata carries one of the tokens. */
export class TokenCheck {
  readonly #digests: readonly Buffer[];
  readonly #optional: boolean;

  /** `optional`: a call without a token is let in (mutual TLS already said who it is). */
  constructor(tokens: readonly string[], optional: boolean) {
    this.#digests = tokens.map(digest);
    this.#optional = optional;
  }

  /** check throws UNAUTHENTICATED unless the call may go on; it never says which part was wrong. */
  check(metadata: Metadata): void {
    const given = metadata.get('authorization')[0];
    if (given === undefined && this.#optional) return;
    const token = typeof given === 'string' ? /^Bearer (.+)$/.exec(given)?.[1] : undefined;
    if (token !== undefined) {
      const d = digest(token);
      // Every token is compared, so the time taken does not say which one matched.
      const matched = this.#digests.reduce((ok, t) => timingSafeEqual(t, d) || ok, false);
      if (matched) return;
    }
    throw new ApiError(status.UNAUTHENTICATED, 'a valid `authorization: Bearer <token>` is required');
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
