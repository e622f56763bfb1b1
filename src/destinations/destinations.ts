/**
 * @module destinations/destinations
 * Destinations operators add of their own (`svc.destinations`): add, send a code, verify, test,
 * pause, resume, remove. A destination receives nothing but its code until its operator enters
 * that code: sent to the destination itself (it proves the destination is theirs, so the satellite
 * cannot be used to message strangers), or into the log of one of their nodes (it proves they run
 * the node). Codes are kept only as MACs, expire, and allow a few wrong tries; nothing of a code
 * appears in an error or a log. Delivery data is sealed at rest and shown to its operator alone.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { ChannelInstance, ChannelSet } from '../channels/instances.js';
import type { Limit } from '../config-schema.js';
import type { Notification } from '../channels/plugin.js';
import { webhookSigner } from '../channels/webhook/signature.js';
import { webhookBody } from '../channels/webhook/plugin.js';
import { DeliveryError, InvalidConfigError, InvalidInputError, UnknownNodeError } from '../errors.js';
import type { Catalog } from '../i18n/catalog.js';
import { silentLogger, type Logger } from '../logger.js';
import { assertEmailAddress } from '../mailservice/input.js';
import type { Reader } from '../i18n/locale.js';
import type { OverlayDB } from '../overlay/db.js';
import { NodeId } from '../overlay/node-id.js';
import { DESTINATION_ID, DESTINATION_KINDS, type DestinationKind, type DestinationsConfig } from './config.js';
import { checkUrl, safePost, type Resolver } from './safe-request.js';
import { NICK } from '../channels/irc/lines.js';
import type { Sealer } from './sealed.js';
import type { DestinationRow, DestinationStatus, DestinationStore } from './store.js';
import { codeText, pausedText, testText, type DestinationText } from './words.js';

/** How long the view of active destinations is used before it is read again. */
const ACTIVE_TTL_MS = 30_000;
/** Destinations' instances kept made at once. */
const MAX_INSTANCES = 10_000;
/** The least time between two codes sent to one destination: a code is a message to someone. */
const CODE_INTERVAL_MS = 60_000;
/** The longest label an operator may give a destination. */
const MAX_LABEL = 80;

/** CodeBudgets counts codes as the limits' store counts sends: atomically, in calendar windows. */
export interface CodeBudgets {
  reserve(
    key: { subject: string; channel: string },
    now: Date,
    limits: Limit & { timezone: string },
  ): Promise<{ granted: true } | { granted: false; reason: string; retryAt: Date | null }>;
}

/** Destination is one destination as its operator sees it; `params` is its private delivery data. */
export interface Destination {
  id: string;
  kind: DestinationKind;
  label: string;
  status: DestinationStatus;
  /** The URL or the address; a webhook's signing secret is shown once, when it is added. */
  params: Record<string, string>;
  failures: number;
  lastError: string | null;
  createdAt: Date;
  verifiedAt: Date | null;
}

/** AddedDestination is a destination just added; a webhook's `secret` is shown this once. */
export type AddedDestination = Destination & { secret?: string };

/** NewDestination is what an operator adds. */
export interface NewDestination {
  kind: string;
  params: Record<string, unknown>;
  label?: string;
}

/** Where a verification code goes: the destination itself, or the log of one of the operator's nodes. */
export type CodeRoute = { via: 'destination' } | { via: 'node-log'; nodeId: string };

/** DestinationsDeps are what destinations are kept and reached with. */
export interface DestinationsDeps {
  config: DestinationsConfig;
  store: DestinationStore;
  /** Where codes are counted against their budgets (`destinations.codes`), across processes: the limits' store. */
  status: CodeBudgets;
  /** Null when no `encryptionKey` is configured: then no kind is offered either (config checks). */
  sealer: Sealer | null;
  /** The satellite's own instances: `email` sends to addresses, `log` into nodes' logs. */
  channels: Pick<ChannelSet, 'get'>;
  overlay: Pick<OverlayDB, 'get'>;
  content: {
    readonly catalog: Catalog;
    readerOf(prefs: { language: string; timezone: string } | null): Reader;
    destinationEmail(
      c: DestinationText,
      recipient: string,
      reader: Reader,
    ): { template: string; data: Record<string, unknown> };
  };
  preferences: { readerFor(operator: string): Promise<{ language: string; timezone: string }> };
  satellite: { id: string; name: string };
  /** A destination's limits per node: those of the operator's email. */
  limits: Limit;
  clock: () => Date;
  logger?: Logger;
  /** Resolves operators' host names (tests give their own); node:dns by default. */
  resolver?: Resolver;
}

