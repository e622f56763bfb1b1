/**
 * @module notification/dispatch/pass
 * One dispatch pass: claim due groups, reserve limits, deliver (singly, or as one digest when
 * several are due for a node or an operator), and record the outcome. The loop (loop.ts) runs
 * passes; several processes may run them on one database.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import pMap from 'p-map';
import { UNCOUNTED_KINDS } from '../../kinds.js';
import { silentLogger, type Logger } from '../../logger.js';
import type { NewItem, OutboxItem } from '../outbox/outbox.js';
import type { Reservation } from '../limits/store.js';
import type { Reader } from '../content/wording.js';
import { groupBy, redactGroup } from './keys.js';
import { Reservations } from './reservations.js';
import { failureOf, outcomeOf } from './outcome.js';
import { persist } from './persist.js';
import { sendItem, unsent } from './send.js';
import { byPreference } from './by-preference.js';
import type { DispatcherDeps } from './deps.js';

/** One pass's records of its sends, written in the background; the pass waits for them before it ends. */
type Recording = Array<Promise<void>>;

/**
 * How many groups a pass prepares (preferences, limits, digest) per send it lets out: a group
 * spends about as long in those round trips as in its send, so twice as many keep every send slot
 * busy, with larger and fewer reservation statements.
 */
const PREPARED_PER_SEND = 2;

/** DispatchPass delivers what is due from the outbox, one pass at a time. */
export class DispatchPass {
  readonly #d: DispatcherDeps;
  readonly #logger: Logger;
  /** The process's send slots, shared by every pass: overlapping passes never exceed `concurrency` sends. */
  readonly #sending: LimitFunction;
  readonly #reservations: Reservations;

  constructor(deps: DispatcherDeps) {
    this.#d = deps;
    this.#logger = deps.logger ?? silentLogger;
    this.#sending = pLimit(deps.config.dispatcher.concurrency);
    this.#reservations = new Reservations(deps);
  }

