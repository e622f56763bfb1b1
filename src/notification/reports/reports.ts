/**
 * @module notification/reports/reports
 * The reports chore: every `reports.every`, in each process whose dispatcher runs, it finds the
 * periods that have ended (each operator's in their zone and cadence; the network's in the
 * satellite's zone) and records each one's report once, as outbox rows the dispatcher delivers
 * like any other (quiet hours apply; no limit counts them). A period already reported by any
 * process, or ended longer than `reports.grace` ago, is left alone; an operator none of whose nodes
 * reported usage in the period gets nothing.
 */
import { randomUUID } from 'node:crypto';
import { NETWORK_REPORT_KIND, REPORT_KIND } from '../../kinds.js';
import type { Catalog } from '../../i18n/catalog.js';
import { formatBytes } from '../../i18n/format.js';
import type { Locale } from '../../i18n/locale.js';
import type { Links } from '../../links/links.js';
import { silentLogger, type Logger } from '../../logger.js';
import type { NodeInfo } from '../../overlay/db.js';
import type { OverlayCache } from '../../overlay/cache.js';
import type { OperatorPreferences } from '../../preferences/operator-preferences.js';
import type { Content } from '../content/content.js';
import { groupBy } from '../dispatch/keys.js';
import type { NewsItem } from '../news/news.js';
import type { NewItem } from '../outbox/outbox.js';
import type { ReportsConfig } from './config.js';
import { reportFigures, type Bars, type ReportData } from './figures.js';
import { networkFigures, networkWords, type NetworkFigures, type NetworkWords } from './network.js';
import { lastEnded, type Period } from './period.js';
import { reportSubject, type ReportStore } from './store.js';
import { DateTime } from 'luxon';

/** ReportsDeps are what the chore reads and writes. */
export interface ReportsDeps {
  config: ReportsConfig;
  store: ReportStore;
  overlay: Pick<OverlayCache, 'select'>;
  preferences: Pick<OperatorPreferences, 'inEffectFor'>;
  content: Pick<Content, 'defaultReader' | 'catalog'>;
  links: Links | null;
  satellite: string;
  /** The satellite's zone (`limits.timezone`): the network's periods, and usage days. */
  zone: string;
  bars: Bars;
  margins: Bars;
  /** A node is online when its last successful check is this recent (`overlay.onlineWindow`). */
  onlineWindowMs: number;
  clock: () => Date;
  logger?: Logger;
}

/** ReportsRun is what one run recorded. */
export interface ReportsRun {
  /** Operators whose report of a period was recorded now. */
  operators: number;
  /** Operators whose period ended with no usage reported (yet): nothing recorded. */
  empty: number;
  /** Operators whose report could not be made this run (logged; tried again next run). */
  failed: number;
  /** Whether the network's report of a period was recorded now. */
  network: boolean;
}

