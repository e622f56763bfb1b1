/**
 * @module notification/service
 * NotificationService: what a satellite calls. It looks nodes up, validates and records
 * notifications in the durable outbox, and lets the dispatcher decide and deliver. It owns no SQL,
 * SMTP or gRPC; those live behind the interfaces it is given.
 */
import type { Destinations } from '../destinations/destinations.js';
import type { ResolvedConfig } from '../config.js';
import { silentLogger, type Logger } from '../logger.js';
import type { ChannelSet } from '../channels/instances.js';
import type { OperatorPreferences } from '../preferences/operator-preferences.js';
import type { Links } from '../links/links.js';
import type { OverlayCache } from '../overlay/cache.js';
import type { NodeFilter, NodeInfo } from '../overlay/db.js';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { InvalidConfigError, InvalidInputError, orDatabaseError } from '../errors.js';
import { NodeId } from '../overlay/node-id.js';
import { parseInput } from '../input/parse.js';
import { operatorKey } from '../preferences/preferences.js';
import type { Content } from './content/content.js';
import type { Catalog } from '../i18n/catalog.js';
import { LOG_INPUT, type EmailMessage, type LogInput } from './content/inputs.js';
import type { NewItem, Outbox, OutboxItem } from './outbox/outbox.js';
import type { StatusStore } from './limits/store.js';
import type { NodeStateStore } from './hooks/node-state.js';
import type { Dispatcher } from './dispatch/loop.js';
import {
  auditEvent,
  containmentEvent,
  disqualifiedEvent,
  suspensionEvent,
  uptimeEvent,
  scoresEvents,
  type ScoresSignal,
  type ScoreRules,
  versionEvent,
  type AuditSignal,
  type ContainmentSignal,
  type DisqualifiedSignal,
  type HookEvent,
  type SuspensionSignal,
  type UptimeSignal,
  type UptimeRules,
  type VersionSignal,
  SIGNALS,
} from './hooks/events.js';
import type { Metrics } from './metrics.js';
import { toChannelStatus, type ChannelStatuses } from './limits/channel-status.js';
import { runHook, type HookDeps, type HookResult } from './hooks/run.js';
import { snoozeNode, type SnoozeOptions } from './hooks/snooze.js';
import { reminderRule } from './hooks/config.js';
import { announcementOf, recordBroadcast, type Announcement, type BroadcastResult } from './broadcast.js';
import { deliveryOf, firstAttempt, type Delivery } from './delivery.js';
import { feedPage, type FeedPage, type FeedRequest } from './feed-page.js';
import type { PruneReport, Retention } from './retention/retention.js';
import type { FleetMail } from './fleet/mail-room.js';
import { Usage, type UsageReport } from './usage/usage.js';
import { newsText, type NewsItem, type NewsText } from './news/news.js';
import type { NewsStore } from './news/store.js';
import type { UsageDay, UsageSignal } from './usage/signal.js';
import type { UsageStore } from './usage/store.js';
import { readHistory, type History, type HistoryOptions, type HistorySubject } from './history.js';
import { Operators } from './operators.js';
import type { Reports, ReportsRun } from './reports/reports.js';
import type { ReportStore } from './reports/store.js';
import type { StormGuard } from './guard/guard.js';
import { guardControl, type GuardControl } from './guard/control.js';

export type { BroadcastResult, Delivery, HookResult };
export type { GuardState } from './guard/guard.js';
export type { GuardEnd } from './guard/store.js';
export type { GuardControl } from './guard/control.js';

export type { Announcement } from './broadcast.js';
export type { ChannelStatus, ChannelStatuses } from './limits/channel-status.js';

/**
 * storedIn is a part that lives on the service's own database, or an InvalidConfigError saying
 * `what` is kept there when every store was given ready-made.
 */
function storedIn<T>(part: T | null | undefined, what: string): T {
  if (part) return part;
  throw new InvalidConfigError([
    { path: 'database', message: `${what} is kept in the database, and this service was given every store ready-made` },
  ]);
}

