/**
 * @module notification/fleet/mail-room
 * One email across a fleet (`grouping.fleet`). Satellites of one fleet share a PostgreSQL, each in
 * its own schema. When a satellite's email to an operator is due, and its per-node limits have
 * granted it, the satellite hands it over to the fleet's mail (a schema of the fleet's own) rather
 * than sending it. The mail to one address waits `grouping.fleetWait` for the other satellites'
 * news, then one satellite's dispatcher sends it all as one email, counted against the
 * operator's address once for the whole fleet. Each satellite's rows end as the fleet's send
 * ended: sent, or, if it failed for good, given back to their satellite, which sends them itself
 * on the reservations they own. Node-log messages never come here: each satellite keeps its own.
 */
import pMap from 'p-map';
import { silentLogger, type Logger } from '../../logger.js';
import type { ChannelSet } from '../../channels/instances.js';
import type { OperatorPreferences } from '../../preferences/operator-preferences.js';
import type { Content } from '../content/content.js';
import type { Reservation, StatusKey, StatusStore } from '../limits/store.js';
import type { Status } from '../limits/policy.js';
import type { Metrics } from '../metrics.js';
import type { FleetSource, NewItem, Outbox, OutboxItem } from '../outbox/outbox.js';
import type { DispatchSettings } from '../dispatch/deps.js';
import { addressKey, groupBy } from '../dispatch/keys.js';
import { failureOf, outcomeOf } from '../dispatch/outcome.js';
import { persist } from '../dispatch/persist.js';
import { sendItem, unsent } from '../dispatch/send.js';
import type { Settled } from './sql.js';
import type { FleetOutcome, FleetStore } from './store.js';

/** How long a group whose pass broke waits before the fleet tries it again. */
const RETRY_BROKEN_MS = 30_000;

/** Unbuildable is a digest that cannot be made of its items: trying again would fail again. */
class Unbuildable extends Error {}

/** FleetMailDeps are the mail room's parts: this satellite's, and the fleet's schema's. */
export interface FleetMailDeps {
  fleet: { name: string; schema: string; waitMs: number };
  /** This satellite, as the fleet's mail names it. */
  satellite: FleetSource['satellite'];
  config: DispatchSettings;
  /** Hand-overs and settling, across this satellite's schema, the fleet's and the others'. */
  store: FleetStore;
  /** The fleet's mail, and the per-address counters the fleet shares. */
  outbox: Outbox;
  status: StatusStore;
  channels: ChannelSet;
  /** Words as the named satellite says them: an email from one satellite is signed by it. */
  contentOf(satellite: string): Content;
  preferences: Pick<OperatorPreferences, 'readerFor'>;
  metrics: Metrics;
  clock: () => Date;
  logger?: Logger;
}

/** FleetMail hands this satellite's emails to the fleet and sends the fleet's mail when it is due. */
export class FleetMail {
  readonly #d: FleetMailDeps;
  readonly #logger: Logger;
  readonly #source: FleetSource;

  constructor(deps: FleetMailDeps) {
    this.#d = deps;
    this.#logger = deps.logger ?? silentLogger;
    this.#source = { name: deps.fleet.name, satellite: deps.satellite };
  }

  /** takes says whether an instance's mail goes through the fleet: the operators' email instances. */
  takes(channel: string): boolean {
    const instance = this.#d.channels.get(channel);
    return instance.plugin === 'email' && instance.audience === 'operator';
  }