  /**
   * claim leases a batch of due groups, or the one group given, leaving out the groups in `busy`:
   * those this process is delivering now. The storm guard counts first, when it is time to.
   */
  async claim(o: { groupKey?: string | undefined; busy: readonly string[] }): Promise<OutboxItem[]> {
    const cfg = this.#d.config.dispatcher;
    const guard = this.#d.guard;
    await guard?.beforeClaim();
    return this.#d.outbox.claim({
      now: this.#d.clock(),
      leaseUntil: new Date(Date.now() + cfg.leaseMs), // leases run on the wall clock, whatever the simulated one says
      groups: o.groupKey ? 1 : cfg.batchSize,
      ...(o.groupKey && { groupKey: o.groupKey }),
      busy: o.busy,
      ...(guard && { guarded: guard.guardedKinds }),
    });
  }

  /**
   * deliver delivers claimed items through the process's send slots (`concurrency`), preparing
   * twice as many groups meanwhile. `onLastStarted` is called once every group is under way: from
   * then on fewer groups are in flight, and the next pass can start.
   */
  async deliver(items: readonly OutboxItem[], onLastStarted?: () => void): Promise<void> {
    // One read for the batch's operators. If it fails, each group reads its own, and a group whose
    // read fails too is released like any broken group: claimed rows never sit out their lease.
    await this.#d.preferences.prefetch(items.map((i) => i.operator)).catch(() => undefined);
    const groups = [...groupBy(items, (i) => i.groupKey).values()];
    const { concurrency } = this.#d.config.dispatcher;
    const recording: Recording = [];
    let started = 0;
    await pMap(
      groups,
      (g) => {
        if (++started === groups.length) onLastStarted?.();
        return this.#group(g, recording).catch((err: unknown) => this.#failedGroup(g, err));
      },
      { concurrency: concurrency * PREPARED_PER_SEND },
    );
    if (groups.length === 0) onLastStarted?.();
    await Promise.all(recording);
  }

  /**
   * #failedGroup handles a group whose pass broke (the database went away mid-pass): its rows are
   * released for the next pass rather than left leased for the whole lease. What was reserved is
   * on the rows (or was refunded), so nothing is counted twice when they are taken again.
   */
  async #failedGroup(items: readonly OutboxItem[], err: unknown): Promise<void> {
    this.#d.metrics.dispatchFailures.inc({ stage: 'group' });
    this.#logger.error(
      { group: redactGroup(items[0]?.groupKey), err: String(err) },
      'dispatch of a group failed; it is retried on the next pass',
    );
    // Under pool pressure the release itself can time out: retry it, or the rows sit out the whole lease.
    await persist(() => this.#d.outbox.release(items.map((i) => i.id))).catch(() => undefined); // the lease ends anyway if this fails too
  }

  /** #group delivers one claimed group, its sends' records going into `recording`. */
  async #group(claimed: OutboxItem[], recording: Recording): Promise<void> {
    const now = this.#d.clock();
    const items = await byPreference(claimed, now, this.#d);
    const fresh: OutboxItem[] = [];
    for (const item of items) {
      // A row that owns reservations (a retry, or one a crashed worker had reserved) goes out on them.
      if (item.reservations) await this.#deliver(item, item.reservations, recording);
      // A report is not trouble: it counts against no limit, and leaves alone, never in a digest.
      else if (UNCOUNTED_KINDS.includes(item.kind)) await this.#deliver(item, [], recording);
      else if (item.bypass) await this.#single(item, now, recording);
      else fresh.push(item);
    }
    if (fresh.length === 0) return;

    const granted: Reservation[] = [];
    const ready: OutboxItem[] = [];
    // A fleet's email leaves with the other satellites' news to the address: handed over, not sent.
    const fleet = this.#d.fleet?.takes((fresh[0] as OutboxItem).channel) ? this.#d.fleet : undefined;
    try {
      if (!(await this.#reservations.reserve(fresh, now, granted, ready, !fleet))) return;
      if (fleet) return await fleet.handOver(ready, granted, now);
    } catch (err) {
      await this.#reservations.refund(granted); // whatever broke, nothing was sent on these
      throw err;
    }
    const message = await this.#carrier(ready, granted, now);
    if (message) await this.#deliver(message, granted, recording);
  }

  /**
   * #carrier makes what leaves for `ready`: the item itself, or a digest of them, and writes the
   * reservations onto it before anything is sent, so a worker that takes it over after a crash
   * sends on them instead of counting again. If that fails, nothing was sent: the reservations are
   * refunded, and a message that cannot be built is recorded as failed with the reason.
   */
  async #carrier(
    ready: readonly OutboxItem[],
    granted: readonly Reservation[],
    now: Date,
  ): Promise<OutboxItem | undefined> {
    const first = ready[0] as OutboxItem;
    let digest: NewItem | undefined;
    try {
      if (ready.length > 1) digest = this.#d.content.digest(ready, now, await this.#reader(first.operator));
    } catch (err) {
      await this.#reservations.refund(granted);
      const reason = `could not build the digest: ${err instanceof Error ? err.message : String(err)}`;
      await persist(() =>
        this.#d.outbox.markFailed(
          ready.map((i) => i.id),
          reason,
        ),
      );
      for (const i of ready) this.#d.metrics.count(i.channel, i.kind, 'failed');
      this.#logger.error({ channel: first.channel, items: ready.length, reason }, 'digest failed permanently');
      return undefined;
    }
    try {
      if (!digest) {
        await this.#d.outbox.attachReservations(first.id, granted);
        return first;
      }
      const leaseUntil = new Date(Date.now() + this.#d.config.dispatcher.leaseMs);
      await this.#d.outbox.insertDigest(
        digest,
        ready.map((i) => i.id),
        { leaseUntil, reservations: granted },
      );
    } catch (err) {
      await this.#reservations.refund(granted);
      throw err;
    }
    for (const i of ready) this.#d.metrics.count(i.channel, i.kind, 'digested');
    return unsent(digest, granted);
  }

  /** #single delivers a bypass kind: MaxHr/MaxDay do not apply, MinDelay does. */
  async #single(item: OutboxItem, now: Date, recording: Recording): Promise<void> {
    const reservation = await this.#reservations.single(item, now);
    if (!reservation) return;
    const message = await this.#carrier([item], [reservation], now);
    if (message) await this.#deliver(message, [reservation], recording);
  }

  /**
   * #deliver sends the item, when one of the process's send slots is free, and records the outcome.
   * A send is recorded in the background (into `recording`, which the pass waits for before it ends,
   * the row leased meanwhile): the slot goes to the next send at once, so `concurrency` counts
   * sends in flight, not writes.
   */
  async #deliver(item: OutboxItem, reservations: readonly Reservation[], recording: Recording): Promise<void> {
    try {
      await this.#sending(() => this.#send(item));
    } catch (err) {
      return this.#failed(item, reservations, err);
    }
    const at = this.#d.clock();
    recording.push(
      persist(() => this.#d.outbox.markSent(item.id, at)).then(
        () => {
          this.#d.metrics.count(item.channel, item.kind, 'sent');
          this.#logger.info({ id: item.id, channel: item.channel, kind: item.kind }, 'notification sent');
        },
        (err: unknown) => this.#failedGroup([item], err),
      ),
    );
  }

  /**
   * #failed records what a failed attempt leaves behind (outcome.ts decides): a retry on the same reservations, or the
   * end.
   */
  async #failed(item: OutboxItem, reservations: readonly Reservation[], err: unknown): Promise<void> {
    const failure = failureOf(err);
    const o = outcomeOf(item, failure, this.#d.config.dispatcher);
    if (o.action === 'retry') {
      const due = new Date(this.#d.clock().getTime() + o.waitMs);
      await persist(() =>
        this.#d.outbox.markRetry(item.id, { dueAt: due, reason: o.reason, reservations, ambiguous: o.ambiguous }),
      );
      this.#d.metrics.count(item.channel, item.kind, 'retried');
      this.#logger.warn(
        {
          id: item.id,
          channel: item.channel,
          attempt: item.attempts + 1,
          ambiguous: o.ambiguous,
          retryAt: due.toISOString(),
          reason: o.reason,
        },
        'delivery failed; will retry',
      );
      return;
    }
    if (o.refund) await this.#reservations.refund(reservations);
    await persist(() => this.#d.outbox.markFailed([item.id], o.reason, { ambiguous: failure.ambiguous }));
    this.#d.metrics.count(item.channel, item.kind, 'failed');
    this.#logger.error(
      { id: item.id, channel: item.channel, kind: item.kind, reason: o.reason },
      'notification failed permanently',
    );
  }

  /**
   * #send hands the item to its channel instance's plugin, as the one content model every plugin
   * renders, worded for its reader (a digest was worded for them when it was made).
   */
  async #send(item: OutboxItem): Promise<void> {
    const { satellite } = this.#d.config;
    const payload =
      item.kind === 'digest'
        ? this.#d.content.presentDigest(item.payload)
        : this.#d.content.present(item, await this.#reader(item.operator));
    await sendItem(this.#d.channels, item, payload, satellite, this.#d.clock());
  }

  /**
   * #reader is how the item's operator reads; if their preferences cannot be read now, the defaults: a message in the
   * default language beats none.
   */
  async #reader(operator: string | null): Promise<Reader> {
    return this.#d.content.readerOf(await this.#d.preferences.readerFor(operator).catch(() => null));
  }
}
