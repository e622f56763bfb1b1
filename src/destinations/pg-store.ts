/**
 * @module destinations/pg-store
 * DestinationStore on PostgreSQL (or PGlite): one row per destination, by operator.
 */
import type pg from 'pg';
import type { DestinationKind } from './config.js';
import type { DestinationPatch, DestinationRow, DestinationStatus, DestinationStore } from './store.js';

interface Row {
  id: string;
  operator: string;
  kind: string;
  label: string;
  sealed: string;
  status: string;
  code_mac: string | null;
  code_expires_at: Date | null;
  code_attempts: number;
  failures: number;
  last_error: string | null;
  created_at: Date;
  verified_at: Date | null;
}

const COLUMNS: Record<keyof DestinationPatch, string> = {
  status: 'status',
  codeMac: 'code_mac',
  codeExpiresAt: 'code_expires_at',
  codeAttempts: 'code_attempts',
  failures: 'failures',
  lastError: 'last_error',
  verifiedAt: 'verified_at',
  sealed: 'sealed',
};

/** PgDestinationStore keeps destinations in `satnotify_destinations`. */
export class PgDestinationStore implements DestinationStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async insert(r: DestinationRow, max: number): Promise<boolean> {
    // The operator's adds one at a time (an advisory lock on the address), so two cannot both pass the count.
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [r.operator]);
      const res = await client.query(
        `INSERT INTO satnotify_destinations (id, operator, kind, label, sealed, status, code_mac, code_expires_at,
           code_attempts, failures, last_error, created_at, verified_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
         WHERE (SELECT count(*) FROM satnotify_destinations WHERE operator = $2) < $14`,
        [
          r.id,
          r.operator,
          r.kind,
          r.label,
          r.sealed,
          r.status,
          r.codeMac,
          r.codeExpiresAt,
          r.codeAttempts,
          r.failures,
          r.lastError,
          r.createdAt,
          r.verifiedAt,
          max,
        ],
      );
      await client.query('COMMIT');
      return (res.rowCount ?? 0) === 1;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async startCode(
    operator: string,
    id: string,
    code: { mac: string; expiresAt: Date; lastExpiryBy: Date },
  ): Promise<boolean> {
    const res = await this.#pool.query(
      `UPDATE satnotify_destinations SET code_mac = $3, code_expires_at = $4, code_attempts = 0
       WHERE operator = $1 AND id = $2 AND status <> 'active' AND (code_expires_at IS NULL OR code_expires_at <= $5)`,
      [operator, id, code.mac, code.expiresAt, code.lastExpiryBy],
    );
    return (res.rowCount ?? 0) === 1;
  }

  async tryCode(operator: string, id: string, now: Date, max: number): Promise<string | null> {
    const { rows } = await this.#pool.query<{ code_mac: string }>(
      `UPDATE satnotify_destinations SET code_attempts = code_attempts + 1
       WHERE operator = $1 AND id = $2 AND code_mac IS NOT NULL AND code_expires_at > $3 AND code_attempts < $4
       RETURNING code_mac`,
      [operator, id, now, max],
    );
    return rows[0]?.code_mac ?? null;
  }

  async activate(operator: string, id: string, mac: string, now: Date): Promise<boolean> {
    const res = await this.#pool.query(
      `UPDATE satnotify_destinations SET status = 'active', verified_at = $4, code_mac = NULL, code_expires_at = NULL,
         code_attempts = 0, failures = 0, last_error = NULL
       WHERE operator = $1 AND id = $2 AND code_mac = $3`,
      [operator, id, mac, now],
    );
    return (res.rowCount ?? 0) === 1;
  }

  async countFailure(
    operator: string,
    id: string,
    error: string,
    pauseAfter: number,
  ): Promise<{ failures: number; status: DestinationStatus } | null> {
    const { rows } = await this.#pool.query<{ failures: number; status: string }>(
      `UPDATE satnotify_destinations SET failures = failures + 1, last_error = $3,
         status = CASE WHEN status = 'active' AND failures + 1 >= $4 THEN 'paused' ELSE status END
       WHERE operator = $1 AND id = $2 RETURNING failures, status`,
      [operator, id, error, pauseAfter],
    );
    const r = rows[0];
    return r ? { failures: r.failures, status: r.status as DestinationStatus } : null;
  }

  async get(operator: string, id: string): Promise<DestinationRow | null> {
    const { rows } = await this.#pool.query<Row>(
      'SELECT * FROM satnotify_destinations WHERE operator = $1 AND id = $2',
      [operator, id],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  async byId(id: string): Promise<DestinationRow | null> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM satnotify_destinations WHERE id = $1', [id]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async active(): Promise<Array<{ id: string; operator: string }>> {
    const { rows } = await this.#pool.query<{ id: string; operator: string }>(
      "SELECT id, operator FROM satnotify_destinations WHERE status = 'active' ORDER BY created_at, id",
    );
    return rows;
  }

  async list(operator: string): Promise<DestinationRow[]> {
    const { rows } = await this.#pool.query<Row>(
      'SELECT * FROM satnotify_destinations WHERE operator = $1 ORDER BY created_at, id',
      [operator],
    );
    return rows.map(toRow);
  }

  async update(operator: string, id: string, patch: DestinationPatch): Promise<boolean> {
    const entries = Object.entries(patch) as Array<[keyof DestinationPatch, unknown]>;
    if (entries.length === 0) return true;
    const sets = entries.map(([k], i) => `${COLUMNS[k]} = $${i + 3}`);
    const res = await this.#pool.query(
      `UPDATE satnotify_destinations SET ${sets.join(', ')} WHERE operator = $1 AND id = $2`,
      [operator, id, ...entries.map(([, v]) => v)],
    );
    return (res.rowCount ?? 0) === 1;
  }

  async remove(operator: string, id: string): Promise<boolean> {
    const res = await this.#pool.query('DELETE FROM satnotify_destinations WHERE operator = $1 AND id = $2', [
      operator,
      id,
    ]);
    return (res.rowCount ?? 0) === 1;
  }

  async eraseOperator(operator: string): Promise<number> {
    const res = await this.#pool.query('DELETE FROM satnotify_destinations WHERE operator = $1', [operator]);
    return res.rowCount ?? 0;
  }
}

function toRow(r: Row): DestinationRow {
  return {
    id: r.id,
    operator: r.operator,
    kind: r.kind as DestinationKind,
    label: r.label,
    sealed: r.sealed,
    status: r.status as DestinationStatus,
    codeMac: r.code_mac,
    codeExpiresAt: r.code_expires_at,
    codeAttempts: r.code_attempts,
    failures: r.failures,
    lastError: r.last_error,
    createdAt: r.created_at,
    verifiedAt: r.verified_at,
  };
}
