/**
 * @module notification/outbox/sql
 * The outbox's statements as named builders (pg-boss's plans.js), each returning `{ text, values }`
 * with its parameters numbered by sql-template-tag, so no `$n` is counted by hand and every value
 * is a parameter. Statuses come from the one list in kinds.ts, inlined as SQL literals where a
 * partial index was made with them (a parameter would keep the planner from using the index).
 * Pure: it builds statements and runs none.
 */
import sql, { raw, type Sql } from 'sql-template-tag';
import { FINAL_STATUSES, OPEN_STATUSES } from '../../kinds.js';
import type { Reservation } from '../limits/store.js';
import type { FeedQuery, HistoryQuery, NewItem, Owned, PruneRequest, Retry } from './outbox.js';

/** Query is what a builder returns: the text with `$n` placeholders and its values. */
export type Query = Sql;

/** OPEN is the open statuses as the literal list the partial indexes were made with. */
const OPEN = raw(`(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`);
/** FINAL is the finished statuses as the literal list the retention indexes were made with. */
const FINAL = raw(`(${FINAL_STATUSES.map((s) => `'${s}'`).join(', ')})`);
/** COPIES is what no feed shows, as the copies index's predicate says it. */
export const COPIES = raw(`kind <> 'digest' AND (copy_of IS NOT NULL OR operator IS NULL)`);

/** groupingWait says a row (`alias`) waits for its group's other rows, not for a hold or a retry. */
export function groupingWait(alias: string): Sql {
  return raw(`(${alias}.status = 'pending' AND ${alias}.due_at > ${alias}.created_at)`);
}

/** How many due rows a pass reads per group it may claim (an operator's group holds a few). */
const ROWS_PER_GROUP = 4;

/** ClaimOptions are one claim's arguments (see Outbox.claim). */
export interface ClaimOptions {
  now: Date;
  leaseUntil: Date;
  groups: number;
  groupKey?: string | undefined;
  busy?: readonly string[] | undefined;
  /** Kinds left out while the storm guard is on (guard/policy.ts): no claim takes them then. */
  guarded?: readonly string[] | undefined;
}

/**
 * claim leases the due rows of up to `groups` groups with something due, oldest first; a group
 * another worker holds (advisory lock) is skipped, and the rows are leased under FOR UPDATE SKIP
 * LOCKED. The groups come from the earliest due rows, read in order through the partial due_at
 * index, so a pass costs what it claims, not the whole backlog. A group's first row is its oldest,
 * so these are still the oldest groups; when older groups hold many rows, a pass just takes fewer
 * groups. Rows come back in the order they happened, and were recorded (seq) at one instant.
 * A claimed group takes its rows still waiting for grouping too (pending, due after they were
 * recorded): two inserts that ran at once cannot see each other's row, so each may set its own
 * wait, a few milliseconds apart, and the later one must not leave alone as a second message.
 */
export function claim(o: ClaimOptions): Query {
  return sql`
WITH first_rows AS (
  SELECT group_key, due_at FROM satnotify_outbox
  WHERE status IN ${OPEN} AND due_at <= ${o.now} AND (leased_until IS NULL OR leased_until < ${o.now})
    AND (${o.groupKey ?? null}::text IS NULL OR group_key = ${o.groupKey ?? null})
    AND group_key <> ALL(${o.busy ?? []}::text[]) AND ${unguarded(o.guarded)}
  ORDER BY due_at LIMIT ${o.groups}::int * ${ROWS_PER_GROUP}
), due AS (
  SELECT group_key, min(due_at) AS first_due FROM first_rows GROUP BY group_key ORDER BY first_due LIMIT ${o.groups}
), mine AS (
  SELECT group_key FROM due WHERE pg_try_advisory_xact_lock(hashtextextended(group_key, 0))
), rows AS (
  SELECT o.id FROM satnotify_outbox o JOIN mine USING (group_key)
  WHERE o.status IN ${OPEN} AND (o.due_at <= ${o.now} OR ${groupingWait('o')})
    AND (o.leased_until IS NULL OR o.leased_until < ${o.now})
    AND ${unguarded(o.guarded)}
  FOR UPDATE OF o SKIP LOCKED
), claimed AS (
  UPDATE satnotify_outbox o SET leased_until = ${o.leaseUntil}
  FROM rows WHERE o.id = rows.id
  RETURNING o.*
)
SELECT * FROM claimed ORDER BY occurred_at, created_at, seq`;
}

