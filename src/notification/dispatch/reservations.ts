/**
 * @module notification/dispatch/reservations
 * The limits' side of a dispatch pass: the reservations a group's sends take (per node, and per
 * operator address on an operator's channel), holding what a limit denies until it allows it,
 * and refunding what was reserved for a send that did not happen. Every reservation is made in
 * the name of the item it is for, so a worker that takes the item over after a crash adopts it.
 */
import type { LimitOptions } from '../limits/policy.js';
import type { Reservation, ReserveResult, StatusKey } from '../limits/store.js';
import { windowsAt } from '../limits/windows.js';
import type { OutboxItem } from '../outbox/outbox.js';
import type { DispatcherDeps } from './deps.js';
import { addressKey, groupBy, nodeKey } from './keys.js';
import { persist } from './persist.js';

/** A count limit that never binds; the largest a PostgreSQL integer holds. */
const NO_COUNT = 2 ** 31 - 1;

/** Reservations takes, holds and refunds a pass's reservations. */
export class Reservations {
  readonly #d: Pick<DispatcherDeps, 'config' | 'status' | 'channels' | 'outbox' | 'metrics'>;

  constructor(deps: Pick<DispatcherDeps, 'config' | 'status' | 'channels' | 'outbox' | 'metrics'>) {
    this.#d = deps;
  }

  /**
   * reserve takes the node (and, for an operator's channel, the address) reservations for `fresh`
   * items, holding what a limit denies; it fills `granted` and `ready` as it goes, so a caller
   * whose call breaks half-way refunds exactly what was granted. False: nothing is ready to send.
   * `perAddress` false leaves the address to the fleet's mail, which counts it for the whole fleet.
   */
  async reserve(
    fresh: readonly OutboxItem[],
    now: Date,
    granted: Reservation[],
    ready: OutboxItem[],
    perAddress = true,
  ): Promise<boolean> {
    const channel = (fresh[0] as OutboxItem).channel;
    const later: OutboxItem[] = [];
    const { hourStart } = windowsAt(now, this.#d.config.limits.timezone);
    const nodes = [...groupBy(fresh, (i) => i.nodeId ?? '').values()].map((nodeItems) => {
      // One send per node per reservation. New items leave one by one, each on its own reservation,
      // so limits count messages. A backlog leaves whole, as one digest: items held by a limit, or
      // due in an earlier hour than this one (they missed their window: a restart, a closed process).
      const backlog = nodeItems.some((i) => i.status === 'held' || i.dueAt < hourStart);
      if (!backlog) later.push(...nodeItems.slice(1));
      return { nodeItems, take: backlog ? nodeItems : nodeItems.slice(0, 1) };
    });
    // The nodes' reservations are independent: asked at once, they share one statement and one
    // round trip instead of one each (an operator's digest spans their nodes). What was granted is
    // in `granted` before any failure is thrown, so the caller refunds exactly that.
    const limits = this.#limits('node', channel);
    const answers = await Promise.allSettled(
      nodes.map(async (n) => ({ ...n, r: await this.#reserveFor(nodeKey, n.take[0] as OutboxItem, now, limits) })),
    );
    const answered = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    for (const { take, r } of answered) {
      if (!r.granted) continue;
      granted.push(r.reservation);
      ready.push(...take);
    }
    const broken = answers.find((a) => a.status === 'rejected');
    if (broken) throw broken.reason;
    for (const { nodeItems, r } of answered) if (!r.granted) await this.hold(nodeItems, r.retryAt, r.reason);
    if (later.length > 0) await this.#d.outbox.release(later.map((i) => i.id));
    if (ready.length === 0) return false;
    if (perAddress && this.#d.channels.get(channel).audience === 'operator') {
      const r = await this.#reserveFor(addressKey, ready[0] as OutboxItem, now, this.#limits('perAddress', channel));
      if (!r.granted) {
        await this.refund(granted.splice(0));
        await this.hold(ready, r.retryAt, `per-address ${r.reason}`);
        return false;
      }
      granted.push(r.reservation);
    }
    return true;
  }

  /** single reserves the send of a bypass kind (MaxHr/MaxDay do not apply, MinDelay does), holding it when denied. */
  async single(item: OutboxItem, now: Date): Promise<Reservation | null> {
    const limits = { ...this.#limits('node', item.channel), maxHr: NO_COUNT, maxDay: NO_COUNT };
    const r = await this.#reserveFor(nodeKey, item, now, limits);
    if (r.granted) return r.reservation;
    await this.hold([item], r.retryAt, r.reason);
    return null;
  }

  /** hold holds items until the limit allows them (`retryAt`), or fails them when a limit of 0 means never. */
  async hold(items: readonly OutboxItem[], retryAt: Date | null, reason: string): Promise<void> {
    const ids = items.map((i) => i.id);
    if (retryAt === null) {
      await this.#d.outbox.markFailed(ids, `${reason}: the limit is 0, so this channel never sends`);
      for (const i of items) this.#d.metrics.count(i.channel, i.kind, 'failed');
      return;
    }
    await this.#d.outbox.markHeld(ids, retryAt, reason);
    for (const i of items) if (i.status !== 'held') this.#d.metrics.count(i.channel, i.kind, 'held');
  }

  /**
   * #reserveFor reserves the send of `item` (alone or carrying its group) on its `key`, in the
   * item's name: a worker taking the item over after a crash adopts what was reserved for it.
   */
  #reserveFor(
    key: (item: OutboxItem) => StatusKey,
    item: OutboxItem,
    now: Date,
    limits: LimitOptions,
  ): Promise<ReserveResult> {
    return this.#d.status.reserve(key(item), now, limits, item.id);
  }

  /** refund undoes reservations whose send did not happen, retrying each write through a passing fault. */
  async refund(reservations: readonly Reservation[]): Promise<void> {
    for (const r of reservations) await persist(() => this.#d.status.refund(r));
  }

  /** #limits is a channel instance's per-node limits, or the per-operator ones, in the configured zone. */
  #limits(which: 'node' | 'perAddress', channel: string): LimitOptions {
    const limits = which === 'perAddress' ? this.#d.config.limits.perAddress : this.#d.channels.get(channel).limits;
    return { ...limits, timezone: this.#d.config.limits.timezone };
  }
}
