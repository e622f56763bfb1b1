/**
 * @module channels/irc/connection
 * One IRC connection per instance that stays up: it registers, joins the target channel, and
 * reconnects with backoff whenever the server goes away. Senders wait for it to be ready; a line
 * counts as delivered once the server answers a PING sent after it (a server handles one client's
 * commands in order, so the PONG means the lines before it reached the channel).
 */
import type { Client, ConnectOptions } from 'irc-framework';
import { retryDelayMs } from '../../backoff.js';
import type { Logger } from '../../logger.js';

/** IrcConnectionOptions are what the connection needs besides the client class. */
export interface IrcConnectionOptions {
  connect: ConnectOptions;
  /** A channel (`#ops`) is joined; a nick is written to directly. */
  target: string;
  reconnectMaxMs: number;
  logger: Logger;
  instance: string;
}

/** Why the connection is not ready, for the error a waiting sender gets. */
type Down = { ready: false; why: string; waiters: Set<() => void> };

export class IrcConnection {
  readonly #client: Client;
  readonly #o: IrcConnectionOptions;
  #state: { ready: true } | Down = { ready: false, why: 'connecting', waiters: new Set() };
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #pings = 0;
  /** Sends in order, one at a time, so two notifications' lines never interleave. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ClientClass: new (options: ConnectOptions) => Client, options: IrcConnectionOptions) {
    this.#o = options;
    this.#client = new ClientClass(options.connect);
    const c = this.#client;
    c.on('registered', () => {
      if (this.#closed) return c.quit('satnotify closing'); // a connect that was under way when close() ran
      this.#attempt = 0;
      if (isChannel(options.target)) c.join(options.target);
      else this.#up();
    });
    c.on('join', (e: { nick: string; channel: string }) => {
      if (e.nick === c.user.nick && e.channel.toLowerCase() === options.target.toLowerCase()) this.#up();
    });
    c.on('nick in use', () => c.changeNick(`${c.user.nick}_`));
    // Before the join completes, an error is why senders wait (banned, invite only, bad key); after it, sends see their
    // own.
    c.on('irc error', (e: { error: string; reason?: string; channel?: string }) => {
      if (!this.#state.ready)
        this.#down(
          `the server refused: ${e.error}${e.channel ? ` ${e.channel}` : ''}${e.reason ? ` (${e.reason})` : ''}`,
        );
    });
    c.on('socket close', (err?: NodeJS.ErrnoException | false) => {
      if (err) this.#down(`cannot reach ${options.connect.host}:${options.connect.port}: ${err.code ?? err.message}`);
      else if (this.#state.ready) this.#down('the connection dropped; reconnecting');
    });
    c.on('close', () => this.#reconnect());
    c.connect(options.connect);
  }

  /** ready waits up to `timeoutMs` for the connection to be registered and in the channel; it rejects with why not. */
  ready(timeoutMs: number): Promise<void> {
    const s = this.#state;
    if (s.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        s.waiters.delete(done);
        const now = this.#state;
        reject(new Error(now.ready ? 'connection flapped' : now.why));
      }, timeoutMs);
      s.waiters.add(done);
    });
  }

  /**
   * say writes the lines to the target and resolves once the server confirmed them (PONG), or
   * rejects: with UnconfirmedError when the lines were written but the server never answered.
   * Senders wait for the connection side by side; then they write one at a time.
   */
  async say(lines: readonly string[], readyMs: number, confirmMs: number, target = this.#o.target): Promise<void> {
    await this.ready(readyMs);
    const run = this.#queue.then(() => this.#say(lines, confirmMs, target));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #say(lines: readonly string[], confirmMs: number, target: string): Promise<void> {
    if (!this.#state.ready) throw new Error(this.#state.why); // it went down while this waited its turn
    const token = `satnotify-${++this.#pings}-${Date.now()}`;
    const c = this.#client;
    const confirmed = new Promise<void>((resolve, reject) => {
      const pong = (e: { message?: string }): void => {
        if (e.message !== token) return;
        settle();
        resolve();
      };
      const lost = (): void => {
        settle();
        reject(new UnconfirmedError('the connection closed before the server confirmed the message'));
      };
      // The server answers a PRIVMSG it will not relay (no such nick, cannot send to channel) before the PONG.
      const refused = (e: { error: string; reason?: string; nick?: string; channel?: string }): void => {
        if ((e.channel ?? e.nick ?? '').toLowerCase() !== target.toLowerCase()) return;
        settle();
        reject(new RefusedError(`the server refused the message: ${e.error}${e.reason ? ` (${e.reason})` : ''}`));
      };
      const timer = setTimeout(() => {
        settle();
        reject(new UnconfirmedError(`the server did not confirm the message within ${confirmMs} ms`));
      }, confirmMs);
      const settle = (): void => {
        clearTimeout(timer);
        c.off('pong', pong);
        c.off('socket close', lost);
        c.off('irc error', refused);
      };
      c.on('pong', pong);
      c.on('socket close', lost);
      c.on('irc error', refused);
    });
    for (const line of lines) c.say(target, line);
    c.ping(token);
    await confirmed;
  }

  /** close says goodbye and stops reconnecting; sends in flight finish or fail first. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#queue;
    if (!this.#client.connected) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000); // a server that never closes does not hold shutdown
      this.#client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#client.quit('satnotify closing');
    });
  }

  #up(): void {
    const s = this.#state;
    this.#state = { ready: true };
    if (!s.ready) for (const w of s.waiters) w();
    this.#o.logger.info({ channel: this.#o.instance, target: this.#o.target }, 'irc connected');
  }

  #down(why: string): void {
    if (this.#state.ready) this.#state = { ready: false, why, waiters: new Set() };
    else this.#state.why = why;
  }

  #reconnect(): void {
    if (this.#closed) return;
    const wait = retryDelayMs(++this.#attempt, 250, this.#o.reconnectMaxMs);
    this.#o.logger.warn(
      { channel: this.#o.instance, attempt: this.#attempt, waitMs: wait },
      'irc connection lost; reconnecting',
    );
    this.#timer = setTimeout(() => this.#client.connect(), wait);
  }
}

/** UnconfirmedError is lines written that the server never confirmed: they may have been relayed. */
export class UnconfirmedError extends Error {}

/** RefusedError is the server saying it will not relay the lines (no such nick, cannot send to channel). */
export class RefusedError extends Error {}

function isChannel(target: string): boolean {
  return target.startsWith('#') || target.startsWith('&');
}
