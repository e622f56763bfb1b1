/**
 * @module notification/limits/pg-store
 * StatusStore on PostgreSQL or PGlite. A reservation is one statement, one round trip: it judges
 * MaxHr/MaxDay/MinDelay on its snapshot (a denial ends there, writing nothing), and an upsert that
 * locks the row decides again and counts the rest, with window starts computed by luxon in
 * TypeScript and passed as parameters. A row the lock denies after the snapshot allowed it
 * (another process reserved in between) takes a second round trip. It mirrors policy.ts's
 * arithmetic; a property test replays random sequences through both and demands identical
 * decisions.
 *
 * Reservations made in the same tick with the same limits share one statement (one row each), so
 * a storm or many concurrent callers cost one round trip per batch, not per node; while one batch
 * is in flight the next gathers (group commit), so a drain's deliveries, reaching this step a few
 * per tick, still share statements.
 */
import type pg from 'pg';
import { KeyedBatcher } from '../../database/batch.js';
import { runBatch, unprepared, type StatementPools } from '../../database/statements.js';
import type { Reservation, ReserveResult, StatusKey, StatusStore } from './store.js';
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
}

/** A reservation statement's row: the status, and whether it is granted (counted now, or adopted). */
type ReserveRow = StatusRow & { granted: boolean };

// Rows come as $1 subjects, $2 channels, $3 hour starts, $4 day starts, $5 instants, $6 owners
// (arrays, or scalars for a single row); the limits are shared ($7 maxHr, $8 maxDay, $9 minDelay ms).
// policy.ts's rule, between a stored row and an incoming one: under both counts of the current
// windows (a counter from an older window counts as 0), and at least minDelay after the last send.
// A missing row (all NULL) passes.
const counted = (stored: string, incoming: string, w: 'hr' | 'day'): string =>
  `CASE WHEN ${stored}.${w}_start = ${incoming}.${w}_start THEN ${stored}.${w}_count ELSE 0 END`;
const allows = (stored: string, incoming: string): string => `(
  ${counted(stored, incoming, 'day')} < $8::int AND ${counted(stored, incoming, 'hr')} < $7::int
  AND (${stored}.last_sent IS NULL OR ${stored}.last_sent <= ${incoming}.last_sent - $9::float8 * interval '1 millisecond'))`;
const COLUMNS = 'subject, channel, hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent';

// First every row is judged on the statement's snapshot, without a lock. A denial there is exact
// (the snapshot is the committed state at a moment inside this call, and denying changes nothing),
// so it is answered from the snapshot and writes nothing: a node over its limit costs no lock, no
// WAL and no commit flush. So is an adoption: the row's latest reservation was made for this same
// owner and never undone, so it is that owner's, already counted (its process died before writing
// it onto its outbox row). Only rows the snapshot allows go on to the upsert, which takes the row
// lock and decides again on the latest version (the WHERE); a row it denies there is left out of
// RETURNING, and the caller asks again. Rows are inserted in the order given: callers sort them,
// so two batches lock rows in one global order. The statement's text is sent with every batch,
// so the rule is written twice, not once per column.
const reserveSql = (rows: string): string => `
WITH u AS (${rows}), seen AS (
  SELECT u.*, ${allows('s', 'u')} AS ok, coalesce(s.reserved_for = u.owner, false) AS adopt,
    s.hr_start AS s_hr_start, s.hr_count, s.day_start AS s_day_start, s.day_count, s.last_sent AS s_last_sent, s.prev_last_sent
  FROM u LEFT JOIN satnotify_status s USING (subject, channel)
), reserved AS (
  INSERT INTO satnotify_status AS s (${COLUMNS}, reserved_for)
  SELECT subject, channel, hr_start, 1, day_start, 1, last_sent, NULL, owner FROM seen WHERE ok AND NOT adopt ORDER BY n
  ON CONFLICT (subject, channel) DO UPDATE SET
    hr_count = ${counted('s', 'EXCLUDED', 'hr')} + 1, day_count = ${counted('s', 'EXCLUDED', 'day')} + 1,
    hr_start = EXCLUDED.hr_start, day_start = EXCLUDED.day_start, last_sent = EXCLUDED.last_sent, prev_last_sent = s.last_sent,
    reserved_for = EXCLUDED.reserved_for
  WHERE ${allows('s', 'EXCLUDED')}
  RETURNING ${COLUMNS}, true AS granted
)
SELECT * FROM reserved
UNION ALL
SELECT subject, channel, s_hr_start, hr_count, s_day_start, day_count, s_last_sent, prev_last_sent, adopt FROM seen WHERE adopt OR NOT ok`;