  /**
   * handOver gives the fleet one address's due items, which their node reservations granted
   * (`granted`, each going with the first item of its node), in one statement with the fleet's copy.
   */
  async handOver(items: readonly OutboxItem[], granted: readonly Reservation[], now: Date): Promise<void> {
    const unclaimed = [...granted];
    const rows = items.map((i) => {
      const at = unclaimed.findIndex((r) => r.key.subject === i.nodeId);
      return { id: i.id, reservations: at < 0 ? [] : unclaimed.splice(at, 1) };
    });
    // A reservation no item of its node took (a group's) goes with the first item.
    if (rows[0]) rows[0].reservations.push(...unclaimed);
    await this.#d.store.handOver({
      rows,
      source: this.#source,
      now,
      dueAt: new Date(now.getTime() + this.#d.fleet.waitMs),
      reason: `with the fleet ${this.#d.fleet.name}'s mail: leaves with the other satellites' news to this address`,
    });
    for (const i of items) this.#d.metrics.count(i.channel, i.kind, 'handed');
  }

  /**
   * drain settles what the fleet finished with but left unsettled here, then sends the fleet's
   * mail that is due, pass after pass, while passes get somewhere; returns items claimed.
   */
  async drain(): Promise<number> {
    await this.#d.store.reconcile(this.#d.clock(), {
      sent: `in one email across the fleet ${this.#d.fleet.name}`,
      back: `the fleet ${this.#d.fleet.name} did not send it; this satellite sends it itself`,
    });
    let total = 0;
    for (;;) {
      const { claimed, broken } = await this.#pass();
      total += claimed;
      if (claimed === broken) return total; // nothing claimed, or every group broke: the next run tries again
    }
  }

  /**
   * eraseOperator removes an operator from the fleet's mail, as Operators.erase does from the
   * satellite's rows, and before them: open mail ends (each satellite's own news goes back to it:
   * this satellite's is then erased with the rest, the others send theirs), the address leaves
   * every row, and the fleet's per-address counters move to `erasedSubject`.
   */
  async eraseOperator(operator: string, now: Date, reason: string, erasedSubject: string): Promise<void> {
    await this.#d.store.releaseOperator(
      operator,
      { now, wall: new Date() },
      {
        fleet: reason,
        satellites: `the operator asked the fleet ${this.#d.fleet.name}'s satellite ${this.#d.satellite.name} to erase their data; this satellite sends its own news`,
      },
    );
    await this.#d.outbox.eraseOperator(operator, now, reason);
    await this.#d.status.rename(`addr:${operator}`, erasedSubject);
  }

  /** addressStatus is an operator's per-address counters on a channel the fleet takes: the fleet's. */
  addressStatus(key: StatusKey): Promise<Status> {
    return this.#d.status.get(key);
  }

  /** #pass claims due addresses' mail and sends each address's as one email; says how many items it claimed, and of them broke. */
  async #pass(): Promise<{ claimed: number; broken: number }> {
    const cfg = this.#d.config.dispatcher;
    const items = await this.#d.outbox.claim({
      now: this.#d.clock(),
      leaseUntil: new Date(Date.now() + cfg.leaseMs),
      groups: cfg.batchSize,
    });
    let broken = 0;
    await pMap(
      groupBy(items, (i) => i.groupKey).values(),
      (g) =>
        this.#group(g).catch((err: unknown) => {
          broken += g.length;
          return this.#broken(g, err);
        }),
      { concurrency: cfg.concurrency },
    );
    return { claimed: items.length, broken };
  }

  /**
   * #broken holds a group whose pass broke (the database went away) for a while rather than
   * releasing it at once, so a failure that repeats costs a try per RETRY_BROKEN_MS, not a busy loop.
   */
  async #broken(items: readonly OutboxItem[], err: unknown): Promise<void> {
    this.#d.metrics.dispatchFailures.inc({ stage: 'group' });
    this.#logger.error({ fleet: this.#d.fleet.name, err: String(err) }, 'fleet mail failed; tried again shortly');
    const at = new Date(this.#d.clock().getTime() + RETRY_BROKEN_MS);
    await persist(() =>
      this.#d.outbox.markHeld(
        items.map((i) => i.id),
        at,
        `the fleet's pass broke (${String(err)}); tried again`,
      ),
    ).catch(() => undefined); // its lease ends anyway
  }

  /**
   * #group sends one address's claimed mail: rows that own a reservation (a retry, a digest whose
   * sender died) on it, the rest as one email on one per-address reservation of the fleet's.
   */
  async #group(claimed: readonly OutboxItem[]): Promise<void> {
    const now = this.#d.clock();
    // Mail of an instance this satellite does not send operators' email through goes back to its satellites.
    const foreign = claimed.filter((i) => !this.takes(i.channel));
    if (foreign.length > 0)
      await this.#giveBack(
        foreign.map((i) => i.id),
        now,
        `satellite ${this.#d.satellite.name} has no operators' email instance ${foreign[0]?.channel ?? ''}`,
      );
    const mine = claimed.filter((i) => this.takes(i.channel));
    for (const item of mine) if (item.reservations) await this.#deliver(item, item.reservations);
    const fresh = mine.filter((i) => !i.reservations);
    const first = fresh[0];
    if (!first) return;
    const limits = { ...this.#d.config.limits.perAddress, timezone: this.#d.config.limits.timezone };
    const r = await this.#d.status.reserve(addressKey(first), now, limits, first.id);
    if (!r.granted) {
      if (r.retryAt)
        return this.#d.outbox.markHeld(
          fresh.map((i) => i.id),
          r.retryAt,
          `per-address ${r.reason}, across the fleet ${this.#d.fleet.name}`,
        );
      // A limit of 0 means never: what the satellites sent themselves would not honour it either.
      return this.#end(
        fresh.map((i) => i.id),
        `per-address ${r.reason}: the limit is 0, so the fleet never sends`,
        false,
      );
    }
    let carrier: OutboxItem;
    try {
      carrier = await this.#carrier(fresh, r.reservation, now);
    } catch (err) {
      await persist(() => this.#d.status.refund(r.reservation));
      if (!(err instanceof Unbuildable)) throw err;
      // A digest that cannot be built never will be: each satellite sends its own news instead.
      return this.#giveBack(
        fresh.map((i) => i.id),
        now,
        err.message,
      );
    }
    await this.#deliver(carrier, [r.reservation]);
  }

  /** #carrier is what leaves for `fresh`, its reservation written on it before it is sent: the item, or one digest. */
  async #carrier(fresh: readonly OutboxItem[], reservation: Reservation, now: Date): Promise<OutboxItem> {
    const first = fresh[0] as OutboxItem;
    if (fresh.length === 1) {
      await this.#d.outbox.attachReservations(first.id, [reservation]);
      return { ...first, reservations: [reservation] };
    }
    const signer = this.#signerOf(fresh);
    const content = this.#d.contentOf(signer);
    const reader = content.readerOf(await this.#readerOf(first.operator));
    let digest: NewItem;
    try {
      digest = content.digest(fresh, now, reader);
    } catch (err) {
      throw new Unbuildable(`could not build the fleet's digest: ${err instanceof Error ? err.message : String(err)}`);
    }
    // It leaves worded as it was made: by its one satellite, or by the fleet for several.
    digest.payload.fleet = { name: this.#d.fleet.name, satellite: { ...this.#d.satellite, name: signer } };
    const leaseUntil = new Date(Date.now() + this.#d.config.dispatcher.leaseMs);
    await this.#d.outbox.insertDigest(
      digest,
      fresh.map((i) => i.id),
      { leaseUntil, reservations: [reservation] },
    );
    return unsent(digest, [reservation]);
  }

  /** #deliver sends one email and settles it, on the fleet's rows and the satellites' alike. */
  async #deliver(item: OutboxItem, reservations: readonly Reservation[]): Promise<void> {
    try {
      await this.#send(item);
    } catch (err) {
      return this.#failed(item, reservations, err);
    }
    const at = this.#d.clock();
    try {
      await this.#settle(
        [item.id],
        { sent: at },
        { outcome: 'sent', at, reason: `in one email across the fleet ${this.#d.fleet.name} (${item.id})` },
      );
    } catch (err) {
      // It left: it must not leave again. The fleet's row says so alone; each satellite's row settles later (drain).
      this.#logger.error(
        { fleet: this.#d.fleet.name, id: item.id, err: String(err) },
        "fleet email sent, but the satellites' rows could not be settled; they settle on a later run",
      );
      await persist(() => this.#d.outbox.markSent(item.id, at));
    }
    this.#d.metrics.count(item.channel, item.kind, 'sent');
    this.#logger.info({ id: item.id, fleet: this.#d.fleet.name, kind: item.kind }, 'fleet email sent');
  }

  /** #failed retries a transient failure; a permanent one gives the rows back to their satellites. */
  async #failed(item: OutboxItem, reservations: readonly Reservation[], err: unknown): Promise<void> {
    const failure = failureOf(err);
    const o = outcomeOf(item, failure, this.#d.config.dispatcher);
    if (o.action === 'retry') {
      const dueAt = new Date(this.#d.clock().getTime() + o.waitMs);
      await persist(() =>
        this.#d.outbox.markRetry(item.id, { dueAt, reason: o.reason, reservations, ambiguous: o.ambiguous }),
      );
      this.#d.metrics.count(item.channel, item.kind, 'retried');
      return;
    }
    if (o.refund) for (const r of reservations) await persist(() => this.#d.status.refund(r));
    // What may have arrived is not sent again by every satellite: it ends failed, with the reason.
    if (failure.ambiguous || item.ambiguousAttempts > 0) await this.#end([item.id], o.reason, true);
    else await this.#giveBack([item.id], this.#d.clock(), o.reason);
    this.#d.metrics.count(item.channel, item.kind, 'failed');
  }

  /** #end ends fleet rows as failed with `reason`, and the satellites' rows they carried too. */
  async #end(ids: readonly string[], reason: string, ambiguous: boolean): Promise<void> {
    this.#logger.warn({ fleet: this.#d.fleet.name, items: ids.length, reason }, 'fleet email failed for good');
    await this.#settle(
      ids,
      { failed: reason, ambiguous },
      { outcome: 'failed', at: this.#d.clock(), reason: `the fleet ${this.#d.fleet.name}'s email failed: ${reason}` },
    );
  }

  /** #giveBack ends fleet rows as failed and gives what they carried back to the satellites, due now. */
  async #giveBack(ids: readonly string[], at: Date, reason: string): Promise<void> {
    this.#logger.warn(
      { fleet: this.#d.fleet.name, items: ids.length, reason },
      'fleet email failed for good; each satellite sends its own news',
    );
    await this.#settle(
      ids,
      { failed: reason, ambiguous: false },
      {
        outcome: 'given back',
        at,
        reason: `the fleet ${this.#d.fleet.name}'s email failed (${reason}); this satellite sends it itself`,
      },
    );
  }

  /** #settle records the fleet's outcome and, in the same statement, the satellites' rows it carried. */
  async #settle(ids: readonly string[], outcome: FleetOutcome, s: Settled): Promise<void> {
    await persist(() => this.#d.store.settle(ids, outcome, s));
  }

  /** #send hands one email to this satellite's instance, signed by the satellite whose news it is. */
  async #send(item: OutboxItem): Promise<void> {
    const from = item.payload.fleet?.satellite ?? this.#d.satellite;
    const content = this.#d.contentOf(from.name);
    const payload =
      item.kind === 'digest'
        ? content.presentDigest(item.payload)
        : content.present(item, content.readerOf(await this.#readerOf(item.operator)));
    await sendItem(this.#d.channels, item, payload, from, this.#d.clock());
  }

  /** #signerOf is who a digest of `items` is from: their one satellite, or the fleet when they are several's. */
  #signerOf(items: readonly OutboxItem[]): string {
    const names = new Set(items.map((i) => i.payload.fleet?.satellite.name ?? this.#d.satellite.name));
    return names.size === 1 ? ([...names][0] as string) : this.#d.fleet.name;
  }

  /** #readerOf is the operator's language and zone as this satellite keeps them (none: the default). */
  #readerOf(operator: string | null): Promise<{ language: string; timezone: string } | null> {
    return this.#d.preferences.readerFor(operator).catch(() => null);
  }
}
