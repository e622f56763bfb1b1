/**
 * @module notification/retention/retention
 * The retention chore: deletes finished notifications past their horizon, a small batch per
 * statement, in every process whose dispatcher runs (one at a time: the outbox's advisory lock
 * makes the others step aside). Only the outbox's finished rows go; what the rules need lives
 * elsewhere and stays whole: the limits' windows and MinDelay (the status table), each node's
 * state (offline since, flapping), and open, held and leased rows whatever their age.
 */
import { silentLogger, type Logger } from '../../logger.js';
import type { Outbox, PruneRequest } from '../outbox/outbox.js';
import type { RetentionConfig } from './config.js';
import { dayOf } from '../usage/signal.js';
import type { UsageStore } from '../usage/store.js';
import type { ReportStore } from '../reports/store.js';

/** PruneReport is what one round of retention did. */
export interface PruneReport {
  /** Rows deleted: notifications, their copies on other channels, digests. */
  deleted: number;
  /** Of them, notifications that left their operator's feed (counted per operator, so the feed says so). */
  feedItems: number;
  /** Statements run. */
  batches: number;
  /** Another process was pruning, so this round stopped where it was. */
  busy: boolean;
  /** Finished rows recorded before this went (the `feed` horizon). */
  feedBefore: Date;
  /** Copies no feed shows recorded before this went (the `delivered` horizon). */
  deliveredBefore: Date;
  /** Days of usage deleted (older than `retention.usage`). */
  usageDays: number;
  /** Reported periods forgotten (older than `retention.usage`: long past any report's grace). */
  reportPeriods: number;
}

export interface RetentionDeps {
  outbox: Pick<Outbox, 'prune' | 'compact'>;
  /** Usage per node and day, pruned by `retention.usage`; absent when the service keeps none. */
  usage?: Pick<UsageStore, 'prune'>;
  /** The reported periods, forgotten with the usage they were made of. */
  reports?: Pick<ReportStore, 'prune'>;
  /** The zone usage days are counted in. */
  zone?: string;
  config: RetentionConfig;
  clock: () => Date;
  logger?: Logger;
}

/** Retention runs rounds of pruning, on demand and every `retention.every`. */
export class Retention {
  readonly #deps: RetentionDeps;
  readonly #logger: Logger;
  #round: Promise<PruneReport> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(deps: RetentionDeps) {
    this.#deps = deps;
    this.#logger = deps.logger ?? silentLogger;
  }

  /** run prunes once; a call while a round is in flight gets that round's report. */
  run(): Promise<PruneReport> {
    this.#round ??= this.#prune().finally(() => {
      this.#round = null;
    });
    return this.#round;
  }

  /** start runs a round now and then every `retention.every` (never, when it is 0). */
  start(): void {
    const { everyMs } = this.#deps.config;
    if (everyMs === 0 || !this.#stopped) return;
    this.#stopped = false;
    const tick = (): void => {
      void this.run()
        .catch((err: unknown) => this.#logger.error({ err: String(err) }, 'retention round failed'))
        .then(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, everyMs).unref();
        });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  /** stop ends the schedule and waits for a round in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#round?.catch(() => undefined);
  }

  async #prune(): Promise<PruneReport> {
    const { config, clock, outbox } = this.#deps;
    const now = clock().getTime();
    const report: PruneReport = {
      deleted: 0,
      feedItems: 0,
      batches: 0,
      busy: false,
      feedBefore: new Date(now - config.feedMs),
      deliveredBefore: new Date(now - config.deliveredMs),
      usageDays: 0,
      reportPeriods: 0,
    };
    if (this.#deps.usage)
      report.usageDays = await this.#deps.usage.prune(dayOf(new Date(now - config.usageMs), this.#deps.zone ?? 'UTC'));
    if (this.#deps.reports) report.reportPeriods = await this.#deps.reports.prune(new Date(now - config.usageMs));
    // Each pass reads, through an index of its own, only rows it deletes: a batch is the oldest of them.
    await this.#batches(report, { scope: 'everything', before: report.feedBefore, limit: config.batchSize });
    if (!report.busy)
      await this.#batches(report, { scope: 'copies', before: report.deliveredBefore, limit: config.batchSize });
    if (report.deleted > 0) {
      await outbox.compact();
      this.#logger.info({ ...report }, 'retention pruned finished notifications');
    }
    return report;
  }

  /** #batches deletes batch after batch until one comes back short, or another process is pruning. */
  async #batches(report: PruneReport, request: PruneRequest): Promise<void> {
    for (;;) {
      const batch = await this.#deps.outbox.prune(request);
      report.batches++;
      report.busy = batch.busy;
      report.deleted += batch.deleted;
      report.feedItems += batch.feedItems;
      if (batch.busy || batch.deleted < request.limit) return;
    }
  }
}
