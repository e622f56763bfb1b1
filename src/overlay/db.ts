/**
 * @module overlay/db
 * What the satellite knows about a node, and the OverlayDB seam that stores it.
 */
import { z } from 'zod';
import { emailAddress, hostPort } from '../input/address.js';
import { oneLine } from '../input/text.js';
import { semverVersion } from '../input/version.js';
import { NodeId } from './node-id.js';

/** NodeInfo is one node as the overlay knows it. */
export interface NodeInfo {
  id: NodeId;
  /** `host:port` the node's gRPC endpoint listens on. */
  address: string;
  /** Operator email; empty when the operator gave none. */
  email: string;
  wallet: string;
  /** Semver of the node software; empty when unknown. */
  version: string;
  lastContactSuccess: Date | null;
  lastContactFailure: Date | null;
  disqualified: Date | null;
  disqualificationReason: string | null;
  /** Since when the node is in containment; null when it is not. */
  contained: Date | null;
  auditScore: number | null;
  unknownAuditSuspended: Date | null;
  offlineSuspended: Date | null;
  createdAt: Date;
}

/**
 * nodeInfo is a node with what is known of it and the rest empty (no email, version or contact
 * yet, never disqualified, contained or suspended).
 */
export function nodeInfo(known: Pick<NodeInfo, 'id' | 'address'> & Partial<NodeInfo>): NodeInfo {
  return {
    email: '',
    wallet: '',
    version: '',
    lastContactSuccess: null,
    lastContactFailure: null,
    disqualified: null,
    disqualificationReason: null,
    contained: null,
    auditScore: null,
    unknownAuditSuspended: null,
    offlineSuspended: null,
    createdAt: new Date(0),
    ...known,
  };
}

const nodeIdInput = z.union([z.string(), z.custom<NodeId>((v) => v instanceof NodeId)], {
  error: 'must be a node id (base58check or 64 hex digits)',
});
const instant = z
  .union(
    [
      z.date().refine((d) => !Number.isNaN(d.getTime())),
      z.iso.datetime({ offset: true }).transform((t) => new Date(t)),
    ],
    { error: 'must be a Date or an ISO 8601 time such as 2024-05-01T10:04:00Z' },
  )
  .nullable()
  .optional();

/** NODE_INPUT is what upsertNode takes, checked at the door: the id and address, the rest optional. */
export const NODE_INPUT = z.strictObject({
  id: nodeIdInput,
  address: hostPort,
  email: emailAddress({ optional: true }).optional(),
  wallet: oneLine(128, 0).optional(),
  version: z.union([z.literal(''), semverVersion]).optional(),
  lastContactSuccess: instant,
  lastContactFailure: instant,
  disqualified: instant,
  disqualificationReason: oneLine(500, 0).nullable().optional(),
  contained: instant,
  auditScore: z.number().finite().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1').nullable().optional(),
  unknownAuditSuspended: instant,
  offlineSuspended: instant,
});
/** NodeInput is what upsertNode takes (dates as Date or ISO 8601 strings). */
export type NodeInput = z.input<typeof NODE_INPUT>;

/**
 * NODE_FILTER selects a group of nodes; every given field must match. An empty filter is refused
 * (a typo such as `versionbelow` must not select every node): `{ all: true }` says so on purpose.
 */
export const NODE_FILTER = z
  .strictObject({
    all: z.literal(true).optional(),
    ids: z.array(nodeIdInput).min(1).max(100_000).optional(),
    /** Nodes whose version is below this semver (nodes with an unknown version are not selected). */
    versionBelow: semverVersion.optional(),
    /** Online: last successful contact within the online window of `now`. */
    online: z.boolean().optional(),
    disqualified: z.boolean().optional(),
    contained: z.boolean().optional(),
    /** The nodes of one operator (the address is compared case-insensitively). */
    operator: z.string().min(3).max(254).optional(),
  })
  .refine((f) => Object.keys(f).length > 0, 'selects nothing; pass { all: true } to select every node')
  .refine((f) => !f.all || Object.keys(f).length === 1, 'all: true cannot be combined with other fields');
/** NodeFilter selects a group of nodes. */
export type NodeFilter = z.input<typeof NODE_FILTER>;

/** Contact is one uptime check's outcome. */
export interface Contact {
  id: NodeId;
  ok: boolean;
  at: Date;
}

/** SelectQuery is a NodeFilter resolved against a clock and a window, for one page. */
export interface SelectQuery extends NodeFilter {
  onlineSince: Date;
  after: NodeId | null;
  limit: number;
}

/** OverlayDB stores nodes. */
export interface OverlayDB {
  get(id: NodeId): Promise<NodeInfo | null>;
  /**
   * getMany looks up several nodes in one query, answering in the order asked (null where
   * unknown). Optional: without it, concurrent lookups are made one `get` each.
   */
  getMany?(ids: readonly NodeId[]): Promise<Array<NodeInfo | null>>;
  upsert(node: NodeInfo): Promise<void>;
  /**
   * recordContacts stores the outcome of uptime checks (last successful or failed contact), never
   * moving a time backwards. Optional: a satellite whose own overlay tracks contacts leaves it out.
   */
  recordContacts?(contacts: readonly Contact[]): Promise<void>;
  /** selectPage returns up to `limit` nodes after `after`, ordered by id. */
  selectPage(query: SelectQuery): Promise<NodeInfo[]>;
}