/** BROADCAST_OPTIONS are a broadcast's options: `public` also lists it on the public news feed. */
const BROADCAST_OPTIONS = z.strictObject({ public: z.boolean().optional() });

/** NotificationServiceParts are the service's collaborators; createNotificationService wires them. */
export interface NotificationServiceParts {
  config: ResolvedConfig;
  overlay: OverlayCache;
  outbox: Outbox;
  /** Each node's recorded state, written with the notifications its changes are news of. */
  nodeState: NodeStateStore;
  status: StatusStore;
  channels: ChannelSet;
  content: Content;
  preferences: OperatorPreferences;
  /** The operators' links (unsubscribe, page, feeds); null when `web` is not set up. */
  links: Links | null;
  dispatcher: Dispatcher;
  /** The retention chore (started with the dispatcher). */
  retention: Retention;
  metrics: Metrics;
  clock: () => Date;
  logger?: Logger;
  /** The storm guard; null when every store was given ready-made (it lives on the service's own database). */
  guard?: StormGuard | null;
  /** The public news (`broadcast(…, { public: true })`); null when every store was given ready-made. */
  news?: NewsStore | null;
  /** Each node's usage per day (`onUsage`); null when every store was given ready-made. */
  usage?: UsageStore | null;
  /** The reports' schedule (`reports`); null when every store was given ready-made. */
  reports?: Reports | null;
  /** The latest scores and the reported periods; null when every store was given ready-made. */
  reportStore?: ReportStore | null;
  /** The fleet's mail (`grouping.fleet`), when the satellite is in a fleet. */
  fleet?: FleetMail | null;
  /** The destinations operators add of their own; null when every store was given ready-made. */
  destinations?: Destinations | null;
  /** Runs after everything else on close (the database pool). */
  onClose?: () => Promise<void>;
}

/** NotificationService informs node operators by email, node log and plugin channels, within limits, losing nothing. */
export class NotificationService {
  readonly overlay: OverlayCache;
  /** The operators' own choices: `get(address)`, `update(address, change)`. */
  readonly preferences: OperatorPreferences;
  /** An operator's data rights: `export(address)`, `erase(address)`. */
  readonly operators: Operators;
  /** The storm guard: `hold(reason)`, `release()`, `state()`, `check()`. */
  readonly guard: GuardControl;
  /**
   * Operators' own destinations: `add`, `sendCode`, `verify`, `test`, `pause`, `resume`,
   * `remove`, `list`. Null when the service was given every store ready-made (they live on its database).
   */
  readonly destinations: Destinations | null;
  readonly #usage: Usage | null;
  readonly metrics: Metrics;
  readonly config: ResolvedConfig;
  readonly #p: NotificationServiceParts;
  readonly #logger: Logger;
  readonly #uptimeRules: UptimeRules;
  readonly #hooks: HookDeps;
  #closed = false;

  constructor(parts: NotificationServiceParts) {
    this.#p = parts;
    this.overlay = parts.overlay;
    this.#usage = parts.usage
      ? new Usage({
          store: parts.usage,
          overlay: parts.overlay,
          zone: parts.config.limits.timezone,
          clock: parts.clock,
        })
      : null;
    this.preferences = parts.preferences;
    this.operators = new Operators({
      ...parts,
      channels: parts.channels.names,
      fleet: parts.fleet ?? undefined,
      reportStore: parts.reportStore,
      destinations: parts.destinations,
    });
    this.destinations = parts.destinations ?? null;
    this.metrics = parts.metrics;
    this.config = parts.config;
    this.#logger = parts.logger ?? silentLogger;
    const h = parts.config.hooks;
    const { guard, ...hookParts } = parts;
    // The hooks look up operators' destinations only where the satellite offers any: no work per event otherwise.
    const offered = parts.config.destinations.kinds.length > 0 ? (parts.destinations ?? null) : null;
    this.#hooks = { ...hookParts, destinations: offered, ...(guard && { guard }) };
    this.guard = guardControl(guard ?? null, this.#logger);
    this.#uptimeRules = {
      offlineAfterMs: h.offlineAfterMs,
      flap: { changes: h.flapChanges, windowMs: h.flapWindowMs, stableMs: h.flapStableMs },
      remind: reminderRule(h, 'node-offline'),
    };
  }

