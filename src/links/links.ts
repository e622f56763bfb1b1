/**
 * @module links/links
 * The links an operator gets: one-click unsubscribe from a kind on a channel (RFC 8058), their
 * preferences page (expiring), and their private feeds. Null when the web part is not configured.
 */
import { createHash } from 'node:crypto';
import { Signer } from './tokens.js';

/** EmailLinks go into an email's headers and footer. */
export interface EmailLinks {
  unsubscribe: string;
  preferences: string;
  /** "I'm on it": snooze the node the email is about (warnings and errors, not a disqualification). */
  snooze?: string;
}

/** LinkSettings are what links are made from: the `web` section's base URL, signing keys and link lifetime. */
export interface LinkSettings {
  baseUrl: string;
  secrets: readonly string[];
  linkLifetimeMs: number;
}

/** Links makes an operator's signed links. */
export class Links {
  readonly signer: Signer;
  readonly #base: string;
  readonly #lifetimeMs: number;

  constructor(web: LinkSettings) {
    this.signer = new Signer(web.secrets);
    this.#base = web.baseUrl.replace(/\/+$/, '');
    this.#lifetimeMs = web.linkLifetimeMs;
  }

  /** create makes the links when `web.baseUrl` and `web.secrets` are set, else null (emails then carry none). */
  static create(web: LinkSettings): Links | null {
    return web.baseUrl && web.secrets.length > 0 ? new Links(web) : null;
  }

  /** email is the unsubscribe link for `kind` on `channel` (`all` for a digest) and the preferences link. */
  email(operator: string, channel: string, kind: string, now: Date): EmailLinks {
    return {
      unsubscribe: `${this.#base}/unsubscribe/${this.signer.sign({ p: 'unsubscribe', o: operator, k: kind, c: channel })}`,
      preferences: this.preferences(operator, now),
    };
  }

  /** preferences is a link to the operator's page that works for `web.linkLifetime`. */
  preferences(operator: string, now: Date): string {
    const x = Math.floor((now.getTime() + this.#lifetimeMs) / 1000);
    return `${this.#base}/preferences?token=${this.signer.sign({ p: 'preferences', o: operator, x })}`;
  }

  /** snooze is a link that lets the operator snooze news of `nodeHex`, working for `web.linkLifetime`. */
  snooze(operator: string, nodeHex: string, now: Date): string {
    const x = Math.floor((now.getTime() + this.#lifetimeMs) / 1000);
    return `${this.#base}/snooze/${this.signer.sign({ p: 'snooze', o: operator, n: nodeHex, x })}`;
  }

  /** feed is the operator's private feed in `format`, with its authenticator. */
  feed(operator: string, format: 'rss' | 'atom' | 'json'): string {
    return `${this.#base}/feeds/${feedKey(operator)}.${format}?auth=${this.feedAuth(operator)}`;
  }

  /** feedList is the operator's BOINC-style list of feeds. */
  feedList(operator: string): string {
    return `${this.#base}/feeds.xml?auth=${this.feedAuth(operator)}`;
  }

  feedAuth(operator: string): string {
    return this.signer.sign({ p: 'feed', o: operator });
  }

  /** guid is the stable identity of a notification in feeds (BOINC: prefixed with the project URL). */
  guid(id: string): string {
    return `${this.#base}/n/${id}`;
  }

  get base(): string {
    return this.#base;
  }
}

/**
 * feedKey names an operator's feed in its URL without spelling out the address; the authenticator is what grants
 * access.
 */
export function feedKey(operator: string): string {
  return createHash('sha256').update(`satnotify-feed:${operator}`).digest('base64url').slice(0, 22);
}
