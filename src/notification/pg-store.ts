/**
 * @module notification/pg-store
 * StatusStore on PostgreSQL or PGlite. A reservation is one statement, one round trip: an upsert
 * that locks the row, applies MaxHr/MaxDay/MinDelay and counts, with window starts computed by
 * luxon in TypeScript and passed as parameters. It mirrors policy.ts's arithmetic; a property test
 * replays random sequences through both and demands identical decisions.
 *
 * Reservations made in the same tick with the same limits share one statement (one row each), so
 * a storm or many concurrent callers cost one round trip per batch, not per node.
 */
import type pg from 'pg';
import type { Reservation, ReserveResult, StatusKey, StatusStore } from './db.js';
import { decide, EMPTY_STATUS, type LimitOptions, type Status } from './policy.js';
import { windowsAt } from './windows.js';

interface StatusRow {
  subject: string;
  channel: string;
  hr_start: Date | null;
  hr_count: number;
  day_start: Date | null;
  day_count: number;
  last_sent: Date | null;
  prev_last_sent: Date | null;
  granted: boolean;
}

// Rows come as arrays ($1 subjects, $2 channels, $3 hour starts, $4 day starts, $5 instants); the
// limits are shared ($6 maxHr, $7 maxDay, $8 minDelay ms). A new row is a granted first send.
// The counters of the current windows: a stored counter from an older window counts as 0.
const HOUR_COUNT = 'CASE WHEN s.hr_start = EXCLUDED.hr_start THEN s.hr_count ELSE 0 END';
const DAY_COUNT = 'CASE WHEN s.day_start = EXCLUDED.day_start THEN s.day_count ELSE 0 END';
// policy.ts's rule: under both counts, and at least minDelay after the last send.
const OK = `(${DAY_COUNT} < $7::int AND ${HOUR_COUNT} < $6::int
  AND (s.last_sent IS NULL OR s.last_sent <= EXCLUDED.last_sent - $8::float8 * interval '1 millisecond'))`;
// The row is always written (granted or not) so that RETURNING reports the exact state the decision
// was taken on, while the row lock is held; a denial therefore needs no second read.
const RESERVE = `
INSERT INTO satnotify_status AS s
  (subject, channel, hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent, granted)
SELECT u.subject, u.channel, u.hr_start, 1, u.day_start, 1, u.at, NULL, true
FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[]) AS u(subject, channel, hr_start, day_start, at)
ON CONFLICT (subject, channel) DO UPDATE SET
  hr_start       = CASE WHEN ${OK} THEN EXCLUDED.hr_start ELSE s.hr_start END,
  hr_count       = CASE WHEN ${OK} THEN ${HOUR_COUNT} + 1 ELSE s.hr_count END,
  day_start      = CASE WHEN ${OK} THEN EXCLUDED.day_start ELSE s.day_start END,
  day_count      = CASE WHEN ${OK} THEN ${DAY_COUNT} + 1 ELSE s.day_count END,
  last_sent      = CASE WHEN ${OK} THEN EXCLUDED.last_sent ELSE s.last_sent END,
  prev_last_sent = CASE WHEN ${OK} THEN s.last_sent ELSE s.prev_last_sent END,
  granted        = ${OK}
RETURNING subject, channel, hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent, granted`;

// Undo one reservation: decrement only the windows it counted in, and restore last_sent only if
// no later reservation has replaced it.
const REFUND = `
UPDATE satnotify_status SET
  hr_count  = CASE WHEN hr_start  = $3 THEN greatest(hr_count - 1, 0)  ELSE hr_count END,
  day_count = CASE WHEN day_start = $4 THEN greatest(day_count - 1, 0) ELSE day_count END,
  last_sent = CASE WHEN last_sent = $5 THEN $6::timestamptz ELSE last_sent END
WHERE subject = $1 AND channel = $2`;

const SELECT = 'SELECT subject, channel, hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent, granted FROM satnotify_status WHERE subject = $1 AND channel = $2';

/** The most rows one reservation statement carries. */
const MAX_BATCH = 500;

interface Pending {
  key: StatusKey;
  now: Date;
  resolve: (r: ReserveResult) => void;
  reject: (err: unknown) => void;
}