/** unguarded leaves out the guarded kinds while the guard's row says it is on (one look per statement). */
function unguarded(kinds: readonly string[] | undefined): Query {
  return kinds
    ? sql`(kind <> ALL(${kinds}::text[]) OR NOT EXISTS (SELECT 1 FROM satnotify_guard WHERE active_since IS NOT NULL))`
    : sql`true`;
}

/**
 * insertItems inserts new items, sent as one JSON array of rows: one statement for any number of
 * items, and one JSON text costs far less to build than an array per column, each of whose
 * elements (a payload's JSON, quotes and all) the driver would escape character by character.
 * `owned[k]` is item k's lease and reservations, if any. An item that waits for operator grouping
 * (due after it was created) joins the earliest waiting item of its group, stored or in the same
 * statement, so everything arriving within one wait leaves together. Builders of larger statements
 * may add a WHERE on `v` (the rows) after it.
 */
export function insertItems(items: readonly NewItem[], owned?: readonly Owned[]): Query {
  return sql`INSERT INTO satnotify_outbox (id, channel, group_key, node_id, kind, bypass, payload, title, summary,
    due_at, occurred_at, created_at, operator, status, reason, leased_until, reservations, copy_of)
  SELECT v.id, v.channel, v.group_key, v.node_id, v.kind, v.bypass, v.payload, v.title, v.summary,
         CASE WHEN v.due_at > v.created_at AND v.held IS NULL THEN LEAST(
           min(v.due_at) FILTER (WHERE v.due_at > v.created_at AND v.held IS NULL) OVER (PARTITION BY v.group_key), (
           SELECT min(w.due_at) FROM satnotify_outbox w
           WHERE w.group_key = v.group_key AND ${groupingWait('w')} AND w.leased_until IS NULL)) ELSE v.due_at END,
         v.occurred_at, v.created_at, v.operator,
         CASE WHEN v.suppressed IS NOT NULL THEN 'suppressed' WHEN v.held IS NOT NULL THEN 'held' ELSE 'pending' END,
         coalesce(v.suppressed, v.held), v.leased_until, v.reservations, v.copy_of
  FROM (SELECT r.*, decode(r.node_hex, 'hex') AS node_id
        FROM jsonb_to_recordset(${itemRows(items, owned)}::jsonb) AS r(id text, channel text, group_key text, node_hex text,
             kind text, bypass boolean, payload jsonb, title text, summary text, due_at timestamptz, occurred_at timestamptz,
             created_at timestamptz, suppressed text, held text, operator text, leased_until timestamptz,
             reservations jsonb, copy_of text)) AS v`;
}

/** DigestWrite is a digest to insert, already leased and owning its reservations, with the items it folds. */
export interface DigestWrite {
  digest: NewItem;
  folded: readonly string[];
  owned: Owned;
}

/**
 * insertDigests inserts digests and folds their items into them, in one statement, so a digest and its items' new
 * status exist together or not at all.
 */
export function insertDigests(batch: readonly DigestWrite[]): Query {
  return sql`WITH folded AS (
  UPDATE satnotify_outbox o SET status = 'digested', digest_id = f.digest_id, leased_until = NULL, reservations = NULL
  FROM unnest(${batch.flatMap((c) => c.folded)}::text[], ${batch.flatMap((c) => c.folded.map(() => c.digest.id))}::text[])
    AS f(id, digest_id)
  WHERE o.id = f.id
  RETURNING 1
)
${insertItems(
  batch.map((c) => c.digest),
  batch.map((c) => c.owned),
)}`;
}

