/**
 * @module notification/reports/store
 * The ReportStore seam (pg-store.ts): what reports are made from besides the overlay (usage days,
 * the latest scores, what was recorded of each node, who is offline now, who joined), and the
 * record of the periods already reported, written with the report's outbox rows.
 */
import { createHash } from 'node:crypto';
import type { NewsItem } from '../news/news.js';
import type { NewItem } from '../outbox/outbox.js';
import type { UsageDay } from '../usage/signal.js';
import type { IncidentKind, Scores } from './figures.js';

/**
 * reportSubject names an operator among the reported periods without keeping their address (the
 * address is not recoverable from it without guessing it; erase deletes the rows too).
 */
export function reportSubject(operator: string): string {
  return createHash('sha256').update(`satnotify-report:${operator}`).digest('base64url').slice(0, 22);
}

/** ScoreReport is one node's reputation update as kept: fields not reported keep their last value. */
export interface ScoreReport {
  nodeHex: string;
  audit?: number | undefined;
  unknownAudit?: number | undefined;
  online?: number | undefined;
  vetted?: boolean | undefined;
  at: Date;
}

/** RecordedRow is a notification of an incident kind as kept: its id links to it in the operator's history. */
export interface RecordedRow {
  id: string;
  nodeHex: string;
  kind: IncidentKind;
  at: Date;
  offlineForMs: number | null;
}

/** NodeStates are what the node states say of a set of nodes. */
export interface NodeStates {
  /** Nodes offline now, since when. */
  offlineSince: Map<string, Date>;
  /** When each node was welcomed (first reported in vetting). */
  welcomedAt: Map<string, Date>;
  /** When each node's suspensions began, if it is suspended. */
  suspendedAt: Map<string, Date>;
  /** When each disqualified node was disqualified (as the hooks were told). */
  disqualifiedAt: Map<string, Date>;
}

/** ReportStore reads what reports are made of, and records them once per period. */
export interface ReportStore {
  /** recordScores keeps each node's latest scores, in one statement. */
  recordScores(reports: readonly ScoreReport[]): Promise<void>;
  scores(nodeHexes: readonly string[]): Promise<Map<string, Scores>>;
  /** usage is the nodes' days from `from` to `to` (YYYY-MM-DD, both included). */
  usage(nodeHexes: readonly string[], from: string, to: string): Promise<UsageDay[]>;
  /** nodesWithUsage is which of the nodes have usage kept on any day from `from` to `to` (YYYY-MM-DD). */
  nodesWithUsage(nodeHexes: readonly string[], from: string, to: string): Promise<Set<string>>;
  /** recorded is the notifications (not copies) of incident kinds about the nodes, in [from, to). */
  recorded(nodeHexes: readonly string[], from: Date, to: Date): Promise<RecordedRow[]>;
  nodeStates(nodeHexes: readonly string[]): Promise<NodeStates>;
  /** reported tells which of `periods` were reported already, as `subject|period`. */
  reported(periods: ReadonlyArray<{ subject: string; period: string }>): Promise<Set<string>>;
  /**
   * record records `items` as the report of `subject`'s `period`, unless another process did first:
   * then nothing is written and it returns false. `news` goes on the public news with them.
   */
  record(subject: string, period: string, items: readonly NewItem[], at: Date, news?: NewsItem): Promise<boolean>;
  /** forget deletes an operator's reported periods (their data is erased). */
  forget(operator: string): Promise<void>;
  /** prune forgets the reported periods recorded before `before`. */
  prune(before: Date): Promise<number>;
}
