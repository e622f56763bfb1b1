/**
 * @module overlay/pg-overlay
 * OverlayDB on the `nodes` table, through `pg` (PostgreSQL or PGlite).
 */
import type pg from 'pg';
import semver from 'semver';
import type { Contact, NodeInfo, OverlayDB, SelectQuery } from './db.js';
import { NodeId } from './node-id.js';
import { runBatch, unprepared, type StatementPools } from '../database/statements.js';

interface NodeRow {
  id: Buffer;
  address: string;
  email: string;
  wallet: string;
  version: string;
  last_contact_success: Date | null;
  last_contact_failure: Date | null;
  disqualified: Date | null;
  disqualification_reason: string | null;
  contained: Date | null;
  audit_score: number | null;
  unknown_audit_suspended: Date | null;
  offline_suspended: Date | null;
  created_at: Date;
}

const COLUMNS = `id, address, email, wallet, version, last_contact_success, last_contact_failure, disqualified,
  disqualification_reason, contained, audit_score, unknown_audit_suspended, offline_suspended, created_at`;

const UPSERT = `
INSERT INTO nodes (id, address, email, wallet, version, major, minor, patch, last_contact_success, last_contact_failure,
  disqualified, disqualification_reason, contained, audit_score, unknown_audit_suspended, offline_suspended, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
ON CONFLICT (id) DO UPDATE SET
  address = EXCLUDED.address, email = EXCLUDED.email, wallet = EXCLUDED.wallet, version = EXCLUDED.version,
  major = EXCLUDED.major, minor = EXCLUDED.minor, patch = EXCLUDED.patch,
  last_contact_success = EXCLUDED.last_contact_success, last_contact_failure = EXCLUDED.last_contact_failure,
  disqualified = EXCLUDED.disqualified, disqualification_reason = EXCLUDED.disqualification_reason,
  contained = EXCLUDED.contained, audit_score = EXCLUDED.audit_score,
  unknown_audit_suspended = EXCLUDED.unknown_audit_suspended, offline_suspended = EXCLUDED.offline_suspended,
  updated_at = now()`;

const GET_MANY = `SELECT ${COLUMNS} FROM nodes WHERE id = ANY($1::bytea[])`;

const RECORD_CONTACTS = `UPDATE nodes n SET
  last_contact_success = CASE WHEN c.ok THEN greatest(n.last_contact_success, c.at) ELSE n.last_contact_success END,
  last_contact_failure = CASE WHEN c.ok THEN n.last_contact_failure ELSE greatest(n.last_contact_failure, c.at) END
FROM unnest($1::bytea[], $2::boolean[], $3::timestamptz[]) AS c(id, ok, at)
WHERE n.id = c.id`;

/**
 * PgOverlay reads and writes nodes with parameterised SQL only; lookups and contacts in batches, prepared where that is
 * safe.
 */
export class PgOverlay implements OverlayDB {
  readonly #pool: pg.Pool;
  readonly #statements: StatementPools;

  constructor(pool: pg.Pool, statements: StatementPools = unprepared(pool)) {
    this.#pool = pool;
    this.#statements = statements;
  }

  async get(id: NodeId): Promise<NodeInfo | null> {
    const { rows } = await this.#pool.query<NodeRow>(`SELECT ${COLUMNS} FROM nodes WHERE id = $1`, [id.bytes]);
    return rows[0] ? toNode(rows[0]) : null;
  }

  async getMany(ids: readonly NodeId[]): Promise<Array<NodeInfo | null>> {
    const { rows } = await runBatch<NodeRow>(this.#statements, 'satnotify_nodes_get_many', {
      text: GET_MANY,
      values: [ids.map((id) => id.bytes)],
    });
    const byHex = new Map(rows.map((r) => [r.id.toString('hex'), r]));
    return ids.map((id) => {
      const row = byHex.get(id.hex);
      return row ? toNode(row) : null;
    });
  }

  async upsert(n: NodeInfo): Promise<void> {
    const v = semver.parse(n.version);
    await this.#pool.query(UPSERT, [
      n.id.bytes,
      n.address,
      n.email,
      n.wallet,
      n.version,
      v?.major ?? null,
      v?.minor ?? null,
      v?.patch ?? null,
      n.lastContactSuccess,
      n.lastContactFailure,
      n.disqualified,
      n.disqualificationReason,
      n.contained,
      n.auditScore,
      n.unknownAuditSuspended,
      n.offlineSuspended,
      n.createdAt,
    ]);
  }

  async recordContacts(contacts: readonly Contact[]): Promise<void> {
    await runBatch(this.#statements, 'satnotify_nodes_contacts', {
      text: RECORD_CONTACTS,
      values: [contacts.map((c) => c.id.bytes), contacts.map((c) => c.ok), contacts.map((c) => c.at)],
    });
  }

  async selectPage(q: SelectQuery): Promise<NodeInfo[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown): string => `$${params.push(v)}`;
    if (q.after) where.push(`id > ${param(q.after.bytes)}`);
    if (q.ids) where.push(`id = ANY(${param(q.ids.map((id) => NodeId.parse(id).bytes))}::bytea[])`);
    if (q.versionBelow !== undefined) {
      const v = semver.parse(q.versionBelow) as semver.SemVer; // validated by the cache
      where.push(
        `major IS NOT NULL AND (major, minor, patch) < (${param(v.major)}, ${param(v.minor)}, ${param(v.patch)})`,
      );
    }
    if (q.online !== undefined) {
      const p = param(q.onlineSince);
      where.push(
        q.online ? `last_contact_success >= ${p}` : `(last_contact_success IS NULL OR last_contact_success < ${p})`,
      );
    }
    if (q.disqualified !== undefined) where.push(`disqualified IS ${q.disqualified ? 'NOT ' : ''}NULL`);
    if (q.contained !== undefined) where.push(`contained IS ${q.contained ? 'NOT ' : ''}NULL`);
    if (q.operator !== undefined) where.push(`lower(email) = lower(${param(q.operator)})`);
    const sql = `SELECT ${COLUMNS} FROM nodes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${param(q.limit)}`;
    const { rows } = await this.#pool.query<NodeRow>(sql, params);
    return rows.map(toNode);
  }
}

function toNode(r: NodeRow): NodeInfo {
  return {
    id: NodeId.fromBytes(r.id),
    address: r.address,
    email: r.email,
    wallet: r.wallet,
    version: r.version,
    lastContactSuccess: r.last_contact_success,
    lastContactFailure: r.last_contact_failure,
    disqualified: r.disqualified,
    disqualificationReason: r.disqualification_reason,
    contained: r.contained,
    auditScore: r.audit_score,
    unknownAuditSuspended: r.unknown_audit_suspended,
    offlineSuspended: r.offline_suspended,
    createdAt: r.created_at,
  };
}