/** attachReservations writes the reservations each claimed row's send owns onto it, before it is sent. */
export function attachReservations(batch: ReadonlyArray<{ id: string; reservations: readonly Reservation[] }>): Query {
  return sql`UPDATE satnotify_outbox o SET reservations = v.reservations
FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS v(id text, reservations jsonb) WHERE o.id = v.id`;
}

/** markSent ends rows as sent, each at its own instant. */
export function markSent(batch: ReadonlyArray<{ id: string; at: Date }>): Query {
  return sql`UPDATE satnotify_outbox o
SET status = 'sent', sent_at = v.at, attempts = o.attempts + 1, leased_until = NULL, reason = NULL, reservations = NULL
FROM unnest(${batch.map((c) => c.id)}::text[], ${batch.map((c) => c.at)}::timestamptz[]) AS v(id, at)
WHERE o.id = v.id`;
}

/** release gives up the lease on rows without changing them; rows a fleet holds (leased for good) stay its. */
export function release(ids: readonly string[]): Query {
  return sql`UPDATE satnotify_outbox SET leased_until = NULL
WHERE id = ANY(${ids}::text[]) AND leased_until <> 'infinity'::timestamptz`;
}

/** markHeld holds rows until `dueAt`, with the reason. */
export function markHeld(ids: readonly string[], dueAt: Date, reason: string): Query {
  return sql`UPDATE satnotify_outbox SET status = 'held', due_at = ${dueAt}, reason = ${reason}, leased_until = NULL
WHERE id = ANY(${ids}::text[])`;
}

/**
 * markRetry schedules another attempt on the same reservations, counting this one (and whether it may have arrived).
 */
export function markRetry(id: string, r: Retry): Query {
  return sql`UPDATE satnotify_outbox
SET status = 'retry', attempts = attempts + 1, ambiguous_attempts = ambiguous_attempts + ${r.ambiguous ? 1 : 0}::int,
  due_at = ${r.dueAt}, reason = ${r.reason}, reservations = ${JSON.stringify(r.reservations)}, leased_until = NULL
WHERE id = ${id}`;
}

/** markSuppressed ends rows unsent and uncounted, with the reason. */
export function markSuppressed(ids: readonly string[], reason: string): Query {
  return sql`UPDATE satnotify_outbox SET status = 'suppressed', reason = ${reason}, leased_until = NULL
WHERE id = ANY(${ids}::text[])`;
}

/**
 * markFailed ends rows as failed, with the reason; their reservations are the caller's to refund.
 * After an attempt, that attempt is counted (and whether it may have arrived), as a retry counts
 * its own: the row says as many attempts as the reason.
 */
export function markFailed(ids: readonly string[], reason: string, attempt?: { ambiguous: boolean }): Query {
  const counted = attempt
    ? sql`, attempts = attempts + 1, ambiguous_attempts = ambiguous_attempts + ${attempt.ambiguous ? 1 : 0}::int`
    : raw('');
  return sql`UPDATE satnotify_outbox SET status = 'failed', reason = ${reason}, leased_until = NULL, reservations = NULL${counted}
WHERE id = ANY(${ids}::text[])`;
}

/**
 * suppressOpen ends a node's not-yet-sent rows of every kind but `except`. Leases run on the wall
 * clock, so a row a worker holds right now is left to that worker.
 */
export function suppressOpen(nodeId: string, except: string, reason: string): Query {
  return sql`UPDATE satnotify_outbox SET status = 'suppressed', reason = ${reason}
  WHERE node_id = ${Buffer.from(nodeId, 'hex')} AND kind <> ${except} AND status IN ('pending', 'held')
    AND reservations IS NULL AND (leased_until IS NULL OR leased_until < now())
  RETURNING channel, kind`;
}

/** moveHeld re-dues a node's held rows held for one reason (a snooze), unless a worker holds them. */
export function moveHeld(nodeId: string, reasonPrefix: string, dueAt: Date, reason: string): Query {
  return sql`UPDATE satnotify_outbox SET due_at = ${dueAt}, reason = ${reason}
  WHERE node_id = ${Buffer.from(nodeId, 'hex')} AND status = 'held' AND starts_with(reason, ${reasonPrefix})
    AND (leased_until IS NULL OR leased_until < now())`;
}

