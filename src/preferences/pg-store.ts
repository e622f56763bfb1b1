/**
 * @module preferences/pg-store
 * PreferenceStore on PostgreSQL (or PGlite): one row per operator, the choices as JSON.
 */
import type pg from 'pg';
import { erasedKey } from './preferences.js';
import type { PreferencesUpdate } from './preferences.js';
import type { PreferenceStore } from './store.js';

export class PgPreferenceStore implements PreferenceStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async getMany(operators: readonly string[]): Promise<Map<string, PreferencesUpdate>> {
    if (operators.length === 0) return new Map();
    const { rows } = await this.#pool.query<{ operator: string; prefs: PreferencesUpdate }>(
      'SELECT operator, prefs FROM satnotify_preferences WHERE operator = ANY($1::text[])',
      [operators],
    );
    return new Map(rows.map((r) => [r.operator, r.prefs]));
  }

  async put(operator: string, prefs: PreferencesUpdate): Promise<void> {
    await this.#pool.query(
      `INSERT INTO satnotify_preferences (operator, prefs, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (operator) DO UPDATE SET prefs = EXCLUDED.prefs, updated_at = now()`,
      [operator, JSON.stringify(prefs)],
    );
  }

  async erase(operator: string, at: Date): Promise<void> {
    await this.#pool.query(
      `WITH gone AS (DELETE FROM satnotify_preferences WHERE operator = $1)
       INSERT INTO satnotify_erased (address_hash, erased_at) VALUES ($2, $3)
       ON CONFLICT (address_hash) DO UPDATE SET erased_at = EXCLUDED.erased_at`,
      [operator, erasedKey(operator), at],
    );
  }

  async erasedAt(operator: string): Promise<Date | null> {
    const { rows } = await this.#pool.query<{ erased_at: Date }>(
      'SELECT erased_at FROM satnotify_erased WHERE address_hash = $1',
      [erasedKey(operator)],
    );
    return rows[0]?.erased_at ?? null;
  }
}
