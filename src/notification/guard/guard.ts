/**
 * @module notification/guard/guard
 * The storm guard (policy.ts says when): counted by every running dispatcher before it claims,
 * at most every `guard.checkEvery`; while it is on, offline news is held (and no claim takes it),
 * the satellite's own channel has had one alert, and a node that comes back has its held news
 * dropped. When it ends, what it held of nodes still down waits `offlineAfter` more, then leaves
 * as one digest per operator. A satellite can also hold by hand, for its own maintenance.
 */
import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../../errors.js';
import { oneLine } from '../../input/text.js';
import { parseInput } from '../../input/parse.js';
import { silentLogger, type Logger } from '../../logger.js';
import type { Metrics } from '../metrics.js';
import type { NewItem } from '../outbox/outbox.js';
import type { GuardConfig } from './config.js';
import { alertText, GUARDED_KINDS, heldAfterGuard, heldByGuard, share, storm, type GuardFigures } from './policy.js';
import type { ChannelKind, EndOptions, GuardEnd, GuardReading, GuardRow, GuardStore } from './store.js';

/** The kind of the satellite's own alert row (it is about no node and in no operator's feed). */
export const GUARD_ALERT_KIND = 'storm-guard';

/** How long after an end a count still sweeps what a racing hold may have left held. */
const SWEEP_AFTER_END_MS = 10 * 60_000;

/** Held rows wait for the guard's end, not a time: their due time is past any real one. */
const UNTIL_RELEASED = new Date('9999-12-31T00:00:00Z');

/** GuardState is what `svc.guard.state()` tells. */
export interface GuardState extends GuardFigures {
  active: boolean;
  since: Date | null;
  /** The satellite's reason when held by hand; null for a storm, or when off. */
  manual: string | null;
  /** The offline share of the count, as a percentage ("40%"). */
  share: string;
  lastEnded: Date | null;
}

/** GuardDeps are the guard's parts: its store, its section, where it alerts, and the service's clock. */
export interface GuardDeps {
  store: GuardStore;
  config: GuardConfig;
  /** How long after a storm a node still down is reported (`hooks.offlineAfter`). */
  offlineAfterMs: number;
  metrics: Metrics;
  clock: () => Date;
  logger?: Logger;
}

const REASON = oneLine(200);

/** StormGuard decides, holds and releases; every process on the database runs one. */
export class StormGuard {
  /** What a storm holds, for the dispatcher's claims to leave out while it is on. */
  readonly guardedKinds = GUARDED_KINDS;
  readonly #d: GuardDeps;
  readonly #logger: Logger;
  /** Wall-clock time of the last count. */
  #countedAt = -Infinity;
  /** The guard's row as last read (for the hooks: has it held anything lately?), and when; one read at a time. */
  #known: { at: number; row: GuardRow } | null = null;
  #reading: Promise<GuardRow> | null = null;
  #counting: Promise<GuardReading> | null = null;

  constructor(deps: GuardDeps) {
    this.#d = deps;
    this.#logger = deps.logger ?? silentLogger;
  }

