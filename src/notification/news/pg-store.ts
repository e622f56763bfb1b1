/**
 * @module notification/news/pg-store
 * NewsStore on PostgreSQL or PGlite, in `satnotify_news`.
 */
import type pg from 'pg';
import type { NewsItem } from './news.js';
import type { NewsStore } from './store.js';

interface NewsRow {
  id: string;
  recorded_at: Date;
  data: Record<string, unknown>;
}

const toItem = (r: NewsRow): NewsItem => ({ id: r.id, recordedAt: r.recorded_at, data: r.data });

/** PgNewsStore keeps the public announcements. */
export class PgNewsStore implements NewsStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async add(item: NewsItem): Promise<void> {
    await this.#pool.query(`INSERT INTO satnotify_news (id, recorded_at, data) VALUES ($1, $2, $3::jsonb)`, [
      item.id,
      item.recordedAt,
      JSON.stringify(item.data),
    ]);
  }

  async latest(limit: number): Promise<NewsItem[]> {
    const { rows } = await this.#pool.query<NewsRow>(
      `SELECT id, recorded_at, data FROM satnotify_news ORDER BY recorded_at DESC, id LIMIT $1`,
      [limit],
    );
    return rows.map(toItem);
  }

  async get(id: string): Promise<NewsItem | null> {
    const { rows } = await this.#pool.query<NewsRow>(`SELECT id, recorded_at, data FROM satnotify_news WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? toItem(rows[0]) : null;
  }
}
