/**
 * @module database/statistics
 * The planner's picture of a table that changes in bursts. Autovacuum analyzes a table only once
 * a tenth of it has changed, and looks at most once a minute (PGlite never does). Until then the
 * planner judges the outbox by its last ANALYZE, taken when nearly every row had been sent, and
 * plans a claim in a storm to fetch and sort every due row rather than walk the first few in
 * order: a claim then costs the whole backlog instead of what it takes.
 */
import type pg from 'pg';

/** FreshStatistics analyzes one table once enough rows have been added to it. */
export class FreshStatistics {
  readonly #target: string;
  readonly #table: string;
  readonly #rows: number;
  readonly #everyMs: number;
  #askedAt = -Infinity;
  #asking: Promise<void> | undefined;
  /** The table's insert count when this process last analyzed it. */
  #insertedAtAnalyze: number | undefined;

  /**
   * @param table the table, as the pool's search path finds it
   * @param columns the columns whose statistics matter; autovacuum still keeps the others
   * @param rows rows added since its last ANALYZE that call for another
   * @param everyMs how often, at most, to ask the server how many have been added
   */
  constructor(
    table: string,
    columns: readonly string[],
    { rows = 10_000, everyMs = 5_000 }: { rows?: number; everyMs?: number } = {},
  ) {
    this.#table = table;
    this.#target = `${table} (${columns.join(', ')})`;
    this.#rows = rows;
    this.#everyMs = everyMs;
  }

  /**
   * refresh analyzes the table if enough rows were added since its last ANALYZE. The server's
   * counts lag its sessions' commits by up to a second while they are busy. Calls made while an
   * earlier one asks wait for it, so what they plan next sees the new statistics.
   */
  refresh(pool: pg.Pool): Promise<void> {
    if (this.#asking) return this.#asking;
    if (performance.now() - this.#askedAt < this.#everyMs) return Promise.resolve();
    this.#askedAt = performance.now();
    return (this.#asking = this.#ask(pool).finally(() => (this.#asking = undefined)));
  }

  async #ask(pool: pg.Pool): Promise<void> {
    const { rows } = await pool.query<{ changed: string; inserted: string }>(
      'SELECT n_mod_since_analyze AS changed, n_tup_ins AS inserted FROM pg_stat_user_tables WHERE relid = $1::regclass',
      [this.#table],
    );
    if (!rows[0]) return;
    const inserted = Number(rows[0].inserted);
    // Rows changed since any full ANALYZE (autovacuum's, another process's) count; a partial one,
    // like ours, leaves that count be, so rows added since ours must reach the threshold too.
    // Updates alone (a drain) only shrink the backlog the planner expects: no harm there.
    if (Number(rows[0].changed) < this.#rows || inserted - (this.#insertedAtAnalyze ?? -Infinity) < this.#rows) return;
    // Several processes may analyze at once after a storm; the later ones just wait and repeat it.
    await pool.query(`ANALYZE ${this.#target}`);
    this.#insertedAtAnalyze = inserted;
  }
}
