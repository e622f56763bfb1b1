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
    // One statement: two adds at once cannot both pass the count.
    const res = await this.#pool.query(
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
    return (res.rowCount ?? 0) === 1;
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

  async update(
    operator: string,
    id: string,
    patch: DestinationPatch,
    expect?: { codeAttempts: number },
  ): Promise<boolean> {
    const entries = Object.entries(patch) as Array<[keyof DestinationPatch, unknown]>;
    if (entries.length === 0) return true;
    const sets = entries.map(([k], i) => `${COLUMNS[k]} = $${i + 3}`);
    const values: unknown[] = [operator, id, ...entries.map(([, v]) => v)];
    let where = 'operator = $1 AND id = $2';
    if (expect) {
      values.push(expect.codeAttempts);
      where += ` AND code_attempts = $${values.length}`;
    }
    const res = await this.#pool.query(`UPDATE satnotify_destinations SET ${sets.join(', ')} WHERE ${where}`, values);
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
