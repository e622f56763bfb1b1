/**
 * @module destinations/destinations
 * Destinations operators add of their own (`svc.destinations`): add, send a code, verify, test,
 * pause, resume, remove. A destination receives nothing but its code until its operator enters
 * that code: sent to the destination itself (it proves the destination is theirs, so the satellite
 * cannot be used to message strangers), or into the log of one of their nodes (it proves they run
 * the node). Codes are kept only as MACs, expire, and allow a few wrong tries; nothing of a code
 * appears in an error or a log. Delivery data is sealed at rest and shown to its operator alone.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { ChannelInstance, ChannelSet } from '../channels/instances.js';
import type { Limit } from '../config-schema.js';
import type { Notification } from '../channels/plugin.js';
import { webhookSigner } from '../channels/webhook/signature.js';
import { webhookBody } from '../channels/webhook/plugin.js';
import { DeliveryError, InvalidConfigError, InvalidInputError } from '../errors.js';
import type { Catalog } from '../i18n/catalog.js';
import { silentLogger, type Logger } from '../logger.js';
import { assertEmailAddress } from '../mailservice/input.js';
import type { Reader } from '../i18n/locale.js';
import type { OverlayDB } from '../overlay/db.js';
import { NodeId } from '../overlay/node-id.js';
import { DESTINATION_ID, DESTINATION_KINDS, type DestinationKind, type DestinationsConfig } from './config.js';
import { checkUrl, safePost, type Resolver } from './safe-request.js';
import type { Sealer } from './sealed.js';
import type { DestinationRow, DestinationStatus, DestinationStore } from './store.js';
import { codeText, testText, type DestinationText } from './words.js';

/** How long the view of active destinations is used before it is read again. */
const ACTIVE_TTL_MS = 30_000;
/** Destinations' instances kept made at once. */
const MAX_INSTANCES = 10_000;
/** The least time between two codes sent to one destination: a code is a message to someone. */
const CODE_INTERVAL_MS = 60_000;
/** The longest label an operator may give a destination. */
const MAX_LABEL = 80;

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
    return rows.map((r) => this.#view(r, this.#paramsIn(r)));
  }

  /** get is one destination of the operator's, or null. */
  async get(operator: string, id: string): Promise<Destination | null> {
    const r = await this.#d.store.get(operatorOf(operator), id);
    return r ? this.#view(r, this.#paramsIn(r)) : null;
  }

  /**
   * sendCode sends a new verification code (the last one stops counting) to the destination, or
   * into the log of one of the operator's nodes; resolves with when it expires.
   */
  async sendCode(
    operator: string,
    id: string,
    route: CodeRoute = { via: 'destination' },
  ): Promise<{ expiresAt: Date }> {
    const row = await this.#row(operator, id);
    if (row.status === 'active') throw new InvalidInputError('id', 'is verified already');
    const now = this.#d.clock();
    if (row.codeExpiresAt && row.codeExpiresAt.getTime() - this.#d.config.codeTtlMs + CODE_INTERVAL_MS > now.getTime())
      throw new InvalidInputError('id', 'was sent a code less than a minute ago; wait before asking for another');
    const node = route.via === 'node-log' ? await this.#nodeOf(row.operator, route.nodeId) : null;
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + this.#d.config.codeTtlMs);
    // The code counts from before it leaves: a code that arrived is one that can be entered.
    await this.#d.store.update(row.operator, row.id, {
      codeMac: this.#sealer().mac(code),
      codeExpiresAt: expiresAt,
      codeAttempts: 0,
    });
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
    this.#logger.info({ destination: row.id, via: route.via }, 'destination code sent');
    return { expiresAt };
  }

  /** verify checks a code; the right one makes the destination active. Wrong, late or exhausted: InvalidInputError. */
  async verify(operator: string, id: string, code: string): Promise<Destination> {
    const row = await this.#row(operator, id);
    if (row.status === 'active') return this.#view(row, this.#paramsIn(row));
    const now = this.#d.clock();
    if (!row.codeMac || !row.codeExpiresAt) throw new InvalidInputError('code', 'none was sent; ask for a code first');
    if (row.codeExpiresAt <= now) throw new InvalidInputError('code', 'has expired; ask for a new one');
    if (row.codeAttempts >= this.#d.config.codeAttempts)
      throw new InvalidInputError('code', 'was entered wrong too often; ask for a new one');
    const given = typeof code === 'string' ? code.replace(/\s+/g, '') : '';
    if (!this.#sealer().macMatches(given, row.codeMac)) {
      // Counted only if no other try counted meanwhile: two at once cannot both be the last.
      const counted = await this.#d.store.update(
        row.operator,
        row.id,
        { codeAttempts: row.codeAttempts + 1 },
        { codeAttempts: row.codeAttempts },
      );
      const left = this.#d.config.codeAttempts - row.codeAttempts - 1;
      throw new InvalidInputError(
        'code',
        counted && left > 0
          ? `does not match (${left} ${left === 1 ? 'try' : 'tries'} left)`
          : 'does not match; ask for a new one',
      );
    }
    const changed = await this.#d.store.update(
      row.operator,
      row.id,
      {
        status: 'active',
        verifiedAt: now,
        codeMac: null,
        codeExpiresAt: null,
        codeAttempts: 0,
        failures: 0,
        lastError: null,
      },
      { codeAttempts: row.codeAttempts },
    );
    if (!changed) throw new InvalidInputError('code', 'was being checked twice at once; try again');
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
    const n = this.#notification(kind, words, null, now);
    if (row.kind === 'email') {
      const to = this.#paramsIn(row)['address'] as string;
      n.email = { to, ...this.#d.content.destinationEmail(words, to, reader) };
    }
    await this.#send(row, n);
  }

  /**
   * deliverTo sends a notification to the active destination `id` names (the dispatcher, through
   * instanceFor's sender). One paused or removed since its copy was recorded gets nothing: a
   * permanent failure, with the reason.
   */
  async deliverTo(id: string, n: Notification): Promise<void> {
    const row = await this.#d.store.byId(id);
    const fail = (why: string): DeliveryError =>
      new DeliveryError({ channel: `destination ${id}`, permanent: true }, why);
    if (!row) throw fail('its operator removed the destination');
    if (row.status !== 'active') throw fail(`the destination is ${row.status}`);
    if (row.kind === 'email') {
      if (!n.email) throw fail('the notification has no email to send');
      // The operator's email, to their other address.
      n = { ...n, email: { ...n.email, to: this.#paramsIn(row)['address'] as string } };
    }
    await this.#send(row, n);
  }

  /** #send sends by the destination's kind, and keeps its health. */
  async #send(row: DestinationRow, n: Notification): Promise<void> {
    try {
      if (row.kind === 'email') await this.#d.channels.get('email').sender.send(n);
      else await this.#webhook(row, this.#paramsIn(row), n);
    } catch (err) {
      await this.#failed(row, err);
      throw err;
    }
    if (row.failures > 0) await this.#d.store.update(row.operator, row.id, { failures: 0, lastError: null });
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

  /** #failed counts a permanent failure; enough in a row pause the destination. */
  async #failed(row: DestinationRow, err: unknown): Promise<void> {
    if (!(err instanceof DeliveryError) || !err.permanent) return;
    const failures = row.failures + 1;
    const pause = row.status === 'active' && failures >= this.#d.config.pauseAfter;
    await this.#d.store.update(row.operator, row.id, {
      failures,
      lastError: err.message,
      ...(pause && { status: 'paused' as const }),
    });
    if (pause) {
      this.#active = null;
      this.#logger.warn({ destination: row.id, failures }, 'destination paused after permanent failures');
    }
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
    const node = await this.#d.overlay.get(id);
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
