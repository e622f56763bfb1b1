/**
 * @module destinations/store
 * The DestinationStore seam: operators' own destinations, their private delivery data sealed
 * (sealed.ts), their verification state and health.
 */
import type { DestinationKind } from './config.js';

/** DESTINATION_STATUSES: a destination receives nothing but its code until `active`. */
export const DESTINATION_STATUSES = ['unverified', 'active', 'paused'] as const;
export type DestinationStatus = (typeof DESTINATION_STATUSES)[number];

/** DestinationRow is one destination as stored. */
export interface DestinationRow {
  id: string;
  /** The operator's address, lowercased. */
  operator: string;
  kind: DestinationKind;
  /** The operator's own name for it. */
  label: string;
  /** Its delivery data (URL, signing secret, address …) as sealed JSON. */
  sealed: string;
  status: DestinationStatus;
  /** The pending verification code's MAC, its expiry and the wrong tries made at it. */
  codeMac: string | null;
  codeExpiresAt: Date | null;
  codeAttempts: number;
  /** Permanent failures in a row, and the last one's reason. */
  failures: number;
  lastError: string | null;
  createdAt: Date;
  verifiedAt: Date | null;
}

/** DestinationPatch is what an update may change. */
export type DestinationPatch = Partial<
  Pick<
    DestinationRow,
    'status' | 'codeMac' | 'codeExpiresAt' | 'codeAttempts' | 'failures' | 'lastError' | 'verifiedAt' | 'sealed'
  >
>;

/** DestinationStore keeps the destinations. */
export interface DestinationStore {
  /** insert adds a destination unless the operator has `max` already; says whether it did. */
  insert(row: DestinationRow, max: number): Promise<boolean>;
  get(operator: string, id: string): Promise<DestinationRow | null>;
  /** byId is a destination whoever's it is (a send names it by its id alone), or null. */
  byId(id: string): Promise<DestinationRow | null>;
  /** active lists every active destination's id by operator, for recording their copies. */
  active(): Promise<Array<{ id: string; operator: string }>>;
  /** list is the operator's destinations, oldest first. */
  list(operator: string): Promise<DestinationRow[]>;
  /** update changes a destination of the operator's, saying whether there was one. */
  update(operator: string, id: string, patch: DestinationPatch): Promise<boolean>;
  /**
   * startCode makes `mac` the pending code (tries reset, valid until `expiresAt`) of a destination
   * not yet active, unless its last code was made after `notBefore`'s window (a pending code that
   * expires after `lastExpiryBy`); says whether it did. One statement: two at once cannot both pass.
   */
  startCode(operator: string, id: string, code: { mac: string; expiresAt: Date; lastExpiryBy: Date }): Promise<boolean>;
  /**
   * tryCode counts one try at the pending code, if it is still valid at `now` and has tries left
   * (`max`), and returns its MAC to compare with; null when there is none to try. The try counts
   * before the comparison, so concurrent guesses each spend one.
   */
  tryCode(operator: string, id: string, now: Date, max: number): Promise<string | null>;
  /** activate makes the destination active, if `mac` is still its pending code; says whether it did. */
  activate(operator: string, id: string, mac: string, now: Date): Promise<boolean>;
  /**
   * countFailure counts one permanent failure more and keeps `error` as the last, pausing an active
   * destination at `pauseAfter` in a row; returns the count and the status after.
   */
  countFailure(
    operator: string,
    id: string,
    error: string,
    pauseAfter: number,
  ): Promise<{ failures: number; status: DestinationStatus } | null>;
  remove(operator: string, id: string): Promise<boolean>;
  /** eraseOperator removes every destination of the operator; returns how many. */
  eraseOperator(operator: string): Promise<number>;
}
