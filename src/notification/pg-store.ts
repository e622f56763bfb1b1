/**
 * @module notification/pg-store
 * StatusStore on PostgreSQL or PGlite. The reservation is one statement, one round trip: an upsert
 * that locks the row, applies MaxHr/MaxDay/MinDelay and counts, with window starts computed by
 * luxon in TypeScript and passed as parameters. It mirrors policy.ts's arithmetic; a property test
 * replays random sequences through both and demands identical decisions.
 */
import type pg from 'pg';
import type { Reservation, ReserveResult, StatusKey, StatusStore } from './db.js';
import { decide, EMPTY_STATUS, type LimitOptions, type Status } from './policy.js';
import { windowsAt } from './windows.js';

interface StatusRow {
  hr_start: Date | null;
  hr_count: number;
  day_start: Date | null;
  day_count: number;
  last_sent: Date | null;
  prev_last_sent: Date | null;
  granted: boolean;
}

// $3 hour start, $4 day start, $5 now, $6 maxHr, $7 maxDay, $8 minDelay ms.
// The row is always written (granted or not) so that RETURNING reports the exact state the decision
// was taken on, while the row lock is held; a denial therefore needs no second read.
const RESERVE = `
INSERT INTO satnotify_status AS s
  (subject, channel, hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent, granted)
SELECT $1, $2, CASE WHEN f.ok THEN $3::timestamptz END, f.ok::int, CASE WHEN f.ok THEN $4::timestamptz END, f.ok::int,
       CASE WHEN f.ok THEN $5::timestamptz END, NULL::timestamptz, f.ok
FROM (SELECT $6::int > 0 AND $7::int > 0 AS ok) f
ON CONFLICT (subject, channel) DO UPDATE SET
  (hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent, granted) = (
    SELECT CASE WHEN v.ok THEN $3::timestamptz ELSE s.hr_start END,
           CASE WHEN v.ok THEN v.hc + 1 ELSE s.hr_count END,
           CASE WHEN v.ok THEN $4::timestamptz ELSE s.day_start END,
           CASE WHEN v.ok THEN v.dc + 1 ELSE s.day_count END,
           CASE WHEN v.ok THEN $5::timestamptz ELSE s.last_sent END,
           CASE WHEN v.ok THEN s.last_sent ELSE s.prev_last_sent END,
           v.ok
    FROM (SELECT c.hc, c.dc,
                 c.dc < $7::int AND c.hc < $6::int
                 AND (s.last_sent IS NULL OR s.last_sent <= $5::timestamptz - $8::float8 * interval '1 millisecond') AS ok
          FROM (SELECT CASE WHEN s.hr_start = $3::timestamptz THEN s.hr_count ELSE 0 END AS hc,
                       CASE WHEN s.day_start = $4::timestamptz THEN s.day_count ELSE 0 END AS dc) c) v)
RETURNING hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent, granted`;

// Undo one reservation: decrement only the windows it counted in, and restore last_sent only if
// no later reservation has replaced it.
const REFUND = `
UPDATE satnotify_status SET
  hr_count  = CASE WHEN hr_start  = $3 THEN greatest(hr_count - 1, 0)  ELSE hr_count END,
  day_count = CASE WHEN day_start = $4 THEN greatest(day_count - 1, 0) ELSE day_count END,
  last_sent = CASE WHEN last_sent = $5 THEN $6::timestamptz ELSE last_sent END
WHERE subject = $1 AND channel = $2`;

/** PgStatusStore keeps counters in `satnotify_status`, shared by every process on the database. */
export class PgStatusStore implements StatusStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async reserve(key: StatusKey, now: Date, limits: LimitOptions): Promise<ReserveResult> {
    const w = windowsAt(now, limits.timezone);
    // Named, so each connection parses and plans it once.
    const { rows } = await this.#pool.query<StatusRow>({ name: 'satnotify_reserve', text: RESERVE, values: [
      key.subject,
      key.channel,
      w.hourStart,
      w.dayStart,
      now,
      limits.maxHr,
      limits.maxDay,
      limits.minDelayMs,
    ] });
    const row = rows[0] as StatusRow;
    const status = toStatus(row);
    if (row.granted) {
      return {
        granted: true,
        status,
        reservation: { key, at: now, hrStart: w.hourStart, dayStart: w.dayStart, previousLastSent: row.prev_last_sent },
      };
    }
    const d = decide(status, now, limits);
    if (d.allowed) throw new Error(`satnotify: SQL and policy disagree for ${key.channel}/${key.subject} at ${now.toISOString()}`);
    return { granted: false, reason: d.reason, retryAt: d.retryAt, status };
  }

  async refund(r: Reservation): Promise<void> {
    await this.#pool.query(REFUND, [r.key.subject, r.key.channel, r.hrStart, r.dayStart, r.at, r.previousLastSent]);
  }

  async get(key: StatusKey): Promise<Status> {
    const { rows } = await this.#pool.query<StatusRow>(
      'SELECT hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent, granted FROM satnotify_status WHERE subject = $1 AND channel = $2',
      [key.subject, key.channel],
    );
    return rows[0] ? toStatus(rows[0]) : EMPTY_STATUS;
  }
}

function toStatus(row: StatusRow): Status {
  return {
    hrStart: row.hr_start,
    hrCounter: row.hr_count,
    dayStart: row.day_start,
    dayCounter: row.day_count,
    lastSent: row.last_sent,
  };
}
