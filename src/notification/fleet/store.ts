/**
 * @module notification/fleet/store
 * The FleetStore seam: what the fleet's mail writes across schemas, each in one statement
 * (pg-store.ts). The fleet's own rows and counters are an Outbox and a StatusStore like any.
 */
import type { HandOver, Settled } from './sql.js';

/** FleetOutcome is what became of one fleet send, on the fleet's own rows. */
export type FleetOutcome = { sent: Date } | { failed: string; ambiguous: boolean };

/** FleetStore hands a satellite's rows to the fleet, and settles them once the fleet's send is decided. */
export interface FleetStore {
  /** handOver marks the satellite's rows as the fleet's and copies them into the fleet's mail, together. */
  handOver(h: HandOver): Promise<void>;
  /**
   * settle records `outcome` on the fleet's rows `ids` and, together, on every satellite's row
   * they carried (the rows themselves, or those folded into a digest among them).
   */
  settle(ids: readonly string[], outcome: FleetOutcome, s: Settled): Promise<void>;
  /**
   * releaseOperator ends the fleet's open mail to `operator` (its data is being erased) and gives
   * what it carried back to its satellites, together; returns how many rows it ended.
   */
  releaseOperator(
    operator: string,
    at: { now: Date; wall: Date },
    reasons: { fleet: string; satellites: string },
  ): Promise<number>;
  /**
   * reconcile settles this satellite's rows the fleet finished with but did not settle (sent as it
   * sent them, else given back, due `at`), on the satellite's own database.
   */
  reconcile(at: Date, reasons: { sent: string; back: string }): Promise<void>;
}
