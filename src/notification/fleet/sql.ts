/**
 * @module notification/fleet/sql
 * The fleet's statements. Satellites of one fleet keep their own schemas on one PostgreSQL; the
 * fleet's mail lives in a schema of its own. A hand-over and its settling each cross schemas in
 * one statement, so a satellite's row and the fleet's copy of it never disagree, whatever crashes
 * between statements. Pure: it builds statements and runs none.
 */
import sql, { join, raw, type Sql } from 'sql-template-tag';
import type { Reservation } from '../limits/store.js';
import type { FleetSource } from '../outbox/outbox.js';
import { groupingWait } from '../outbox/sql.js';

/** A lease no claim ever sees run out: a satellite's row is the fleet's until the fleet settles it. */
const WITH_THE_FLEET = raw(`'infinity'::timestamptz`);

/** schemaOf is a schema's name as SQL, checked again here because it is written into the text. */
export function schemaOf(name: string): Sql {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a schema name: ${JSON.stringify(name)}`);
  return raw(`"${name}"`);
}

/** HandOver is one satellite's due email rows for one address, as they go to the fleet's mail. */
export interface HandOver {
  /** The satellite's rows, each with the node reservations its send was granted (shared rows: none). */
  rows: ReadonlyArray<{ id: string; reservations: readonly Reservation[] }>;
  source: FleetSource;
  now: Date;
  /** When the fleet's mail to the address leaves, unless mail to it already waits and leaves sooner. */
  dueAt: Date;
  reason: string;
}

/**
 * handOver marks a satellite's rows as the fleet's (leased for good, their reservations on
 * them) and copies them into the fleet's outbox, joining the mail already waiting for the address:
 * run on the satellite's own connection, whose search path is its schema. A row already handed over
 * or ended (a worker that outlived its lease, the row taken over meanwhile) is left as it is.
 */
export function handOver(fleetSchema: string, h: HandOver): Sql {
  const fleet = schemaOf(fleetSchema);
  return sql`WITH given AS (
  SELECT * FROM jsonb_to_recordset(${JSON.stringify(h.rows)}::jsonb) AS g(id text, reservations jsonb)
), moved AS (
  UPDATE satnotify_outbox o SET status = 'pending', leased_until = ${WITH_THE_FLEET}, reason = ${h.reason},
    reservations = g.reservations
  FROM given g WHERE o.id = g.id AND o.status IN ('pending', 'held', 'retry') AND o.leased_until <> ${WITH_THE_FLEET}
  RETURNING o.*
)
INSERT INTO ${fleet}.satnotify_outbox (id, channel, group_key, node_id, kind, bypass, payload, title, summary,
  due_at, occurred_at, created_at, operator, status)
SELECT m.id, m.channel, m.group_key, m.node_id, m.kind, m.bypass,
  m.payload || jsonb_build_object('fleet', ${JSON.stringify(h.source)}::jsonb), m.title, m.summary,
  LEAST(${h.dueAt}::timestamptz, (SELECT min(w.due_at) FROM ${fleet}.satnotify_outbox w
    WHERE w.group_key = m.group_key AND ${groupingWait('w')} AND w.leased_until IS NULL)),
  m.occurred_at, ${h.now}, m.operator, 'pending'
FROM moved m
ON CONFLICT (id) DO NOTHING`;
}

/** sourcesOf lists the satellites' rows a fleet send carries: the rows themselves, or those folded into a digest. */
export function sourcesOf(ids: readonly string[]): Sql {
  return sql`SELECT id, payload->'fleet'->'satellite'->>'schema' AS schema FROM satnotify_outbox
WHERE (id = ANY(${ids}::text[]) AND kind <> 'digest') OR digest_id = ANY(${ids}::text[])`;
}

/**
 * Settled is how the satellites' rows end once the fleet's send is decided: sent; failed (it may
 * have arrived, or can never leave: sending it again is not theirs to do); or given back.
 */
export type Settled =
  | { outcome: 'sent'; at: Date; reason: string }
  | { outcome: 'failed'; at: Date; reason: string }
  | { outcome: 'given back'; at: Date; reason: string };

/** What each outcome writes on a satellite's row. */
const SETTLED: Record<Settled['outcome'], (s: Settled) => Sql> = {
  sent: (s) =>
    sql`status = 'sent', sent_at = ${s.at}, attempts = attempts + 1, leased_until = NULL, reservations = NULL, reason = ${s.reason}`,
  failed: (s) => sql`status = 'failed', leased_until = NULL, reservations = NULL, reason = ${s.reason}`,
  'given back': (s) => sql`status = 'pending', due_at = ${s.at}, leased_until = NULL, reason = ${s.reason}`,
};

/**
 * settle records the fleet's outcome (`fleetUpdate`, an UPDATE of the fleet's own rows) and, in
 * the same statement, on every satellite's rows it carried: sent, or given back to their
 * satellite, due now and still owning their reservations, which then sends them itself.
 */
export function settle(fleetUpdate: Sql, sources: ReadonlyMap<string, readonly string[]>, s: Settled): Sql {
  const members = onMembers(
    [...sources].map(([schema, ids]) => [schema, sql`id = ANY(${ids}::text[])`]),
    SETTLED[s.outcome](s),
  );
  return sql`WITH fleet AS (${fleetUpdate})${members} SELECT 1`;
}

/**
 * onMembers is one more CTE per satellite schema, each setting `set` on that satellite's rows the
 * fleet holds (leased for good) that its condition picks; nothing when there are none.
 */
function onMembers(members: ReadonlyArray<readonly [schema: string, which: Sql]>, set: Sql): Sql {
  const ctes = members.map(
    ([schema, which], i) => sql`, m${raw(String(i))} AS (UPDATE ${schemaOf(schema)}.satnotify_outbox SET ${set}
  WHERE leased_until = ${WITH_THE_FLEET} AND ${which})`,
  );
  return ctes.length > 0 ? join(ctes, '') : raw('');
}

/**
 * releaseOperator ends the fleet's open mail to an erased operator (suppressed, unless a send has
 * it leased now) and, in the same statement, gives what it carried back to the satellites in
 * `schemas`: the one that erases suppresses its own with the rest of the operator's rows, the
 * others send their own news. A fleet row's id is its satellite row's. Leases run on the wall
 * clock (`at.wall`), what is given back is due at the service's `at.now`. Returns how many it ended.
 */
export function releaseOperator(
  operator: string,
  schemas: readonly string[],
  at: { now: Date; wall: Date },
  r: { fleet: string; satellites: string },
): Sql {
  const carried = sql`(id IN (SELECT id FROM ended)
    OR id IN (SELECT x.id FROM satnotify_outbox x JOIN ended ON x.digest_id = ended.id))`;
  const back = onMembers(
    schemas.map((schema) => [schema, carried]),
    SETTLED['given back']({ outcome: 'given back', at: at.now, reason: r.satellites }),
  );
  return sql`WITH ended AS (UPDATE satnotify_outbox SET status = 'suppressed', reason = ${r.fleet}, leased_until = NULL
  WHERE operator = ${operator} AND status IN ('pending', 'held', 'retry') AND (leased_until IS NULL OR leased_until < ${at.wall})
  RETURNING id)${back}
SELECT count(*)::int AS n FROM ended`;
}

/** schemasOf lists the schemas of the satellites whose mail to `operator` the fleet has kept. */
export function schemasOf(operator: string): Sql {
  return sql`SELECT DISTINCT payload->'fleet'->'satellite'->>'schema' AS schema FROM satnotify_outbox
WHERE operator = ${operator} AND kind <> 'digest'`;
}

/**
 * reconcile settles a satellite's own rows that the fleet has finished with but whose settling did
 * not happen (a settle that failed after its send, an erase that ended the fleet's copy): sent as
 * the fleet sent them, else given back, due now. Run on the satellite's own connection.
 */
export function reconcile(fleetSchema: string, at: Date, reasons: { sent: string; back: string }): Sql {
  const fleet = schemaOf(fleetSchema);
  return sql`WITH done AS (
  SELECT o.id, coalesce(d.status, f.status) AS status, coalesce(d.sent_at, f.sent_at) AS sent_at
  FROM satnotify_outbox o JOIN ${fleet}.satnotify_outbox f ON f.id = o.id
  LEFT JOIN ${fleet}.satnotify_outbox d ON d.id = f.digest_id
  WHERE o.status = 'pending' AND o.leased_until = ${WITH_THE_FLEET}
    AND coalesce(d.status, f.status) IN ('sent', 'failed', 'suppressed')
)
UPDATE satnotify_outbox o SET
  status = CASE WHEN done.status = 'sent' THEN 'sent' ELSE 'pending' END,
  sent_at = CASE WHEN done.status = 'sent' THEN done.sent_at END,
  due_at = CASE WHEN done.status = 'sent' THEN o.due_at ELSE ${at}::timestamptz END,
  reservations = CASE WHEN done.status = 'sent' THEN NULL ELSE o.reservations END,
  reason = CASE WHEN done.status = 'sent' THEN ${reasons.sent}::text ELSE ${reasons.back}::text END,
  leased_until = NULL
FROM done WHERE o.id = done.id`;
}
