/**
 * @module overlay/db
 * What the satellite knows about a node, and the OverlayDB seam that stores it.
 */
import type { NodeId } from './node-id.js';

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

/** NodeInput is what upsertNode takes: the id and address, the rest optional. */
export type NodeInput = { id: string | NodeId; address: string } & Partial<Omit<NodeInfo, 'id' | 'address' | 'createdAt'>>;

/** NodeFilter selects a group of nodes; every given field must match. */
export interface NodeFilter {
  ids?: readonly (string | NodeId)[];
  /** Nodes whose version is below this semver (nodes with an unknown version are not selected). */
  versionBelow?: string;
  /** Online: last successful contact within the online window of `now`. */
  online?: boolean;
  disqualified?: boolean;
  contained?: boolean;
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
  /** selectPage returns up to `limit` nodes after `after`, ordered by id. */
  selectPage(query: SelectQuery): Promise<NodeInfo[]>;
}