/** get reads one row. */
export function get(id: string): Query {
  return sql`SELECT * FROM satnotify_outbox WHERE id = ${id}`;
}

/**
 * forOperator lists an operator's notifications, one row per notification (its copies on other
 * channels left out). Positions are (created_at, id), so rows of one instant are ordered by id and
 * a page never skips or repeats one. Newest first; with `after`, the oldest after it first.
 */
export function forOperator(operator: string, q: FeedQuery): Query {
  const { before, after } = q;
  const newest = !after;
  return sql`SELECT * FROM satnotify_outbox
WHERE operator = ${operator} AND kind <> 'digest' AND copy_of IS NULL
  AND ${before ? sql`(created_at, id) < (${before.createdAt}::timestamptz, ${before.id}::text)` : raw('true')}
  AND ${after ? sql`(created_at, id) > (${after.createdAt}::timestamptz, ${after.id}::text)` : raw('true')}
ORDER BY created_at ${raw(newest ? 'DESC' : 'ASC')}, id ${raw(newest ? 'DESC' : 'ASC')} LIMIT ${q.limit}`;
}

/** feedPosition finds where an operator's notification stands in their feed (null: not theirs, or not kept). */
export function feedPosition(operator: string, id: string): Query {
  return sql`SELECT created_at, id FROM satnotify_outbox WHERE id = ${id} AND operator = ${operator} AND kind <> 'digest'`;
}

/**
 * counts tallies rows by channel, kind and status, with the status of the digest each folded row
 * went into, and adds what retention deleted.
 */