/** Destinations manages operators' own destinations. */
export class Destinations {
  readonly #d: DestinationsDeps;
  readonly #logger: Logger;
  /** Every active destination's id by operator, as last read (activeIds). */
  #active: { at: number; byOperator: Map<string, string[]> } | null = null;
  readonly #instances = new Map<string, ChannelInstance>();

  constructor(deps: DestinationsDeps) {
    this.#d = deps;
    this.#logger = deps.logger ?? silentLogger;
  }

  #sealer(): Sealer {
    if (!this.#d.sealer)
      throw new InvalidConfigError([{ path: 'destinations.encryptionKey', message: 'is needed to keep destinations' }]);
    return this.#d.sealer;
  }

  /** kinds are the kinds operators may add here. */
  get kinds(): readonly DestinationKind[] {
    return this.#d.config.kinds;
  }

  /** add adds an unverified destination; a webhook's signing secret is in the answer, this once. */
  async add(operator: string, input: NewDestination): Promise<AddedDestination> {
    const owner = operatorOf(operator);
    if (typeof input !== 'object' || input === null) throw new InvalidInputError('destination', 'must be an object');
    const kind = this.#kindOf(input.kind);
    const label = labelOf(input.label, kind);
    const params = this.#paramsOf(kind, input.params);
    const secret = kind === 'webhook' ? `whsec_${randomBytes(32).toString('base64')}` : undefined;
    const now = this.#d.clock();
    const row: DestinationRow = {
      id: `d${randomBytes(12).toString('hex')}`,
      operator: owner,
      kind,
      label,
      sealed: this.#sealer().seal(JSON.stringify({ ...params, ...(secret && { secret }) })),
      status: 'unverified',
      codeMac: null,
      codeExpiresAt: null,
      codeAttempts: 0,
      failures: 0,
      lastError: null,
      createdAt: now,
      verifiedAt: null,
    };
    if (!(await this.#d.store.insert(row, this.#d.config.maxPerOperator)))
      throw new InvalidInputError('operator', `has ${this.#d.config.maxPerOperator} destinations already`);
    this.#logger.info({ destination: row.id, kind }, 'destination added');
    const added = this.#view(row, params);
    return secret ? privately({ ...added, secret }) : added;
  }

  /** list is the operator's destinations, with their delivery data (for their own page only). */
  async list(operator: string): Promise<Destination[]> {
    const rows = await this.#d.store.list(operatorOf(operator));
    return rows.map((r) => this.#readable(r));
  }

  /** #readable is a destination as listed; one whose data no configured key opens shows none, and says why. */
  #readable(r: DestinationRow): Destination {
    try {
      return this.#view(r, this.#paramsIn(r));
    } catch (err) {
      return this.#view({ ...r, lastError: `its delivery data cannot be opened: ${(err as Error).message}` }, {});
    }
  }

  /** get is one destination of the operator's, or null. */
  async get(operator: string, id: string): Promise<Destination | null> {
    const r = await this.#d.store.get(operatorOf(operator), id);
    return r ? this.#readable(r) : null;
  }

  /**
   * sendCode sends a new verification code (the last one stops counting) to the destination, or
   * into the log of one of the operator's nodes; resolves with when it expires. Codes are limited
   * per destination (one a minute), and per operator and per address or host (`destinations.codes`,
   * counted across processes and across removing and adding again): a code is a message to someone.
   */
  async sendCode(
    operator: string,
    id: string,
    route: CodeRoute = { via: 'destination' },
  ): Promise<{ expiresAt: Date }> {
    const row = await this.#row(operator, id);
    if (row.status === 'active') throw new InvalidInputError('id', 'is verified already');
    const via = route ?? { via: 'destination' };
    const node = via.via === 'node-log' ? await this.#nodeOf(row.operator, via.nodeId) : null;
    const now = this.#d.clock();
    const { codeTtlMs } = this.#d.config;
    // A code made less than CODE_INTERVAL_MS ago expires after this: checked here, before any budget
    // is spent, and again by the store as it replaces the code, so two at once cannot both pass.
    const lastExpiryBy = new Date(now.getTime() - CODE_INTERVAL_MS + codeTtlMs);
    const tooSoon = (): InvalidInputError =>
      new InvalidInputError('id', 'was sent a code less than a minute ago; wait before asking for another');
    if (row.codeExpiresAt !== null && row.codeExpiresAt > lastExpiryBy) throw tooSoon();
    const params = this.#paramsIn(row);
    await this.#spendCode(
      row.operator,
      node ? `node:${node.id}` : (params['url'] ?? params['address'] ?? `irc:${params['nick'] ?? row.id}`),
      now,
    );
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + codeTtlMs);
    // The code counts from before it leaves: a code that arrived is one that can be entered.
    const started = await this.#d.store.startCode(row.operator, row.id, {
      mac: this.#sealer().mac(code),
      expiresAt,
      lastExpiryBy,
    });
    if (!started) throw tooSoon();
    const reader = await this.#readerOf(row.operator);
    const words = codeText(this.#d.content.catalog, reader, {
      satellite: this.#d.satellite.name,
      operator: row.operator,
      label: row.label,
      code,
      expiresAt,
    });
    if (node) await this.#d.channels.get('log').sender.send(this.#notification('destination-code', words, node, now));
    else await this.#deliver(row, words, reader, 'destination-code', now);
    this.#logger.info({ destination: row.id, via: via.via }, 'destination code sent');
    return { expiresAt };
  }

  /** #spendCode counts a code against the operator's and the target's budgets, or refuses it. */
  async #spendCode(operator: string, target: string, now: Date): Promise<void> {
    const limits = { ...this.#d.config.codes, timezone: 'UTC' };
    const hash = (v: string): string => createHash('sha256').update(v).digest('hex').slice(0, 32);
    for (const subject of [`codes:${hash(operator)}`, `codes-to:${hash(target.toLowerCase())}`]) {
      const r = await this.#d.status.reserve({ subject, channel: 'destination-code' }, now, limits);
      if (!r.granted)
        throw new InvalidInputError(
          'id',
          `has been sent too many codes (${r.reason}); try again${r.retryAt ? ` after ${r.retryAt.toISOString()}` : ' later'}`,
        );
    }
  }

  /** verify checks a code; the right one makes the destination active. Wrong, late or exhausted: InvalidInputError. */
  async verify(operator: string, id: string, code: string): Promise<Destination> {
    const row = await this.#row(operator, id);
    if (row.status === 'active') return this.#view(row, this.#paramsIn(row));
    const now = this.#d.clock();
    const max = this.#d.config.codeAttempts;
    // The try is counted before the code is compared: concurrent guesses each spend one.
    const mac = await this.#d.store.tryCode(row.operator, row.id, now, max);
    if (!mac) {
      if (!row.codeMac || !row.codeExpiresAt)
        throw new InvalidInputError('code', 'none was sent; ask for a code first');
      if (row.codeExpiresAt <= now) throw new InvalidInputError('code', 'has expired; ask for a new one');
      throw new InvalidInputError('code', 'was entered wrong too often; ask for a new one');
    }
    const given = typeof code === 'string' || typeof code === 'number' ? String(code).replace(/\s+/g, '') : '';
    if (!this.#sealer().macMatches(given, mac)) {
      const left = max - row.codeAttempts - 1;
      throw new InvalidInputError(
        'code',
        left > 0
          ? `does not match (at most ${left} ${left === 1 ? 'try' : 'tries'} left)`
          : 'does not match; ask for a new one',
      );
    }
    // Only the code it was: one replaced meanwhile by a new code is not confirmed by the old one.
    if (!(await this.#d.store.activate(row.operator, row.id, mac, now)))
      throw new InvalidInputError('code', 'was replaced by a newer one; enter that one');
    this.#active = null;
    this.#logger.info({ destination: row.id }, 'destination verified');
    return this.#view({ ...row, status: 'active', verifiedAt: now, failures: 0, lastError: null }, this.#paramsIn(row));
  }

  /** test sends a test message to an active destination; a failure is a DeliveryError, and counts toward pausing it. */
  async test(operator: string, id: string): Promise<void> {
    const row = await this.#row(operator, id);
    if (row.status !== 'active')
      throw new InvalidInputError('id', `is ${row.status}: only an active destination is sent anything but its code`);
    const reader = await this.#readerOf(row.operator);
    const words = testText(this.#d.content.catalog, reader, {
      satellite: this.#d.satellite.name,
      operator: row.operator,
    });
    await this.#deliver(row, words, reader, 'destination-test', this.#d.clock());
  }

  /** pause stops sending to a destination until it is resumed. */
  async pause(operator: string, id: string): Promise<void> {
    const row = await this.#row(operator, id);
    if (row.status === 'active') await this.#d.store.update(row.operator, row.id, { status: 'paused' });
    this.#active = null;
  }

  /** resume sends to a paused destination again; one never verified needs its code first. */
  async resume(operator: string, id: string): Promise<void> {
    const row = await this.#row(operator, id);
    if (row.status !== 'paused') return;
    if (!row.verifiedAt) throw new InvalidInputError('id', 'was never verified: send it a code');
    await this.#d.store.update(row.operator, row.id, { status: 'active', failures: 0, lastError: null });
    this.#active = null;
  }

  /** remove deletes a destination; says whether there was one. */
  async remove(operator: string, id: string): Promise<boolean> {
    this.#active = null;
    return this.#d.store.remove(operatorOf(operator), id);
  }

  /** eraseOperator removes every destination of the operator (their data is being erased). */
  eraseOperator(operator: string): Promise<number> {
    this.#active = null;
    return this.#d.store.eraseOperator(operatorOf(operator));
  }

  /** reseal seals every destination of the operator's again with the first key, where an older one sealed it. */
  async reseal(operator: string): Promise<number> {
    let n = 0;
    for (const r of await this.#d.store.list(operatorOf(operator)))
      if (this.#sealer().needsReseal(r.sealed)) {
        await this.#d.store.update(r.operator, r.id, { sealed: this.#sealer().seal(this.#sealer().open(r.sealed)) });
        n++;
      }
    return n;
  }

  /** #deliver sends one message to the destination by its kind, and keeps its health. */
  async #deliver(row: DestinationRow, words: DestinationText, reader: Reader, kind: string, now: Date): Promise<void> {
    await this.#send(
      row,
      row.kind === 'email'
        ? this.#emailOf(kind, words, this.#paramsIn(row)['address'] as string, reader, now)
        : this.#notification(kind, words, null, now),
    );
  }

  /**
   * deliverTo sends a notification to the active destination `id` names (the dispatcher, through
   * instanceFor's sender). One paused or removed since its copy was recorded gets nothing: a
   * permanent failure, with the reason. The database failing meanwhile is a transient one.
   */
  async deliverTo(id: string, n: Notification): Promise<void> {
    const channel = `destination ${id}`;
    const fail = (why: string): DeliveryError => new DeliveryError({ channel, permanent: true }, why);
    let row: DestinationRow | null;
    try {
      row = await this.#d.store.byId(id);
    } catch (err) {
      throw new DeliveryError({ channel, permanent: false }, 'could not read the destination', { cause: err });
    }
    if (!row) throw fail('its operator removed the destination');
    if (row.status !== 'active') throw fail(`the destination is ${row.status}`);
    if (!this.#d.config.kinds.includes(row.kind)) throw fail(`the satellite no longer offers ${row.kind} destinations`);
    if (row.kind === 'email') {
      if (!n.email) throw fail('the notification has no email to send');
      // The operator's email, to their other address.
      n = { ...n, email: { ...n.email, to: this.#open(row)['address'] as string } };
    }
    await this.#send(row, n);
  }

  /**
   * #send sends by the destination's kind, and keeps its health (best effort: the send's outcome
   * stands whatever the bookkeeping does). An email's failure leaves with a message of its own:
   * a mail server's reply quotes the address, which is the operator's private delivery data.
   */
  async #send(row: DestinationRow, n: Notification): Promise<void> {
    try {
      if (row.kind === 'email') await this.#d.channels.get('email').sender.send(n);
      else if (row.kind === 'irc') await this.#irc(this.#open(row), n);
      else await this.#webhook(row, this.#open(row), n);
    } catch (err) {
      await this.#failed(row, err).catch((e: unknown) =>
        this.#logger.error({ destination: row.id, err: String(e) }, 'could not record a destination failure'),
      );
      if (row.kind === 'email' && err instanceof DeliveryError)
        throw new DeliveryError(
          {
            channel: `destination ${row.id}`,
            permanent: err.permanent,
            ambiguous: err.ambiguous,
            ...(err.responseCode !== undefined && { responseCode: err.responseCode }),
            ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }),
          },
          err.permanent ? 'the mail server refused the address' : 'the mail server did not take the message',
        );
      throw err;
    }
    if (row.failures > 0)
      await this.#d.store
        .update(row.operator, row.id, { failures: 0, lastError: null })
        .catch((e: unknown) => this.#logger.error({ destination: row.id, err: String(e) }, 'could not reset failures'));
  }

  /**
   * activeIds are the operator's active destinations, from a view of all of them refreshed every
   * ACTIVE_TTL_MS (and at once on this process's own changes): recording a hook's copies costs no
   * query, and a destination verified in another process gets its copies within that time.
   */
  async activeIds(operator: string | null): Promise<readonly string[]> {
    if (!operator || this.#d.config.kinds.length === 0) return [];
    const now = Date.now();
    if (!this.#active || now - this.#active.at > ACTIVE_TTL_MS) {
      const byOperator = new Map<string, string[]>();
      for (const r of await this.#d.store.active())
        byOperator.set(r.operator, [...(byOperator.get(r.operator) ?? []), r.id]);
      this.#active = { at: now, byOperator };
    }
    return this.#active.byOperator.get(operator) ?? [];
  }

  /**
   * instanceFor is the channel instance of the destination `name` is the id of: limited per node
   * as the operator's email is, its sender the destination's kind. Made without a query; what it
   * is sent is checked against the destination when it is sent.
   */
  instanceFor(name: string): ChannelInstance | undefined {
    if (!DESTINATION_ID.test(name) || this.#d.config.kinds.length === 0) return undefined;
    let i = this.#instances.get(name);
    if (!i) {
      if (this.#instances.size >= MAX_INSTANCES) this.#instances.clear();
      i = {
        name,
        plugin: 'destination',
        audience: 'operator',
        limits: this.#d.limits,
        sender: { description: `destination ${name}`, send: (n) => this.deliverTo(name, n), close: async () => {} },
      };
      this.#instances.set(name, i);
    }
    return i;
  }

  /** ownsAll says whether every one of `names` is a destination of the operator's (filters may name them). */
  async ownsAll(operator: string, names: readonly string[]): Promise<boolean> {
    if (names.length === 0) return true;
    const ids = new Set((await this.#d.store.list(operatorOf(operator))).map((r) => r.id));
    return names.every((n) => ids.has(n));
  }

  /** #irc messages the operator's nick privately, over the satellite's irc instance's connection. */
  async #irc(params: Record<string, string>, n: Notification): Promise<void> {
    const sender = this.#d.channels.get(this.#d.config.irc.instance).sender;
    if (!sender.sendTo)
      throw new InvalidConfigError([{ path: 'destinations.irc.instance', message: 'is not an irc instance' }]);
    await sender.sendTo(params['nick'] as string, n);
  }

  /** #webhook POSTs a notification to the operator's own Standard Webhooks endpoint, signed with its secret. */
  async #webhook(row: DestinationRow, params: Record<string, string>, n: Notification): Promise<void> {
    const channel = `destination ${row.id}`;
    // Signed at the wall clock's time, as the webhook plugin does: receivers check it against theirs.
    const signedAt = new Date();
    const body = JSON.stringify(webhookBody(n, signedAt));
    const sign = webhookSigner(params['secret'] as string);
    const res = await safePost(
      params['url'] as string,
      {
        'content-type': 'application/json',
        'user-agent': 'satnotify',
        'webhook-id': n.id,
        ...sign(n.id, signedAt, body),
      },
      body,
      {
        channel,
        allowPrivate: this.#d.config.allowPrivate,
        timeoutMs: this.#d.config.timeoutMs,
        maxResponseBytes: this.#d.config.maxResponseBytes,
        ...(this.#d.resolver && { resolver: this.#d.resolver }),
      },
    );
    if (res.status >= 200 && res.status < 300) return;
    const fail = (permanent: boolean, why: string): DeliveryError =>
      new DeliveryError({ channel, permanent, command: 'POST', responseCode: res.status }, why);
    if (res.status === 408 || res.status === 429 || res.status >= 500) throw fail(false, `answered ${res.status}`);
    if (res.status >= 300 && res.status < 400)
      throw fail(true, `answered ${res.status}; redirects are not followed: give the final URL`);
    throw fail(true, `answered ${res.status}`);
  }

  /**
   * #failed counts a permanent failure that is the destination's own (a refused address, a URL
   * that is gone or unsafe; not the satellite's mail server refusing its login): enough in a row
   * pause it. The count is kept in the database, so concurrent failures all count.
   */
  async #failed(row: DestinationRow, err: unknown): Promise<void> {
    if (!(err instanceof DeliveryError) || !err.permanent) return;
    const code = err.responseCode;
    const theirs =
      row.kind === 'webhook' ||
      (row.kind === 'irc' && code === 401) ||
      (code !== undefined && code >= 550 && code <= 553) ||
      /recipient|mailbox|user unknown/i.test(err.message);
    if (!theirs) return;
    const after = await this.#d.store.countFailure(row.operator, row.id, err.message, this.#d.config.pauseAfter);
    if (after?.status === 'paused' && row.status === 'active') {
      this.#active = null;
      this.#logger.warn(
        { destination: row.id, failures: after.failures },
        'destination paused after permanent failures',
      );
      await this.#tellPaused(row, after.failures, err);
    }
  }

  /**
   * #tellPaused tells the operator at their own address (the nodes' email) that a destination was
   * paused: they would otherwise learn it only from the silence there. Best effort, and logged.
   */
  async #tellPaused(row: DestinationRow, failures: number, err: DeliveryError): Promise<void> {
    const reader = await this.#readerOf(row.operator);
    const words = pausedText(this.#d.content.catalog, reader, {
      satellite: this.#d.satellite.name,
      operator: row.operator,
      label: row.label,
      failures,
      reason: row.kind === 'email' ? 'the mail server refused the address' : err.message.replace(/^.*?: /, ''),
    });
    await this.#d.channels
      .get('email')
      .sender.send(this.#emailOf('destination-paused', words, row.operator, reader, this.#d.clock()))
      .catch((e: unknown) =>
        this.#logger.error(
          { destination: row.id, err: String(e) },
          'could not tell the operator a destination was paused',
        ),
      );
  }

  /** #open is a destination's delivery data; one that cannot be opened (a key no longer configured) fails for good. */
  #open(row: DestinationRow): Record<string, string> {
    try {
      return this.#paramsIn(row);
    } catch (err) {
      throw new DeliveryError(
        { channel: `destination ${row.id}`, permanent: true },
        `its delivery data cannot be opened: ${(err as Error).message}`,
      );
    }
  }

  /** #emailOf is a message of the destinations' own (a code, a test, a pause) as an email to `to`. */
  #emailOf(kind: string, words: DestinationText, to: string, reader: Reader, now: Date): Notification {
    return {
      ...this.#notification(kind, words, null, now),
      email: { to, ...this.#d.content.destinationEmail(words, to, reader) },
    };
  }

  #notification(
    kind: string,
    words: DestinationText,
    node: { id: string; address: string } | null,
    now: Date,
  ): Notification {
    return {
      id: randomUUID(),
      channel: node ? 'log' : 'destination',
      kind,
      level: 'info',
      title: words.heading,
      text: words.line,
      node,
      facts: {},
      actions: [],
      satellite: this.#d.satellite,
      occurredAt: now,
      createdAt: now,
      sentAt: now,
    };
  }

  /** #nodeOf is a node of the operator's, as the node log dials it; another's node is refused. */
  async #nodeOf(operator: string, nodeId: string): Promise<{ id: string; address: string }> {
    const id = NodeId.parse(nodeId);
    // An unknown node is refused as another's would be: whether it exists is not the caller's to learn.
    const node = await this.#d.overlay.get(id).catch((err: unknown) => {
      if (err instanceof UnknownNodeError) return null;
      throw err;
    });
    if (!node || node.email?.toLowerCase() !== operator)
      throw new InvalidInputError('nodeId', "is not a node of this operator's");
    return { id: id.toString(), address: node.address };
  }

  async #row(operator: string, id: string): Promise<DestinationRow> {
    const row = typeof id === 'string' ? await this.#d.store.get(operatorOf(operator), id) : null;
    if (!row) throw new InvalidInputError('id', "names no destination of this operator's");
    return row;
  }

  /** readerOf is how the operator reads: their language and zone. */
  readerOf(operator: string): Promise<Reader> {
    return this.#readerOf(operatorOf(operator));
  }

  async #readerOf(operator: string): Promise<Reader> {
    return this.#d.content.readerOf(await this.#d.preferences.readerFor(operator).catch(() => null));
  }

  #kindOf(kind: unknown): DestinationKind {
    if (!DESTINATION_KINDS.includes(kind as DestinationKind) || !this.#d.config.kinds.includes(kind as DestinationKind))
      throw new InvalidInputError(
        'kind',
        `must be one of the kinds this satellite offers: ${this.#d.config.kinds.join(', ') || 'none'}`,
      );
    return kind as DestinationKind;
  }

  /** #paramsOf checks a new destination's delivery data: a URL that can never be safe is refused now. */
  #paramsOf(kind: DestinationKind, params: Record<string, unknown>): Record<string, string> {
    if (typeof params !== 'object' || params === null) throw new InvalidInputError('params', 'must be an object');
    if (kind === 'email') return { address: assertEmailAddress(params['address'], 'params.address').toLowerCase() };
    if (kind === 'irc') {
      const nick = params['nick'];
      if (typeof nick !== 'string' || !NICK.test(nick))
        throw new InvalidInputError(
          'params.nick',
          'must be an IRC nickname (a letter or one of []\\`_^{|}, then up to 29 of those, digits or -)',
        );
      return { nick };
    }
    const url = params['url'];
    if (typeof url !== 'string' || !URL.canParse(url) || url.length > 2048)
      throw new InvalidInputError('params.url', 'must be a URL of at most 2048 characters');
    const parsed = new URL(url);
    if (parsed.username || parsed.password)
      throw new InvalidInputError('params.url', 'must not hold a user or password');
    try {
      checkUrl(parsed, { channel: 'destination', allowPrivate: this.#d.config.allowPrivate });
    } catch (err) {
      throw new InvalidInputError('params.url', (err as Error).message.replace(/^.*?refused: /, ''));
    }
    return { url: parsed.href };
  }

  #paramsIn(row: DestinationRow): Record<string, string> {
    return JSON.parse(this.#sealer().open(row.sealed)) as Record<string, string>;
  }

  #view(r: DestinationRow, params: Record<string, string>): Destination {
    const { secret: _secret, ...shown } = params;
    return privately({
      id: r.id,
      kind: r.kind,
      label: r.label,
      status: r.status,
      params: shown,
      failures: r.failures,
      lastError: r.lastError,
      createdAt: r.createdAt,
      verifiedAt: r.verifiedAt,
    });
  }
}

/** operatorOf is an operator's address as destinations are kept under it. */
function operatorOf(operator: string): string {
  return assertEmailAddress(operator, 'operator').toLowerCase();
}

function labelOf(label: unknown, kind: DestinationKind): string {
  if (label === undefined || label === '') return kind;
  if (typeof label !== 'string' || label.length > MAX_LABEL || /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(label))
    throw new InvalidInputError('label', `must be one line of at most ${MAX_LABEL} characters`);
  return label;
}

/**
 * privately makes a destination print without its delivery data and secret: util.inspect and
 * JSON.stringify (a logger, an error report) see `[private]`; code reading the fields sees them.
 */
function privately<T extends Destination>(d: T): T {
  const shown = (): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...(d as Destination), params: '[private]' };
    if ('secret' in copy) copy['secret'] = '[private]';
    return copy;
  };
  Object.defineProperties(d, {
    [inspect.custom]: {
      value: (_depth: number, options: object) => inspect(shown(), { ...options, customInspect: false }),
    },
    toJSON: { value: shown },
  });
  return d;
}
