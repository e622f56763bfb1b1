/**
 * @module notification/usage/usage
 * The usage signal: `svc.onUsage` and its batch form check every report at the door, look each
 * node up (an unknown one is an UnknownNodeError, as for any hook), and fold the reports into their
 * calendar days in the satellite's zone, in one statement per call.
 */
import { orDatabaseError } from '../../errors.js';
import { parseInput } from '../../input/parse.js';
import type { OverlayCache } from '../../overlay/cache.js';
import { NodeId } from '../../overlay/node-id.js';
import { dayOf, USAGE, type UsageDay, type UsageSignal } from './signal.js';
import type { UsageStore } from './store.js';

/** UsageReport is one node's report in a batch. */
export interface UsageReport extends UsageSignal {
  nodeId: string | NodeId;
}

/** UsageDeps are what the usage signal reads and writes. */
export interface UsageDeps {
  store: UsageStore;
  overlay: Pick<OverlayCache, 'get'>;
  /** The zone whose calendar days usage is kept in (`limits.timezone`). */
  zone: string;
  clock: () => Date;
}

/** Usage records and reads what the satellite reports of its nodes' usage. */
export class Usage {
  readonly #d: UsageDeps;

  constructor(deps: UsageDeps) {
    this.#d = deps;
  }

  /**
   * record checks every report (a bad one refuses the call, naming `pathOf(i).field`, before anything
   * is written), checks every node is known, and folds them all in one statement.
   */
  async record(reports: readonly UsageReport[], pathOf: (i: number) => string): Promise<void> {
    const checked = reports.map(({ nodeId, ...signal }, i) => ({
      id: NodeId.parse(nodeId),
      s: parseInput(USAGE, signal, pathOf(i)),
    }));
    // Asked together, the overlay's loader reads them in batches rather than one round trip each.
    await Promise.all(checked.map(({ id }) => this.#d.overlay.get(id)));
    const now = this.#d.clock();
    const days: UsageDay[] = checked.map(({ id, s }) => {
      const at = s.at ?? now;
      return {
        nodeId: id.hex,
        day: dayOf(at, this.#d.zone),
        storedBytes: s.storedBytes,
        freeBytes: s.freeBytes ?? null,
        egressBytes: s.egressBytes ?? 0,
        ingressBytes: s.ingressBytes ?? 0,
        reportedAt: at,
      };
    });
    await orDatabaseError(this.#d.store.record(days));
  }

  /** days is a node's kept days since `since` (a Date, its day in the zone), oldest first. */
  async days(nodeId: string | NodeId, since: Date): Promise<UsageDay[]> {
    const id = NodeId.parse(nodeId);
    return orDatabaseError(this.#d.store.days(id.hex, dayOf(since, this.#d.zone)));
  }
}
