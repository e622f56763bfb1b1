/**
 * @module notification/reports/pg-store
 * ReportStore on PostgreSQL or PGlite: scores in `satnotify_scores`, reported periods in
 * `satnotify_report_periods` (written in the transaction that records the report's outbox rows),
 * and reads of usage, node states and the outbox.
 */
import type pg from 'pg';
import { insertItems } from '../outbox/sql.js';
import type { NewsItem } from '../news/news.js';
import type { NewItem } from '../outbox/outbox.js';
import type { UsageDay } from '../usage/signal.js';
import { USAGE_COLUMNS, usageDayOf, type UsageRow } from '../usage/pg-store.js';
import { INCIDENT_KINDS, type IncidentKind, type Scores } from './figures.js';
import { reportSubject, type NodeStates, type RecordedRow, type ReportStore, type ScoreReport } from './store.js';

// A batch's reports of one node are folded first (an upsert cannot touch a row twice): each field
// keeps its latest reported value.
const RECORD_SCORES = `
WITH r AS (
  SELECT decode(node_hex, 'hex') AS node_id, audit, unknown_audit, online, vetted, at
  FROM jsonb_to_recordset($1::jsonb) AS x(node_hex text, audit float8, unknown_audit float8, online float8, vetted boolean, at timestamptz)
), folded AS (
  SELECT node_id,
    (array_agg(audit ORDER BY at DESC) FILTER (WHERE audit IS NOT NULL))[1] AS audit,
    (array_agg(unknown_audit ORDER BY at DESC) FILTER (WHERE unknown_audit IS NOT NULL))[1] AS unknown_audit,
    (array_agg(online ORDER BY at DESC) FILTER (WHERE online IS NOT NULL))[1] AS online,
    (array_agg(vetted ORDER BY at DESC) FILTER (WHERE vetted IS NOT NULL))[1] AS vetted,
    max(at) AS at
  FROM r GROUP BY node_id
)
INSERT INTO satnotify_scores AS s (node_id, audit, unknown_audit, online, vetted, reported_at)
SELECT node_id, audit, unknown_audit, online, vetted, at FROM folded
ON CONFLICT (node_id) DO UPDATE SET
  audit = coalesce(EXCLUDED.audit, s.audit),
  unknown_audit = coalesce(EXCLUDED.unknown_audit, s.unknown_audit),
  online = coalesce(EXCLUDED.online, s.online),
  vetted = coalesce(EXCLUDED.vetted, s.vetted),
  reported_at = greatest(s.reported_at, EXCLUDED.reported_at)`;

