/**
 * @module notification/usage/pg-store
 * UsageStore on PostgreSQL or PGlite: a batch of reports is one statement, rows sent as one JSON
 * array and folded into their days with an upsert.
 */
import type pg from 'pg';
import type { UsageDay } from './signal.js';
import type { UsageStore } from './store.js';

/** UsageRow is a `satnotify_usage` row as USAGE_COLUMNS reads it. */
export interface UsageRow {
  node_hex: string;
  day: string;
  stored_bytes: string;
  free_bytes: string | null;
  egress_bytes: string;
  ingress_bytes: string;
  reported_at: Date;
}

// Reports of one node and day within a batch are folded first (an upsert cannot touch a row twice),
// then into the stored day: the latest report's stored and free values, traffic summed.
const RECORD = `
WITH r AS (
  SELECT decode(node_hex, 'hex') AS node_id, day::date AS day, stored_bytes, free_bytes, egress_bytes, ingress_bytes, reported_at
  FROM jsonb_to_recordset($1::jsonb) AS x(node_hex text, day text, stored_bytes bigint, free_bytes bigint,
    egress_bytes bigint, ingress_bytes bigint, reported_at timestamptz)
), folded AS (
  SELECT node_id, day,
    (array_agg(stored_bytes ORDER BY reported_at DESC))[1] AS stored_bytes,
    (array_agg(free_bytes ORDER BY reported_at DESC))[1] AS free_bytes,
    sum(egress_bytes)::bigint AS egress_bytes, sum(ingress_bytes)::bigint AS ingress_bytes, max(reported_at) AS reported_at
  FROM r GROUP BY node_id, day
)
INSERT INTO satnotify_usage AS u (node_id, day, stored_bytes, free_bytes, egress_bytes, ingress_bytes, reported_at)
SELECT node_id, day, stored_bytes, free_bytes, egress_bytes, ingress_bytes, reported_at FROM folded
ON CONFLICT (node_id, day) DO UPDATE SET
  stored_bytes = CASE WHEN EXCLUDED.reported_at >= u.reported_at THEN EXCLUDED.stored_bytes ELSE u.stored_bytes END,
  free_bytes = CASE WHEN EXCLUDED.reported_at >= u.reported_at THEN coalesce(EXCLUDED.free_bytes, u.free_bytes) ELSE u.free_bytes END,
  egress_bytes = u.egress_bytes + EXCLUDED.egress_bytes,
  ingress_bytes = u.ingress_bytes + EXCLUDED.ingress_bytes,
  reported_at = greatest(u.reported_at, EXCLUDED.reported_at)`;

/** USAGE_COLUMNS reads a `satnotify_usage` row as a UsageRow. */
export const USAGE_COLUMNS = `encode(node_id, 'hex') AS node_hex, to_char(day, 'YYYY-MM-DD') AS day, stored_bytes,
  free_bytes, egress_bytes, ingress_bytes, reported_at`;

/** usageDayOf is a row as a UsageDay (bigints arrive as strings; bytes fit a double exactly). */
export function usageDayOf(r: UsageRow): UsageDay {
  return {
    nodeId: r.node_hex,
    day: r.day,
    storedBytes: Number(r.stored_bytes),
    freeBytes: r.free_bytes === null ? null : Number(r.free_bytes),
    egressBytes: Number(r.egress_bytes),
    ingressBytes: Number(r.ingress_bytes),
    reportedAt: r.reported_at,
  };
}

/** PgUsageStore keeps usage in `satnotify_usage`. */
export class PgUsageStore implements UsageStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async record(reports: readonly UsageDay[]): Promise<void> {
    if (reports.length === 0) return;
    const rows = reports.map((r) => ({
      node_hex: r.nodeId,
      day: r.day,
      stored_bytes: r.storedBytes,
      free_bytes: r.freeBytes,
      egress_bytes: r.egressBytes,
      ingress_bytes: r.ingressBytes,
      reported_at: r.reportedAt.toISOString(),
    }));
    await this.#pool.query(RECORD, [JSON.stringify(rows)]);
  }

  async days(nodeId: string, since: string): Promise<UsageDay[]> {
    const { rows } = await this.#pool.query<UsageRow>(
      `SELECT ${USAGE_COLUMNS} FROM satnotify_usage WHERE node_id = decode($1, 'hex') AND day >= $2::date ORDER BY day`,
      [nodeId, since],
    );
    return rows.map(usageDayOf);
  }

  async prune(before: string): Promise<number> {
    const r = await this.#pool.query(`DELETE FROM satnotify_usage WHERE day < $1::date`, [before]);
    return r.rowCount ?? 0;
  }
}