  /**
   * informNodeEmail renders `template` for the node's operator, records it, and makes the first
   * delivery attempt. Unknown node, bad id, missing email, template or input errors throw before
   * anything is recorded or counted.
   */
  async informNodeEmail(nodeId: string | NodeId, message: EmailMessage): Promise<Delivery> {
    const id = NodeId.parse(nodeId);
    const { template, data } = this.#p.content.checkEmail(message);
    const node = await this.overlay.get(id);
    const now = this.#p.clock();
    return this.#firstAttempt(this.#p.content.email(node, template, data, now, now));
  }

  /** informNodeLog sends a message into the node's log, with the same limits, outbox and first attempt. */
  async informNodeLog(nodeId: string | NodeId, message: LogInput): Promise<Delivery> {
    const id = NodeId.parse(nodeId);
    const input = parseInput(LOG_INPUT, message, 'message');
    const node = await this.overlay.get(id);
    const now = this.#p.clock();
    return this.#firstAttempt(this.#p.content.log(node, input, now, now));
  }

  /** onUptimeCheck records an uptime check; the first failure and the recovery notify. */
  onUptimeCheck(nodeId: string | NodeId, signal: UptimeSignal): Promise<HookResult> {
    // The check's outcome is stored on the node, but its notification is built from the node as
    // looked up before, so an offline notice says when the node was last reached before this
    // failure, and the next one after a recovery.
    const event = (id: NodeId, s: UptimeSignal, at: Date): HookEvent => uptimeEvent(id, s, at, this.#uptimeRules);
    const after = (node: NodeInfo, s: UptimeSignal, at: Date): Promise<void> =>
      this.overlay.recordContact(node, s.ok, at);
    return runHook(this.#hooks, { name: 'uptime', schema: SIGNALS.uptime, event, after }, nodeId, signal);
  }

  /** snooze holds a node's news until `until`, or (`'back'`) until it is back online (hooks/snooze.ts); `null` ends a snooze. */
  async snooze(nodeId: string | NodeId, options: SnoozeOptions): Promise<{ until: Date | null; untilBack: boolean }> {
    const id = NodeId.parse(nodeId);
    const done = await snoozeNode(this.#p, id, options, this.config.hooks.snoozeMaxMs);
    this.#logger.info({ node: id.hex, ...done }, 'node snoozed');
    return { until: done.until, untilBack: done.untilBack };
  }

  /**
   * onScores records a reputation update (call it where the satellite updates a node's reputation):
   * a new node's first report (`vetted: false`) welcomes its operator, the end of vetting is told
   * once, and a score falling within its warning margin above its bar warns once (hooks/transitions.ts).
   */
  async onScores(nodeId: string | NodeId, signal: ScoresSignal): Promise<HookResult> {
    const id = NodeId.parse(nodeId);
    const s = parseInput(SIGNALS.scores, signal, 'signal');
    const r = this.config.reputation;
    const h = this.config.hooks;
    const rules: ScoreRules = {
      audit: { bar: r.auditDisqualificationBelow, margin: h.auditWarnMargin },
      'unknown-audit': { bar: r.unknownAuditSuspensionBelow, margin: h.suspensionWarnMargin },
      online: { bar: r.onlineSuspensionBelow, margin: h.onlineWarnMargin },
    };
    const results: HookResult[] = [];
    // One part after another: each is a transition of its own, and they all change the same node's state.
    await this.overlay.get(id); // an unknown node is refused before anything is kept
    const at = this.#p.clock();
    // The scores as reported, for the operator's report: kept before the news they may make.
    await orDatabaseError(
      this.#p.reportStore?.recordScores([
        { nodeHex: id.hex, audit: s.audit, unknownAudit: s.suspension, online: s.online, vetted: s.vetted, at },
      ]) ?? Promise.resolve(),
    );
    for (const e of scoresEvents(id, s, at, rules))
      results.push(await runHook(this.#hooks, { name: 'scores', schema: SIGNALS.scores, event: () => e }, id, s));
    return { notified: results.some((x) => x.notified), ids: results.flatMap((x) => x.ids) };
  }

  /** unsnooze ends a node's snooze: what it held leaves now (as `snooze(nodeId, { until: null })`). */
  async unsnooze(nodeId: string | NodeId): Promise<void> {
    await this.snooze(nodeId, { until: null });
  }

  /**
   * onUsage records what the satellite knows of a node's usage: the data it stores (and has free)
   * now, and the traffic since its last report. Kept per calendar day in `limits.timezone`: a day
   * holds its latest stored and free values and its summed traffic. Returns once it is durable.
   */
  async onUsage(nodeId: string | NodeId, usage: UsageSignal): Promise<void> {
    await storedIn(this.#usage, 'usage').record([{ ...usage, nodeId }], () => 'usage');
  }

  /** onUsages records many nodes' usage at once, in one statement: a bad report refuses them all, naming its index. */
  async onUsages(reports: readonly UsageReport[]): Promise<void> {
    await storedIn(this.#usage, 'usage').record(reports, (i) => `reports[${i}]`);
  }

  /** usage reads a node's kept days of usage since `since` (default: 31 days ago), oldest first. */
  usage(nodeId: string | NodeId, options: { since?: Date } = {}): Promise<UsageDay[]> {
    const since = options.since ?? new Date(this.#p.clock().getTime() - 31 * 24 * 3600_000);
    return storedIn(this.#usage, 'usage').days(nodeId, since);
  }

  /** onAuditResult records an audit; the first failure after passing notifies with score, threshold, distance. */
  onAuditResult(nodeId: string | NodeId, signal: AuditSignal): Promise<HookResult> {
    return runHook(this.#hooks, { name: 'audit', schema: SIGNALS.audit, event: auditEvent }, nodeId, signal);
  }

  /** onContainment records containment changes; entering and release notify once each. */
  onContainment(nodeId: string | NodeId, signal: ContainmentSignal): Promise<HookResult> {
    return runHook(
      this.#hooks,
      { name: 'containment', schema: SIGNALS.containment, event: containmentEvent },
      nodeId,
      signal,
    );
  }

  /** onDisqualified records a disqualification; it notifies once. */
  onDisqualified(nodeId: string | NodeId, signal: DisqualifiedSignal): Promise<HookResult> {
    return runHook(
      this.#hooks,
      { name: 'disqualified', schema: SIGNALS.disqualified, event: disqualifiedEvent },
      nodeId,
      signal,
    );
  }

  /** onVersionCheck reminds about outdated software at most once per `hooks.versionCooldown`. */
  onVersionCheck(nodeId: string | NodeId, signal: VersionSignal): Promise<HookResult> {
    const event = (id: NodeId, s: VersionSignal, at: Date): HookEvent =>
      versionEvent(id, s, at, this.config.hooks.versionCooldownMs);
    return runHook(this.#hooks, { name: 'version', schema: SIGNALS.version, event }, nodeId, signal);
  }

  /**
   * onSuspension records a suspension (`offline` or `unknown-audit`) or its lifting; each notifies
   * once. Call it on each reputation update: a suspension reported again is reminded (`hooks.reminders`).
   */
  onSuspension(nodeId: string | NodeId, signal: SuspensionSignal): Promise<HookResult> {
    const event = (id: NodeId, s: SuspensionSignal, at: Date): HookEvent =>
      suspensionEvent(id, s, at, reminderRule(this.config.hooks, `${s.reason}-suspended`));
    return runHook(this.#hooks, { name: 'suspension', schema: SIGNALS.suspension, event }, nodeId, signal);
  }

  /**
   * broadcast emails every node matching `filter`, streaming the overlay in pages. Sends are spread
   * at `broadcast.ratePerSecond` by their due times, and per-node limits apply as always.
   */
  async broadcast(
    filter: NodeFilter,
    message: EmailMessage,
    options: { public?: boolean } = {},
  ): Promise<BroadcastResult> {
    // The message is the same for every node: a bad one fails here, before anything is recorded.
    const { template, data } = this.#p.content.checkEmail(message);
    const isPublic = parseInput(BROADCAST_OPTIONS, options, 'options').public === true;
    // Only an announcement says the same to everyone: a caller's own template may carry what is not for the public.
    if (isPublic && template !== 'announcement')
      throw new InvalidInputError('options.public', 'only an announcement can be public');
    const news = isPublic ? storedIn(this.#p.news, 'the public news') : null;
    const parts = {
      select: (f: NodeFilter) => this.overlay.select(f),
      content: this.#p.content,
      outbox: this.#p.outbox,
      ratePerSecond: this.config.broadcast.ratePerSecond,
    };
    const at = this.#p.clock();
    const result = await orDatabaseError(recordBroadcast(parts, filter, template, data, at));
    if (news) await orDatabaseError(news.add({ id: randomUUID(), recordedAt: at, data }));
    this.#logger.info(
      { nodes: result.nodes, enqueued: result.enqueued, skipped: result.skipped.length },
      'broadcast recorded',
    );
    return result;
  }

  /**
   * delivery says what became of a notification, by an id a hook or call returned: sent (alone or
   * in a digest), held or retrying (with when it may leave), failed or suppressed (with the reason),
   * or queued while it waits for its first attempt. Null for an id the outbox does not hold.
   */
  async delivery(id: string): Promise<Delivery | null> {
    if (!(await orDatabaseError(this.#p.outbox.get(id)))) return null;
    return (
      (await orDatabaseError(deliveryOf(this.#p.outbox, id))) ?? {
        id,
        status: 'queued',
        reason: 'waiting for its first attempt',
      }
    );
  }

  /**
   * history is the support view: every notification kept for a node (`{ nodeId }`) or an operator
   * (`{ address }`), newest first, on every channel, with its status, reason, attempts and the
   * digest it went in; `since` and `limit` (default 100, at most 1000) bound it.
   */
  history(who: HistorySubject, options?: HistoryOptions): Promise<History> {
    const { content } = this.#p;
    return orDatabaseError(readHistory(this.#p.outbox, (r) => content.title(r, content.defaultReader), who, options));
  }

  /** links makes the operators' signed links; null until `web.baseUrl` and `web.secrets` are set. */
  get links(): Links | null {
    return this.#p.links;
  }

  /** feedUrl is the operator's private feed (RSS by default), with its authenticator. */
  feedUrl(operator: string, format: 'rss' | 'atom' | 'json' = 'rss'): Promise<string> {
    if (!this.#p.links)
      return Promise.reject(
        new InvalidConfigError([{ path: 'web', message: 'set web.baseUrl and web.secrets to give operators feeds' }]),
      );
    return Promise.resolve(this.#p.links.feed(operatorKey(operator), format));
  }

  /**
   * feed is one page of an operator's notifications, newest first, whatever became of them, worded
   * in their language and zone, and how to ask for the next page (feed-page.ts).
   */
  async feed(operator: string, request: Partial<FeedRequest> = {}): Promise<FeedPage> {
    const key = operatorKey(operator);
    const page = await orDatabaseError(
      feedPage(this.#p.outbox, key, { ...request, limit: Math.min(request.limit ?? 50, 200) }),
    );
    const reader = this.#p.content.readerOf(await orDatabaseError(this.#p.preferences.readerFor(key)));
    return { ...page, items: page.items.map((i) => ({ ...i, payload: this.#p.content.present(i, reader) })) };
  }

  /**
   * announcement is what a broadcast said, by the id of any copy of it: the same words for everyone
   * it reached, so its guid may show it without a login; in `language` when it was given in that
   * one, else in the default language. Null for an id that is not an announcement's.
   */
  /**
   * runReports records the reports whose periods have ended and are not recorded yet (the
   * operators' and the network's; reports/reports.ts). A running dispatcher does this every
   * `reports.every`; call it to make them now (a test's moved clock, a CLI).
   */
  async runReports(): Promise<ReportsRun> {
    return orDatabaseError(storedIn(this.#p.reports, 'the reports').run());
  }

  /** news is the public news, newest first: announcements broadcast with `{ public: true }`. */
  async news(options: { limit?: number } = {}): Promise<NewsItem[]> {
    if (!this.#p.news) return [];
    return orDatabaseError(this.#p.news.latest(Math.min(Math.max(options.limit ?? 100, 1), 1000)));
  }

  /** newsItem is one public announcement in `language` (when it was given in it), or null. */
  async newsItem(id: string, language?: string): Promise<(NewsText & { recordedAt: Date }) | null> {
    const item = this.#p.news ? await orDatabaseError(this.#p.news.get(id)) : null;
    return item && { ...newsText(item, language, this.#p.content.defaultReader.locale), recordedAt: item.recordedAt };
  }

  announcement(id: string, language?: string): Promise<Announcement | null> {
    return orDatabaseError(announcementOf(this.#p, id, language));
  }

  /** catalog is the words of every message, per language; the web pages and feeds word with it. */
  get catalog(): Catalog {
    return this.#p.content.catalog;
  }

  /** notificationsFor lists an operator's notifications (the first page of `feed`, or those after `after`). */
  async notificationsFor(operator: string, options: { limit?: number; after?: string } = {}): Promise<OutboxItem[]> {
    return (await this.feed(operator, { ...(options.limit && { limit: options.limit }), lastGuid: options.after }))
      .items;
  }

  /** dispatch delivers everything due now (reopened windows, retries due); returns items handled. */
  dispatch(): Promise<number> {
    return this.#p.dispatcher.drain();
  }

  /** status reads a node's counters on every channel instance, by instance name. */
  async status(nodeId: string | NodeId): Promise<ChannelStatuses> {
    const node = await this.overlay.get(nodeId);
    const entries = await orDatabaseError(
      Promise.all(
        this.#p.channels.names.map(
          async (channel) =>
            [channel, toChannelStatus(await this.#p.status.get({ subject: node.id.hex, channel }))] as const,
        ),
      ),
    );
    return Object.fromEntries(entries) as ChannelStatuses;
  }

  /** channels names the channel instances: `email`, `log`, then those configured. */
  get channels(): string[] {
    return this.#p.channels.names;
  }

  /**
   * prune runs a round of retention now: finished notifications past `retention.feed`, and their
   * other channels' copies past `retention.delivered`, are deleted and counted. It also runs every
   * `retention.every` in each process whose dispatcher runs.
   */
  prune(): Promise<PruneReport> {
    return orDatabaseError(this.#p.retention.run());
  }

  /** outboxCounts tallies the outbox by channel and status, pruned notifications included. */
  outboxCounts(): ReturnType<Outbox['counts']> {
    return this.#p.outbox.counts();
  }

  /** close stops the dispatcher, waits for sends in flight, and closes every connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#p.retention.stop(), this.#p.dispatcher.stop(), this.#p.reports?.stop()]);
    try {
      await this.#p.channels.close();
    } finally {
      await this.#p.onClose?.();
    }
  }

  /** #firstAttempt records the item and makes its first attempt (delivery.ts). */
  #firstAttempt(item: NewItem): Promise<Delivery> {
    return firstAttempt(item, {
      outbox: this.#p.outbox,
      pass: (group) => this.#p.dispatcher.pass(group),
      waitMs: this.config.dispatcher.firstAttemptWaitMs,
      logger: this.#logger,
    });
  }
}