/** PgStatusStore keeps counters in `satnotify_status`, shared by every process on the database. */
export class PgStatusStore implements StatusStore {
  readonly #pool: pg.Pool;
  /** Calls waiting for the next statement, per limits. */
  readonly #queued = new Map<string, { limits: LimitOptions; calls: Pending[] }>();
  #scheduled = false;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  reserve(key: StatusKey, now: Date, limits: LimitOptions): Promise<ReserveResult> {
    // A limit of 0 never grants and needs no lock: read and explain.
    if (limits.maxHr === 0 || limits.maxDay === 0) return this.get(key).then((status) => denial(status, now, limits, key));
    return new Promise((resolve, reject) => this.#enqueue(limits, [{ key, now, resolve, reject }], false));
  }

  async refund(r: Reservation): Promise<void> {
    await this.#pool.query(REFUND, [r.key.subject, r.key.channel, r.hrStart, r.dayStart, r.at, r.previousLastSent]);
  }

  async get(key: StatusKey): Promise<Status> {
    const { rows } = await this.#pool.query<StatusRow>(SELECT, [key.subject, key.channel]);
    return rows[0] ? toStatus(rows[0]) : EMPTY_STATUS;
  }

  #enqueue(limits: LimitOptions, calls: Pending[], first: boolean): void {
    const sig = `${limits.timezone}|${limits.maxHr}|${limits.maxDay}|${limits.minDelayMs}`;
    let q = this.#queued.get(sig);
    if (!q) this.#queued.set(sig, (q = { limits, calls: [] }));
    if (first) q.calls.unshift(...calls);
    else q.calls.push(...calls);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const queued = [...this.#queued.values()];
    this.#queued.clear();
    for (const q of queued) {
      // One row per key per statement (ON CONFLICT cannot touch a row twice); a repeated key waits
      // for this statement to finish, then goes first in the next, so calls for one key keep their order.
      const seen = new Set<string>();
      const batch: Pending[] = [];
      const later: Pending[] = [];
      for (const c of q.calls) {
        const k = keyOf(c.key);
        if (seen.has(k) || batch.length >= MAX_BATCH) later.push(c);
        else {
          seen.add(k);
          batch.push(c);
        }
      }
      const run = this.#run(batch, q.limits);
      if (later.length > 0) void run.then(() => this.#enqueue(q.limits, later, true));
    }
  }

  async #run(batch: Pending[], limits: LimitOptions): Promise<void> {
    // Lock rows in one global order, so two processes' batches cannot deadlock.
    batch.sort((a, b) => (keyOf(a.key) < keyOf(b.key) ? -1 : keyOf(a.key) > keyOf(b.key) ? 1 : 0));
    const windows = batch.map((c) => windowsAt(c.now, limits.timezone));
    try {
      const { rows } = await this.#pool.query<StatusRow>({
        name: 'satnotify_reserve',
        text: RESERVE,
        values: [
          batch.map((c) => c.key.subject),
          batch.map((c) => c.key.channel),
          windows.map((w) => w.hourStart),
          windows.map((w) => w.dayStart),
          batch.map((c) => c.now),
          limits.maxHr,
          limits.maxDay,
          limits.minDelayMs,
        ],
      });
      const byKey = new Map(rows.map((r) => [`${r.channel}\u0000${r.subject}`, r]));
      batch.forEach((c, i) => {
        const row = byKey.get(keyOf(c.key));
        if (!row) return c.reject(new Error(`satnotify: no status row returned for ${c.key.channel}/${c.key.subject}`));
        const status = toStatus(row);
        const w = windows[i] as (typeof windows)[number];
        if (row.granted) c.resolve({ granted: true, status, reservation: { key: c.key, at: c.now, hrStart: w.hourStart, dayStart: w.dayStart, previousLastSent: row.prev_last_sent } });
        else {
          try {
            c.resolve(denial(status, c.now, limits, c.key));
          } catch (err) {
            c.reject(err);
          }
        }
      });
    } catch (err) {
      for (const c of batch) c.reject(err);
    }
  }
}

function denial(status: Status, now: Date, limits: LimitOptions, key: StatusKey): ReserveResult {
  const d = decide(status, now, limits);
  if (d.allowed) throw new Error(`satnotify: SQL and policy disagree for ${key.channel}/${key.subject} at ${now.toISOString()}`);
  return { granted: false, reason: d.reason, retryAt: d.retryAt, status };
}

function keyOf(key: StatusKey): string {
  return `${key.channel}\u0000${key.subject}`;
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