/** Reports records the operators' and the network's reports as their periods end. */
export class Reports {
  readonly #d: ReportsDeps;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(deps: ReportsDeps) {
    this.#d = deps;
    this.#logger = deps.logger ?? silentLogger;
  }

  /** start runs now and then every `reports.every`. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = (): void => {
      this.#running = this.run()
        .catch((err: unknown) => this.#logger.error({ err: String(err) }, 'reports run failed; tried again next time'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#d.config.everyMs).unref();
        });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  /** stop ends the schedule and waits for a run in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** run records every report whose period has ended and is not recorded yet. */
  async run(): Promise<ReportsRun> {
    const now = this.#d.clock();
    const nodes: NodeInfo[] = [];
    for await (const page of this.#d.overlay.select({ all: true })) nodes.push(...page);
    const result: ReportsRun = { operators: 0, empty: 0, failed: 0, network: false };
    await this.#operators(nodes, now, result);
    result.network = await this.#network(nodes, now).catch((err: unknown) => {
      this.#logger.error({ err: String(err) }, "the network's report could not be made; tried again next run");
      return false;
    });
    if (result.operators > 0 || result.network) this.#logger.info({ ...result }, 'reports recorded');
    return result;
  }

  /**
   * #operators records each operator's report of their last period, once it is due and not yet
   * recorded. One operator's failure is logged and leaves the others (and the next run) to go on.
   */
  async #operators(nodes: readonly NodeInfo[], now: Date, result: ReportsRun): Promise<void> {
    const { config, preferences, store } = this.#d;
    const byOperator = groupBy(
      nodes.filter((n) => n.email),
      (n) => n.email.toLowerCase(),
    );
    const chosen = await preferences.inEffectFor([...byOperator.keys()]);
    const due: Array<{ operator: string; subject: string; period: Period; zone: string }> = [];
    for (const [operator, p] of chosen) {
      if (p.reports === 'none') continue;
      const period = lastEnded({ ...config.operator, cadence: p.reports, zone: p.timezone }, now);
      if (now < this.#dueAt(period) || now.getTime() - period.end.getTime() > config.graceMs) continue;
      due.push({ operator, subject: reportSubject(operator), period, zone: p.timezone });
    }
    const done = await store.reported(due.map((d) => ({ subject: d.subject, period: d.period.key })));
    const waiting = due.filter((d) => !done.has(`${d.subject}|${d.period.key}`));
    // One query says whose nodes reported any usage in these periods: the others (every operator of
    // a satellite that reports none) are skipped without reading their figures, run after run.
    const days = waiting.flatMap((d) => [d.period.days[0] as string, d.period.days.at(-1) as string]).sort();
    const reporting =
      waiting.length === 0
        ? new Set<string>()
        : await store.nodesWithUsage(
            waiting.flatMap((d) => (byOperator.get(d.operator) as NodeInfo[]).map((n) => n.id.hex)),
            days[0] as string,
            days.at(-1) as string,
          );
    for (const d of waiting) {
      const mine = byOperator.get(d.operator) as NodeInfo[];
      if (!mine.some((n) => reporting.has(n.id.hex))) {
        result.empty++;
        continue;
      }
      try {
        const data = await this.#figures(mine, d.period, d.zone, now);
        // No usage yet: nothing is recorded, so a later run within the grace reports it once usage arrives.
        if (!data) {
          result.empty++;
          continue;
        }
        const item = this.#item(d.operator, (mine[0] as NodeInfo).email, data, d.period, now);
        if (await store.record(d.subject, d.period.key, [item], now)) result.operators++;
      } catch (err) {
        result.failed++;
        this.#logger.error(
          { period: d.period.key, err: String(err) },
          "an operator's report could not be made; tried again next run",
        );
      }
    }
  }

  /**
   * #dueAt is when a period can be reported: at its end, and not before the satellite's own day of
   * the same date as the period's last day has ended (usage is kept by the satellite's calendar days;
   * an operator east of it ends their day first).
   */
  #dueAt(period: Period): Date {
    const usageDayEnds = DateTime.fromISO(period.days.at(-1) as string, { zone: this.#d.zone }).plus({ days: 1 });
    return new Date(Math.max(period.end.getTime(), usageDayEnds.toMillis()));
  }

  /** #figures reads what one operator's report of `period` is made of, and makes its figures. */
  async #figures(mine: readonly NodeInfo[], period: Period, zone: string, now: Date): Promise<ReportData | null> {
    const { store } = this.#d;
    const hexes = mine.map((n) => n.id.hex);
    const before = DateTime.fromISO(period.days[0] as string, { zone })
      .minus({ days: 1 })
      .toISODate() as string;
    // Usage days are kept in the satellite's zone; an operator's days in theirs differ by at most one.
    const from = DateTime.fromISO(before).minus({ days: 1 }).toISODate() as string;
    const to = period.days.at(-1) as string;
    const [usage, scores, recorded, states] = await Promise.all([
      store.usage(hexes, from, to),
      store.scores(hexes),
      // Up to now: an outage that ended after the period but before this run still counts in it.
      store.recorded(hexes, new Date(period.start.getTime() - 31 * 86_400_000), now),
      store.nodeStates(hexes),
    ]);
    const links = this.#d.links;
    return reportFigures({
      period,
      zone,
      nodes: mine.map((n) => ({ id: n.id.toString(), hex: n.id.hex, address: n.address })),
      usage,
      scores,
      recorded: recorded.map((r) => ({ ...r, url: links ? links.guid(r.id) : null })),
      offlineSince: states.offlineSince,
      bars: this.#d.bars,
      margins: this.#d.margins,
      maxNodes: this.#d.config.operator.maxNodes,
    });
  }

  /** #item is the report's email row: worded when it leaves, in its reader's language (content/present.ts). */
  #item(operator: string, to: string, data: ReportData, period: Period, now: Date): NewItem {
    const reader = this.#d.content.defaultReader;
    const title = this.#d.content.catalog.t(reader.locale, 'report.title', {
      cadence: data.cadence,
      nodes: data.totals.nodes,
      stored: formatBytes(data.totals.storedBytes, reader.locale),
    });
    const links = this.#d.links?.email(operator, 'email', REPORT_KIND, now);
    return {
      id: randomUUID(),
      channel: 'email',
      // Its own group: a report never joins a digest of trouble.
      groupKey: `email:report:${operator}`,
      nodeId: null,
      copyOf: null,
      operator,
      kind: REPORT_KIND,
      bypass: false,
      payload: {
        level: 'info',
        title,
        text: title,
        node: null,
        facts: {},
        actions: [],
        source: { kind: REPORT_KIND, data: data as unknown as Record<string, unknown> },
        email: { to, template: REPORT_KIND, data: {} },
        ...(links && { links }),
      },
      title,
      summary: `${period.cadence} report, ${data.totals.nodes} nodes`,
      dueAt: now,
      occurredAt: period.end,
      createdAt: now,
    };
  }

  /** #network records the network's report of its last period on its instances (and the news), once. */
  async #network(nodes: readonly NodeInfo[], now: Date): Promise<boolean> {
    const { config, store, zone } = this.#d;
    const net = config.network;
    if (net.instances.length === 0) return false;
    const period = lastEnded({ ...net, zone }, now);
    if (now.getTime() - period.end.getTime() > config.graceMs) return false;
    if (now < this.#dueAt(period)) return false;
    if ((await store.reported([{ subject: 'network', period: period.key }])).size > 0) return false;
    const hexes = nodes.map((n) => n.id.hex);
    const before = DateTime.fromISO(period.days[0] as string, { zone })
      .minus({ days: 1 })
      .toISODate() as string;
    const last = period.days.at(-1) as string;
    const [usage, states] = await Promise.all([store.usage(hexes, before, last), store.nodeStates(hexes)]);
    const on = (day: string): Map<string, { stored: number; free: number | null }> =>
      new Map(usage.filter((u) => u.day === day).map((u) => [u.nodeId, { stored: u.storedBytes, free: u.freeBytes }]));
    const [then, lastDay] = [on(before), on(last)];
    const onlineSince = period.end.getTime() - this.#d.onlineWindowMs;
    const f = networkFigures(
      period,
      nodes.map((n) => {
        // The overlay's column, or what the disqualification hook was told.
        const disqualified = n.disqualified ?? states.disqualifiedAt.get(n.id.hex) ?? null;
        return {
          hex: n.id.hex,
          version: n.version,
          online:
            disqualified === null &&
            !states.offlineSince.has(n.id.hex) &&
            (n.lastContactSuccess?.getTime() ?? -Infinity) >= onlineSince,
          disqualified,
          welcomedAt: states.welcomedAt.get(n.id.hex) ?? null,
          suspendedAt: states.suspendedAt.get(n.id.hex) ?? null,
          storedBefore: then.get(n.id.hex)?.stored ?? null,
          storedNow: lastDay.get(n.id.hex)?.stored ?? null,
          freeNow: lastDay.get(n.id.hex)?.free ?? null,
        };
      }),
    );
    const words = this.#words(f, this.#d.content.defaultReader.locale);
    const items = net.instances.map((channel) => networkItem(channel, f, words, period, now));
    return store.record('network', period.key, items, now, net.public ? this.#news(f, words, now) : undefined);
  }

  #words(f: NetworkFigures, locale: Locale): NetworkWords {
    return networkWords(this.#d.content.catalog, this.#d.satellite, f, locale);
  }

  /**
   * #news is the report as the public news keeps it: `words` in the default language, and the same
   * in every other one (news/news.ts shows a reader theirs).
   */
  #news(f: NetworkFigures, words: NetworkWords, now: Date): NewsItem {
    const catalog: Catalog = this.#d.content.catalog;
    const main = this.#d.content.defaultReader.locale;
    const translations = Object.fromEntries(
      catalog
        .locales()
        .filter((l) => l !== main)
        .map((l) => [l, this.#words(f, l)]),
    );
    return {
      id: randomUUID(),
      recordedAt: now,
      data: { ...words, kind: NETWORK_REPORT_KIND, figures: f, translations },
    };
  }
}

/** networkItem is the network's report on one of the satellite's own instances: the same words on each. */
function networkItem(channel: string, f: NetworkFigures, words: NetworkWords, period: Period, now: Date): NewItem {
  const text = [...words.paragraphs, words.action].join('\n');
  return {
    id: randomUUID(),
    channel,
    groupKey: `${channel}:network`,
    nodeId: null,
    copyOf: null,
    operator: null,
    kind: NETWORK_REPORT_KIND,
    bypass: false,
    payload: {
      level: 'info',
      title: words.title,
      text,
      node: null,
      facts: {
        nodes: f.nodes,
        online: f.online,
        joined: f.joined,
        left: f.left,
        disqualified: f.disqualified,
        suspended: f.suspended,
        storedBytes: f.storedBytes,
        freeBytes: f.freeBytes,
      },
      actions: [],
    },
    title: words.title,
    summary: words.paragraphs[0] ?? '',
    dueAt: now,
    occurredAt: period.end,
    createdAt: now,
  };
}
