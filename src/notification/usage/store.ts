/**
 * @module notification/usage/store
 * The UsageStore seam: one row per node and day (pg-store.ts).
 */
import type { UsageDay } from './signal.js';

/** UsageStore keeps each node's usage per day. */
export interface UsageStore {
  /**
   * record folds reports into their days, in one statement: a day keeps its latest stored and free
   * values (by report time, whatever order reports arrive in) and the sum of its traffic.
   */
  record(reports: readonly UsageDay[]): Promise<void>;
  /** days reads a node's days from `since` (YYYY-MM-DD) on, oldest first. */
  days(nodeId: string, since: string): Promise<UsageDay[]>;
  /** prune deletes the days before `before` (YYYY-MM-DD); returns how many. */
  prune(before: string): Promise<number>;
}