// A lone caller's row comes as scalars in a prepared statement, on sessions with the default plan
// choice: PostgreSQL then settles on one generic plan, a primary-key lookup whatever the table's
// size. Arrays made it estimate ten rows for a generic plan against one for a custom plan, so it
// planned anew on every call. A batch runs on sessions that plan it by key: on a default session,
// a plan cached while the table was nearly empty (a full scan, cheap then) was kept as it grew
// (database/statements.ts).
const RESERVE_ONE = reserveSql(
  'SELECT $1::text AS subject, $2::text AS channel, $3::timestamptz AS hr_start, $4::timestamptz AS day_start, $5::timestamptz AS last_sent, $6::text AS owner, 1::bigint AS n',
);
const RESERVE_MANY = reserveSql(
  'SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[], $6::text[]) WITH ORDINALITY AS u(subject, channel, hr_start, day_start, last_sent, owner, n)',
);

// Undo one reservation: decrement only the windows it counted in, and restore last_sent (and
// forget whom it was for, so it is never adopted) only if no later reservation has replaced it.
const REFUND = `
UPDATE satnotify_status SET
  hr_count     = CASE WHEN hr_start  = $3 THEN greatest(hr_count - 1, 0)  ELSE hr_count END,
  day_count    = CASE WHEN day_start = $4 THEN greatest(day_count - 1, 0) ELSE day_count END,
  reserved_for = CASE WHEN last_sent = $5 THEN NULL ELSE reserved_for END,
  last_sent    = CASE WHEN last_sent = $5 THEN $6::timestamptz ELSE last_sent END
WHERE subject = $1 AND channel = $2`;

const SELECT = `SELECT ${COLUMNS} FROM satnotify_status WHERE subject = $1 AND channel = $2`;

/** RENAME moves $1's rows to $2, replacing what $2 had. */
const RENAME = `
WITH gone AS (DELETE FROM satnotify_status WHERE subject = $1 RETURNING *)
INSERT INTO satnotify_status (subject, channel, hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent, reserved_for)
SELECT $2, channel, hr_start, hr_count, day_start, day_count, last_sent, prev_last_sent, reserved_for FROM gone
ON CONFLICT (subject, channel) DO UPDATE SET hr_start = EXCLUDED.hr_start, hr_count = EXCLUDED.hr_count,
  day_start = EXCLUDED.day_start, day_count = EXCLUDED.day_count, last_sent = EXCLUDED.last_sent,
  prev_last_sent = EXCLUDED.prev_last_sent, reserved_for = EXCLUDED.reserved_for`;

/** The most rows one reservation statement carries. */
const MAX_BATCH = 500;

interface Pending {
  key: StatusKey;
  now: Date;
  owner: string | null;
  resolve: (r: ReserveResult) => void;
  reject: (err: unknown) => void;
}

/** PgStatusStore keeps counters in `satnotify_status`, shared by every process on the database. */
export class PgStatusStore implements StatusStore {
  readonly #pool: pg.Pool;
  /** One batcher per set of limits: a statement carries one set. */
  readonly #batchers = new Map<string, KeyedBatcher<Pending>>();

  readonly #statements: StatementPools;

  constructor(pool: pg.Pool, statements: StatementPools = unprepared(pool)) {
    this.#pool = pool;
    this.#statements = statements;
  }

