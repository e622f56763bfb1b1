/**
 * @module cli/timeline
 * `satnotify timeline`: one simulated node, a day of notification attempts on a simulated clock,
 * through the real status store on the embedded database; prints which were allowed and why not.
 */
import { DateTime } from 'luxon';
import { resolveConfig, type Config } from '../config.js';
import { openDatabase } from '../database/connect.js';
import { PgStatusStore } from '../notification/pg-store.js';

/** TimelineRow is one attempt and its outcome. */
export interface TimelineRow {
  at: string;
  allowed: boolean;
  reason?: string;
  retryAt?: string | null;
}

/** runTimeline makes an attempt every `everyMinutes` for one calendar day from local midnight and returns the outcomes. */
export async function runTimeline(config: Config = {}, everyMinutes = 20): Promise<TimelineRow[]> {
  const c = resolveConfig({ ...config, database: { dataDir: 'memory://', ...config.database } });
  const db = await openDatabase(c.database);
  try {
    const store = new PgStatusStore(db.pool);
    const zone = c.limits.timezone;
    const limits = { ...c.limits.email, timezone: zone };
    const start = DateTime.fromISO('2024-10-27T00:00', { zone }); // a fall-back day in Europe: 25 h
    const rows: TimelineRow[] = [];
    for (let t = start; t < start.plus({ days: 1 }); t = t.plus({ minutes: everyMinutes })) {
      const r = await store.reserve({ subject: 'timeline-node', channel: 'email' }, t.toJSDate(), limits);
      const at = t.toFormat("yyyy-MM-dd HH:mm ZZZZ");
      rows.push(r.granted ? { at, allowed: true } : { at, allowed: false, reason: r.reason, retryAt: r.retryAt && DateTime.fromJSDate(r.retryAt, { zone }).toFormat('HH:mm') });
    }
    return rows;
  } finally {
    await db.close();
  }
}