const ids = (hexes: readonly string[]): string[] => [...hexes];
const float = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** PgReportStore keeps scores and reported periods, and reads what reports are made of. */
export class PgReportStore implements ReportStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async recordScores(reports: readonly ScoreReport[]): Promise<void> {
    if (reports.length === 0) return;
    const rows = reports.map((r) => ({
      node_hex: r.nodeHex,
      audit: r.audit ?? null,
      unknown_audit: r.unknownAudit ?? null,
      online: r.online ?? null,
      vetted: r.vetted ?? null,
      at: r.at.toISOString(),
    }));
    await this.#pool.query(RECORD_SCORES, [JSON.stringify(rows)]);
  }

  async scores(nodeHexes: readonly string[]): Promise<Map<string, Scores>> {
    const { rows } = await this.#pool.query<{
      node_hex: string;
      audit: number | null;
      unknown_audit: number | null;
      online: number | null;
      vetted: boolean | null;
    }>(
      `SELECT encode(node_id, 'hex') AS node_hex, audit, unknown_audit, online, vetted FROM satnotify_scores
       WHERE node_id = ANY (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h)`,
      [ids(nodeHexes)],
    );
    return new Map(
      rows.map((r) => [
        r.node_hex,
        { audit: float(r.audit), unknownAudit: float(r.unknown_audit), online: float(r.online), vetted: r.vetted },
      ]),
    );
  }

  async usage(nodeHexes: readonly string[], from: string, to: string): Promise<UsageDay[]> {
    const { rows } = await this.#pool.query<UsageRow>(
      `SELECT ${USAGE_COLUMNS} FROM satnotify_usage
       WHERE node_id = ANY (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h) AND day BETWEEN $2::date AND $3::date`,
      [ids(nodeHexes), from, to],
    );
    return rows.map(usageDayOf);
  }

  async nodesWithUsage(nodeHexes: readonly string[], from: string, to: string): Promise<Set<string>> {
    const { rows } = await this.#pool.query<{ node_hex: string }>(
      `SELECT DISTINCT encode(node_id, 'hex') AS node_hex FROM satnotify_usage
       WHERE node_id = ANY (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h) AND day BETWEEN $2::date AND $3::date`,
      [ids(nodeHexes), from, to],
    );
    return new Set(rows.map((r) => r.node_hex));
  }

  async recorded(nodeHexes: readonly string[], from: Date, to: Date): Promise<RecordedRow[]> {
    // The notification itself (not its copies); news a storm guard judged the satellite's own fault is not the node's.
    const { rows } = await this.#pool.query<{
      id: string;
      node_hex: string;
      kind: IncidentKind;
      occurred_at: Date;
      offline_for: string | null;
    }>(
      `SELECT id, encode(node_id, 'hex') AS node_hex, kind, occurred_at,
         payload #>> '{source,data,offlineFor}' AS offline_for
       FROM satnotify_outbox
       WHERE node_id = ANY (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h) AND copy_of IS NULL
         AND kind = ANY ($2::text[]) AND occurred_at >= $3 AND occurred_at < $4
         AND NOT (status = 'suppressed' AND reason = 'satellite-side outage')
       ORDER BY occurred_at, id`,
      [ids(nodeHexes), [...INCIDENT_KINDS], from, to],
    );
    return rows.map((r) => ({
      id: r.id,
      nodeHex: r.node_hex,
      kind: r.kind,
      at: r.occurred_at,
      offlineForMs: r.offline_for === null ? null : Number(r.offline_for),
    }));
  }

  async nodeStates(nodeHexes: readonly string[]): Promise<NodeStates> {
    const { rows } = await this.#pool.query<{
      node_hex: string;
      offline_since: Date | null;
      welcomed_at: Date | null;
      suspended_at: Date | null;
      disqualified_at: Date | null;
    }>(
      `SELECT encode(node_id, 'hex') AS node_hex, offline_since, welcomed_at,
         least(offline_suspended_at, unknown_audit_suspended_at) AS suspended_at, disqualified_at
       FROM satnotify_node_state WHERE node_id = ANY (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h)`,
      [ids(nodeHexes)],
    );
    const pick = (k: 'offline_since' | 'welcomed_at' | 'suspended_at' | 'disqualified_at'): Map<string, Date> =>
      new Map(rows.flatMap((r) => (r[k] ? [[r.node_hex, r[k]] as const] : [])));
    return {
      offlineSince: pick('offline_since'),
      welcomedAt: pick('welcomed_at'),
      suspendedAt: pick('suspended_at'),
      disqualifiedAt: pick('disqualified_at'),
    };
  }

  async reported(periods: ReadonlyArray<{ subject: string; period: string }>): Promise<Set<string>> {
    if (periods.length === 0) return new Set();
    // By the primary key: the pairs asked, not a scan of every period ever reported.
    const { rows } = await this.#pool.query<{ key: string }>(
      `SELECT p.subject || '|' || p.period AS key FROM satnotify_report_periods p
       JOIN unnest($1::text[], $2::text[]) AS q(subject, period) ON p.subject = q.subject AND p.period = q.period`,
      [periods.map((p) => p.subject), periods.map((p) => p.period)],
    );
    return new Set(rows.map((r) => r.key));
  }

  async forget(operator: string): Promise<void> {
    await this.#pool.query(`DELETE FROM satnotify_report_periods WHERE subject = $1`, [reportSubject(operator)]);
  }

  async record(
    subject: string,
    period: string,
    items: readonly NewItem[],
    at: Date,
    news?: NewsItem,
  ): Promise<boolean> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const claimed = await client.query(
        `INSERT INTO satnotify_report_periods (subject, period, item_id, recorded_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [subject, period, items[0]?.id ?? '', at],
      );
      if (claimed.rowCount === 1 && items.length > 0) await client.query(insertItems(items));
      if (claimed.rowCount === 1 && news)
        await client.query(`INSERT INTO satnotify_news (id, recorded_at, data) VALUES ($1, $2, $3::jsonb)`, [
          news.id,
          news.recordedAt,
          JSON.stringify(news.data),
        ]);
      await client.query('COMMIT');
      return claimed.rowCount === 1;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async prune(before: Date): Promise<number> {
    const r = await this.#pool.query(`DELETE FROM satnotify_report_periods WHERE recorded_at < $1`, [before]);
    return r.rowCount ?? 0;
  }
}