  /**
   * beforeClaim counts, when `checkEvery` has passed, and acts on the count. It never throws: a
   * failed count is logged, and the claims still leave out what an active guard holds.
   */
  async beforeClaim(): Promise<void> {
    if (performance.now() - this.#countedAt < this.#d.config.checkEveryMs) return;
    await this.check().catch((err: unknown) =>
      this.#logger.error({ err: String(err) }, 'storm guard count failed; counted again on the next pass'),
    );
  }

  /** check counts now and turns the guard on or off as the count says; one count at a time per process. */
  check(): Promise<GuardReading> {
    this.#counting ??= this.#check().finally(() => {
      this.#counting = null;
    });
    return this.#counting;
  }

  async #check(): Promise<GuardReading> {
    this.#countedAt = performance.now();
    const { config } = this.#d;
    const now = this.#d.clock();
    // Off, the guard counts nothing (two scans): only a hold by hand can be on.
    let r = config.enabled ? await this.#read(now) : { ...(await this.#rowNow()), checked: 0, offline: 0 };
    const s = config.enabled ? storm(r, config) : { storm: false as const };
    // After a turn, the row is read again (whichever process turned it); the count just made stands.
    if (!r.activeSince && s.storm) {
      await this.#begin(now, r, null, s.cause);
      r = { ...r, ...(await this.#rowNow()) };
    } else if (r.activeSince && !r.manual && !s.storm) {
      await this.#end(now, r.activeSince);
      r = { ...r, ...(await this.#rowNow()) };
    }
    if (r.activeSince) await this.#hold(r.activeSince);
    else if (r.lastEnded && now.getTime() - r.lastEnded.getTime() <= SWEEP_AFTER_END_MS) await this.#sweep(now);
    return r;
  }

  /** hold turns the guard on by hand (the satellite's maintenance) until `release`; the alert says why. */
  async hold(reason: string): Promise<GuardState> {
    const why = parseInput(REASON, reason, 'reason');
    if (why === '') throw new InvalidInputError('reason', 'must say why (it is in the alert and the log)');
    const now = this.#d.clock();
    // On already (a storm): it is now held by hand too, so it lasts until release(), not until the
    // count falls. A count may end the storm between the two steps: then turn it on again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await this.#read(now);
      if (!(await this.#begin(now, r, why, 'manual'))) await this.#d.store.holdByHand(why);
      const after = { ...r, ...(await this.#rowNow()) };
      if (after.activeSince && after.manual) {
        await this.#hold(after.activeSince);
        return stateOf(after);
      }
    }
    throw new Error('satnotify: the storm guard kept changing; it could not be held by hand');
  }

  /** release turns the guard off (a storm's count may turn it on again); null when it was off. */
  async release(): Promise<GuardEnd | null> {
    return this.#end(this.#d.clock(), null);
  }

  /** state is the guard's row with a fresh count. */
  async state(): Promise<GuardState> {
    return stateOf(await this.#read(this.#d.clock()));
  }

  /**
   * cameBack is a node's recovery: what the guard holds of it is dropped, and the recovery itself is
   * news only if its outage was (`held` false). Asks the database only when the guard is on, or
   * ended recently enough to have left something waiting.
   */
  async cameBack(nodeId: string, since: Date): Promise<{ held: boolean }> {
    const now = this.#d.clock();
    const r = await this.#row();
    const recent =
      r?.activeSince ||
      (r?.lastEnded && now.getTime() - r.lastEnded.getTime() <= this.#d.offlineAfterMs + this.#d.config.windowMs);
    if (!recent) return { held: false };
    const back = await this.#d.store.cameBack(nodeId, since);
    this.#count(back.suppressed, 'suppressed');
    return { held: back.held };
  }

  /** #row is the guard's row, read again once `checkEvery` old, by one query however many hooks ask at once. */
  async #row(): Promise<GuardRow> {
    if (this.#known && performance.now() - this.#known.at <= this.#d.config.checkEveryMs) return this.#known.row;
    this.#reading ??= this.#d.store
      .row()
      .then((row) => this.#remember(row))
      .finally(() => {
        this.#reading = null;
      });
    return this.#reading;
  }

  async #read(now: Date): Promise<GuardReading> {
    return this.#remember(await this.#d.store.read(now, this.#d.config.windowMs));
  }

  /** #remember keeps the row as the hooks' last reading and the gauge says whether the guard is on. */
  #remember<R extends GuardRow>(row: R): R {
    this.#known = { at: performance.now(), row };
    this.#d.metrics.guardActive.set(row.activeSince ? 1 : 0);
    return row;
  }

  async #begin(now: Date, f: GuardFigures, manual: string | null, cause: string): Promise<boolean> {
    const alert = this.#d.config.alert ? this.#alert(now, f, manual) : null;
    const began = await this.#d.store.begin(now, f, manual, alert);
    if (!began) return false;
    this.#d.metrics.guardStorms.inc({ cause });
    this.#logger.warn(
      { cause, ...(manual ? { reason: manual } : { checked: f.checked, offline: f.offline, share: share(f) }) },
      'storm guard on: offline notices are held',
    );
    return true;
  }

  async #hold(since: Date): Promise<void> {
    const held = await this.#d.store.hold(
      GUARDED_KINDS,
      heldByGuard(since),
      UNTIL_RELEASED,
      since,
      this.#d.config.windowMs,
    );
    this.#count(held, 'held');
  }

  /** #end ends the guard on since `seen` (a count's), or whichever is on (`null`: release()). */
  async #end(now: Date, seen: Date | null): Promise<GuardEnd | null> {
    const { due, reason, options } = this.#afterwards(now, seen);
    const ended = await this.#d.store.end(now, due, reason, options);
    if (!ended) return null;
    this.#count(ended.suppressed, 'suppressed');
    this.#d.metrics.guardActive.set(0);
    this.#logger.info(
      { suppressed: ended.suppressed.length, waiting: ended.waiting, waitingUntil: due.toISOString() },
      'storm guard off: held notices of nodes that are back dropped; those still offline then are sent',
    );
    return ended;
  }

  /** #sweep moves what a hold that raced the end left held, as the end moved the rest. */
  async #sweep(now: Date): Promise<void> {
    const { due, reason, options } = this.#afterwards(now, null);
    const swept = await this.#d.store.sweep(due, reason, options);
    this.#count(swept.suppressed, 'suppressed');
    if (swept.suppressed.length + swept.waiting > 0)
      this.#logger.warn(
        { suppressed: swept.suppressed.length, waiting: swept.waiting },
        'storm guard: rows held as the guard ended were moved as its end moved the rest',
      );
  }

  /** #afterwards is where what the guard held goes when it ends (or a sweep finds it): `offlineAfter` on. */
  #afterwards(now: Date, seen: Date | null): { due: Date; reason: string; options: EndOptions } {
    const due = new Date(now.getTime() + this.#d.offlineAfterMs);
    return {
      due,
      reason: heldAfterGuard(due),
      options: { seen, kinds: GUARDED_KINDS, windowMs: this.#d.config.windowMs },
    };
  }

  /** #rowNow reads the guard's row (no count), for a guard whose automatic count is off. */
  async #rowNow(): Promise<GuardRow> {
    return this.#remember(await this.#d.store.row());
  }

  #count(rows: readonly ChannelKind[], outcome: 'held' | 'suppressed'): void {
    for (const r of rows) this.#d.metrics.count(r.channel, r.kind, outcome);
  }

  /** #alert is the satellite's own message about the storm, on the `guard.alert` instance. */
  #alert(now: Date, f: GuardFigures, manual: string | null): NewItem {
    const channel = this.#d.config.alert;
    const { title, text } = alertText(f, this.#d.config.windowMs, manual);
    return {
      id: randomUUID(),
      channel,
      groupKey: `${channel}:satellite`,
      nodeId: null,
      operator: null,
      kind: GUARD_ALERT_KIND,
      bypass: true,
      payload: {
        level: 'error',
        title,
        text,
        node: null,
        facts: manual ? { reason: manual } : { checked: f.checked, offline: f.offline, share: share(f) },
        actions: ['Check the satellite’s network and its uptime checker', 'svc.guard.release() ends the guard by hand'],
      },
      title,
      summary: text,
      dueAt: now,
      occurredAt: now,
      createdAt: now,
      copyOf: null,
    };
  }
}

/** stateOf is a reading as `svc.guard` tells it. */
export function stateOf(r: GuardReading): GuardState {
  return {
    active: r.activeSince !== null,
    since: r.activeSince,
    manual: r.manual,
    checked: r.checked,
    offline: r.offline,
    share: share(r),
    lastEnded: r.lastEnded,
  };
}