export function counts(): Query {
  return sql`SELECT channel, kind, status, "digestStatus", sum(count) AS count FROM (
  SELECT o.channel, o.kind, o.status, d.status AS "digestStatus", count(*) AS count
  FROM satnotify_outbox o LEFT JOIN satnotify_outbox d ON d.id = o.digest_id
  GROUP BY 1, 2, 3, 4
  UNION ALL
  SELECT channel, kind, status, nullif(digest_status, ''), count FROM satnotify_pruned_counts
) c GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
}

/**
 * prune deletes up to `limit` finished rows recorded before `before`, oldest first through a
 * retention index, and adds them to the pruned counts, in one statement. With scope `copies`, only
 * what no feed shows goes: a notification's copies on other channels, and rows for no operator.
 * A transaction-scoped advisory lock lets one process prune at a time (per schema); the others
 * delete nothing and learn it from `held`. Digests stay as long as the notifications they carried
 * (the `everything` horizon), so the tallies can still say what became of those. Every CTE reads
 * the table as it was before the delete, so a digest deleted in the same batch still answers the join.
 */
export function prune(r: PruneRequest): Query {
  const scope = r.scope === 'copies' ? COPIES : raw('true');
  return sql`WITH lock AS MATERIALIZED (
  SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.satnotify_outbox.prune')) AS held
), victims AS MATERIALIZED (
  SELECT id, operator, channel, kind, status, digest_id, created_at,
    operator IS NOT NULL AND kind <> 'digest' AND copy_of IS NULL AS feed_item
  FROM satnotify_outbox
  WHERE (SELECT held FROM lock) AND status IN ${FINAL} AND ${scope} AND created_at < ${r.before}
  ORDER BY created_at LIMIT ${r.limit}
), gone AS (
  DELETE FROM satnotify_outbox o USING victims v WHERE o.id = v.id AND o.status IN ${FINAL}
  RETURNING v.*
), tally AS (
  INSERT INTO satnotify_pruned_counts AS t (channel, kind, status, digest_status, count)
  SELECT g.channel, g.kind, g.status, coalesce(d.status, ''), count(*)
  FROM gone g LEFT JOIN satnotify_outbox d ON d.id = g.digest_id GROUP BY 1, 2, 3, 4
  ON CONFLICT (channel, kind, status, digest_status) DO UPDATE SET count = t.count + excluded.count
), feed AS (
  INSERT INTO satnotify_pruned_feed AS f (operator, items, through)
  SELECT operator, count(*), max(created_at) FROM gone WHERE feed_item GROUP BY operator
  ON CONFLICT (operator) DO UPDATE SET items = f.items + excluded.items, through = greatest(f.through, excluded.through)
)
SELECT (SELECT held FROM lock) AS held, count(*) AS deleted, count(*) FILTER (WHERE feed_item) AS feed_items FROM gone`;
}

/**
 * history reads a node's or an operator's rows, newest first (rows of one instant in the order they
 * were recorded), each with the status and send time of the digest it went in.
 */
export function history(q: HistoryQuery): Query {
  const who = 'nodeId' in q ? sql`o.node_id = decode(${q.nodeId}, 'hex')` : sql`o.operator = ${q.operator}`;
  return sql`SELECT o.*, d.status AS digest_status, d.sent_at AS digest_sent_at
FROM satnotify_outbox o LEFT JOIN satnotify_outbox d ON d.id = o.digest_id
WHERE ${who} AND ${q.since ? sql`o.created_at >= ${q.since}` : raw('true')}
ORDER BY o.created_at DESC, o.seq DESC LIMIT ${q.limit}`;
}

/**
 * eraseOperator scrubs an operator's rows in one statement (see Outbox.eraseOperator). The address
 * is matched case-insensitively as a literal (`pattern` is it with every regex character escaped)
 * in the words kept (title, summary, reason, payload), which then keep their JSON form: an address
 * has no quote or backslash to escape. Reservations go: a finished row no longer needs them, and
 * an open one ends here. The pruned count goes with the feed it was for.
 */
export function eraseOperator(operator: string, now: Date, reason: string): Query {
  const pattern = operator.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const scrub = (column: string) => sql`regexp_replace(${raw(column)}, ${pattern}, '[erased]', 'gi')`;
  return sql`WITH scrubbed AS (
  UPDATE satnotify_outbox o SET
    status = CASE WHEN o.status IN ${OPEN} THEN 'suppressed' ELSE o.status END,
    reason = CASE WHEN o.status IN ${OPEN} THEN ${reason} ELSE ${scrub('o.reason')} END,
    operator = NULL,
    group_key = o.channel || ':erased',
    title = ${scrub('o.title')},
    summary = ${scrub('o.summary')},
    payload = ${scrub(`(o.payload - 'email' - 'links')::text`)}::jsonb,
    reservations = NULL
  FROM (SELECT id, status FROM satnotify_outbox
        WHERE operator = ${operator} AND (status NOT IN ${OPEN} OR leased_until IS NULL OR leased_until < ${now})) b
  WHERE o.id = b.id
  RETURNING b.status IN ${OPEN} AS was_open
), feed AS (
  DELETE FROM satnotify_pruned_feed WHERE operator = ${operator}
)
SELECT count(*) AS rows, count(*) FILTER (WHERE was_open) AS suppressed,
  (SELECT count(*) FROM satnotify_outbox WHERE operator = ${operator} AND status IN ${OPEN} AND leased_until >= ${now}) AS in_flight
FROM scrubbed`;
}

/** pruned reads how many of an operator's notifications retention deleted. */
export function pruned(operator: string): Query {
  return sql`SELECT items, through FROM satnotify_pruned_feed WHERE operator = ${operator}`;
}

/** itemRows lays items out as the JSON rows insertItems reads. */
function itemRows(items: readonly NewItem[], owned?: readonly Owned[]): string {
  return JSON.stringify(
    items.map((i, k) => ({
      id: i.id,
      channel: i.channel,
      group_key: i.groupKey,
      node_hex: i.nodeId,
      kind: i.kind,
      bypass: i.bypass,
      payload: i.payload,
      title: i.title,
      summary: i.summary,
      due_at: i.dueAt,
      occurred_at: i.occurredAt,
      created_at: i.createdAt,
      suppressed: i.suppressed ?? null,
      held: i.held ?? null,
      operator: i.operator,
      copy_of: i.copyOf,
      leased_until: owned?.[k]?.leaseUntil ?? null,
      reservations: owned?.[k]?.reservations ?? null,
    })),
  );
}