  reserve(key: StatusKey, now: Date, limits: LimitOptions, owner?: string): Promise<ReserveResult> {
    // A limit of 0 never grants and needs no lock: read and explain.
    if (limits.maxHr === 0 || limits.maxDay === 0)
      return this.get(key).then((status) => denial(status, now, limits, key));
    const batcher = this.#batcher(limits);
    return new Promise((resolve, reject) => batcher.add({ key, now, owner: owner ?? null, resolve, reject }));
  }

  async refund(r: Reservation): Promise<void> {
    await this.#pool.query(REFUND, [r.key.subject, r.key.channel, r.hrStart, r.dayStart, r.at, r.previousLastSent]);
  }

  async get(key: StatusKey): Promise<Status> {
    const { rows } = await this.#pool.query<StatusRow>(SELECT, [key.subject, key.channel]);
    return rows[0] ? toStatus(rows[0]) : EMPTY_STATUS;
  }

  async rename(subject: string, to: string): Promise<void> {
    await this.#pool.query(RENAME, [subject, to]);
  }

  #batcher(limits: LimitOptions): KeyedBatcher<Pending> {
    const sig = `${limits.timezone}|${limits.maxHr}|${limits.maxDay}|${limits.minDelayMs}`;
    let batcher = this.#batchers.get(sig);
    if (!batcher)
      this.#batchers.set(
        sig,
        (batcher = new KeyedBatcher({
          run: (batch) => this.#run(batch, limits),
          keyOf: (c) => keyOf(c.key),
          max: MAX_BATCH,
          inFlight: 1,
        })),
      );
    return batcher;
  }

  async #run(batch: Pending[], limits: LimitOptions): Promise<void> {
    // Lock rows in one global order, so two processes' batches cannot deadlock.
    batch.sort((a, b) => (keyOf(a.key) < keyOf(b.key) ? -1 : keyOf(a.key) > keyOf(b.key) ? 1 : 0));
    const windows = batch.map((c) => windowsAt(c.now, limits.timezone));
    const again: Pending[] = [];
    try {
      const columns = [
        batch.map((c) => c.key.subject),
        batch.map((c) => c.key.channel),
        windows.map((w) => w.hourStart),
        windows.map((w) => w.dayStart),
        batch.map((c) => c.now),
        batch.map((c) => c.owner),
      ];
      const one = batch.length === 1;
      const limitValues = [limits.maxHr, limits.maxDay, limits.minDelayMs];
      const { rows } = one
        ? await this.#pool.query<ReserveRow>({
            name: 'satnotify_reserve_one',
            text: RESERVE_ONE,
            values: [...columns.map((c) => c[0]), ...limitValues],
          })
        : await runBatch<ReserveRow>(this.#statements, 'satnotify_reserve_many', {
            text: RESERVE_MANY,
            values: [...columns, ...limitValues],
          });
      const byKey = new Map(rows.map((r) => [keyOf(r), r]));
      batch.forEach((c) => {
        const row = byKey.get(keyOf(c.key));
        // Allowed on the snapshot, denied under the lock (another process reserved in between):
        // asked again below, on a snapshot that sees that reservation.
        if (!row) return again.push(c);
        const status = toStatus(row);
        // A granted row holds the reservation as counted: this call's, or the one it adopted.
        if (row.granted)
          c.resolve({
            granted: true,
            status,
            reservation: {
              key: c.key,
              at: row.last_sent as Date,
              hrStart: row.hr_start as Date,
              dayStart: row.day_start as Date,
              previousLastSent: row.prev_last_sent,
            },
          });
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
    // Within this run, so later calls for the same keys still wait behind these.
    if (again.length > 0) await this.#run(again, limits);
  }
}

function denial(status: Status, now: Date, limits: LimitOptions, key: StatusKey): ReserveResult {
  const d = decide(status, now, limits);
  if (d.allowed)
    throw new Error(`satnotify: SQL and policy disagree for ${key.channel}/${key.subject} at ${now.toISOString()}`);
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
