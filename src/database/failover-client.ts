/**
 * @module database/failover-client
 * libpq's host list for node-postgres. A pool makes its connections through `failoverClient(...)`:
 * each connects to the host that last gave the session `target_session_attrs` asks for, or, when
 * none has yet (at start, after a failover), tries the hosts in order as libpq does and keeps the
 * first that matches. A connection checks its own session too (a host can turn standby between
 * the choice and the connect), and one that turns out read-only or is cut ends itself and makes the
 * next connection choose again: the pool never hands it out again.
 */
import { userInfo } from 'node:os';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { isConnectionLost } from '../errors.js';
import type { PostgresHost, PostgresTarget, SessionAttrs } from './postgres-url.js';

type Ssl = pg.ClientConfig['ssl'];

/** HostChoice is a host of the list with the TLS setting that worked on it. */
interface HostChoice extends PostgresHost {
  ssl: Ssl;
}

/**
 * HostChooser remembers which host last matched, and finds one again when told it no longer does.
 * Concurrent connections that find none wait for one search instead of each trying every host.
 */
export class HostChooser {
  readonly #target: PostgresTarget;
  readonly #base: pg.ClientConfig;
  #current: HostChoice | undefined;
  #search: Promise<HostChoice> | undefined;

  constructor(target: PostgresTarget, base: pg.ClientConfig) {
    this.#target = target;
    this.#base = base;
  }

  /** choose gives the host to connect to: the one remembered, else the first of the list that matches. */
  choose(): Promise<HostChoice> {
    if (this.#current) return Promise.resolve(this.#current);
    this.#search ??= this.#find().finally(() => (this.#search = undefined));
    return this.#search;
  }

  /** forget drops `host` if it is the one remembered, so the next connection searches again. */
  forget(host: PostgresHost): void {
    if (this.#current && this.#current.host === host.host && this.#current.port === host.port)
      this.#current = undefined;
  }

  /** The pg settings of one host: user, database and TLS as its URL says, libpq's meaning. */
  configFor(host: PostgresHost): pg.ClientConfig {
    const own = parseIntoClientConfig(this.#target.urlFor(host));
    // The URL's own `options` (server settings) go after satnotify's search path, not instead of it.
    const options = [this.#base.options, own.options].filter(Boolean).join(' ') || undefined;
    // libpq's default user is the operating system's, where node-postgres reads $USER (unset under many services).
    const user = own.user || process.env['PGUSER'] || userInfo().username;
    return { ...this.#base, ...own, user, host: own.host ?? host.host, port: own.port ?? host.port, options };
  }

  async #find(): Promise<HostChoice> {
    const problems: string[] = [];
    // A server that refused who we are (a password, a database, a role) is not a failover: that
    // error goes to the caller as it is, not retryable.
    let refusal: Error | undefined;
    for (const host of this.#target.hosts) {
      for (const ssl of this.#sslAttempts(host)) {
        const probe = new pg.Client({ ...this.configFor(host), ssl });
        probe.on('error', () => undefined);
        try {
          await probe.connect();
          if (await sessionMatches(probe, this.#target.targetSessionAttrs)) {
            // What the probe used, environment included (PGSSLMODE when the URL says nothing).
            this.#current = { ...host, ssl: probe.ssl };
            return this.#current;
          }
          problems.push(`${where(host)}: not ${this.#target.targetSessionAttrs}`);
          break; // it answered: the other TLS setting would not make it writable
        } catch (err) {
          problems.push(`${where(host)}: ${(err as Error).message}`);
          const code = (err as { code?: unknown }).code;
          if (typeof code === 'string' && /^(28|3D)/.test(code)) refusal ??= err as Error;
        } finally {
          await probe.end().catch(() => undefined);
        }
      }
    }
    if (refusal) throw refusal;
    // None answered as asked (down, or all standby in the middle of a failover): the client could not connect.
    throw Object.assign(
      new Error(`no host gave a ${this.#target.targetSessionAttrs} session (${problems.join('; ')})`),
      { code: '08001' },
    );
  }

  /** libpq's `prefer` tries TLS, then plain; `allow` plain, then TLS; the other modes one way. */
  #sslAttempts(host: PostgresHost): Ssl[] {
    const ssl = this.configFor(host).ssl;
    if (this.#target.sslmode === 'prefer') return [ssl, false];
    if (this.#target.sslmode === 'allow') return [false, ssl];
    return [ssl];
  }
}

/** sessionMatches asks the server what libpq asks for `target_session_attrs`. */
export async function sessionMatches(client: pg.Client, attrs: SessionAttrs): Promise<boolean> {
  if (attrs === 'any') return true;
  if (attrs === 'read-write') {
    const r = await client.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
    return r.rows[0]?.transaction_read_only === 'off';
  }
  const r = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
  return r.rows[0]?.standby === false;
}

/**
 * failoverClient makes the pg.Client class a pool builds its connections with: connected to the
 * host `chooser` gives, checked, and ending itself on an error that says the host is gone or no
 * longer writable (the pool drops an ended client instead of handing it out again).
 */
export function failoverClient(chooser: HostChooser, attrs: SessionAttrs): typeof pg.Client {
  return class FailoverClient extends pg.Client {
    #host: PostgresHost | undefined;

    constructor(config?: pg.ClientConfig) {
      super(config);
      // Listened to from the start: a connection cut while its session is checked (before the
      // pool listens) must not be an unhandled 'error' that ends the process.
      this.on('error', (err) => this.#check(err));
      // Every statement's error is looked at, by promise or by callback (pg-pool's pool.query).
      const query = super.query.bind(this) as (...args: unknown[]) => unknown;
      this.query = ((...args: unknown[]): unknown => {
        const last = args[args.length - 1];
        if (typeof last === 'function') {
          const callback = last as (err: unknown, ...rest: unknown[]) => void;
          return query(...args.slice(0, -1), (err: unknown, ...rest: unknown[]) => {
            this.#check(err);
            callback(err, ...rest);
          });
        }
        const result = query(...args);
        if (!(result instanceof Promise)) return result;
        return result.catch((err: unknown) => {
          this.#check(err);
          throw err;
        });
      }) as pg.Client['query'];
    }

    override connect(): Promise<this>;
    override connect(callback: (err: Error | null, client?: this) => void): void;
    override connect(callback?: (err: Error | null, client?: this) => void): Promise<this> | void {
      const done = this.#connect().then(() => this);
      if (!callback) return done;
      done.then(
        (c) => callback(null, c),
        (err: Error) => callback(err),
      );
    }

    async #connect(): Promise<void> {
      const choice = await chooser.choose();
      this.#host = choice;
      // The pool made this client before a host was chosen; host, port and TLS are read at connect.
      this.host = choice.host;
      this.port = choice.port;
      // The client asks for TLS, its connection answers the server's reply: both must agree.
      (this as unknown as { ssl: Ssl }).ssl = choice.ssl;
      (this.connection as unknown as { ssl: Ssl }).ssl = choice.ssl;
      try {
        await super.connect();
      } catch (err) {
        chooser.forget(choice);
        throw err;
      }
      if (!(await sessionMatches(this, attrs).catch(() => false))) {
        chooser.forget(choice);
        await this.end().catch(() => undefined);
        throw Object.assign(new Error(`${where(choice)} is no longer ${attrs}`), { code: '25006' });
      }
    }

    /** check ends this connection, and makes the next choose a host again, when `err` says the host is gone. */
    #check(err: unknown): void {
      if (!isConnectionLost(err)) return;
      if (this.#host) chooser.forget(this.#host);
      void this.end().catch(() => undefined);
    }
  };
}

function where({ host, port }: PostgresHost): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
