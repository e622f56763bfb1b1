/**
 * @module notification/news/store
 * The NewsStore seam: the public announcements, newest first (pg-store.ts).
 */
import type { NewsItem } from './news.js';

/** NewsStore keeps what was announced publicly. */
export interface NewsStore {
  add(item: NewsItem): Promise<void>;
  /** latest is the newest `limit` items, newest first. */
  latest(limit: number): Promise<NewsItem[]>;
  get(id: string): Promise<NewsItem | null>;
}
