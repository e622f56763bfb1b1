/**
 * @module notification/hooks/node-state
 * The NodeStateStore seam: what the hooks last recorded about each node, and the one step that
 * changes it and records the notifications the change is news of, together. PgNodeStateStore
 * implements it; the factory picks it, never the service.
 */
import type { NewItem } from '../outbox/outbox.js';
import type { Transition, TransitionResult } from './transitions.js';

/** BuildItems makes the notifications of a transition, told whether it is news (`applied`). */
export type BuildItems = (prev: TransitionResult) => NewItem[] | Promise<NewItem[]>;

/** NodeStateStore keeps each node's recorded state; correct under concurrent hooks, in other processes too. */
export interface NodeStateStore {
  /**
   * record applies `transition` to its node's state and inserts the items `build` makes for it,
   * atomically: a recorded change and its notifications exist together or not at all. `build`
   * runs before anything is written; it returns no items for a change that is not news, and if it
   * throws or rejects nothing is written. Resolves with the items recorded.
   */
  record(transition: Transition, build: BuildItems): Promise<NewItem[]>;
}
