/**
 * A NodeStateStore in process memory, writing its notifications into an Outbox: for unit tests.
 * One process, one thread, so a transition and its items are recorded together by construction.
 */
import type { BuildItems, NodeStateStore } from '../../src/notification/hooks/node-state.js';
import {
  INITIAL_STATE,
  planTransition,
  type NodeState,
  type Transition,
} from '../../src/notification/hooks/transitions.js';
import type { NewItem, Outbox } from '../../src/notification/outbox/outbox.js';

export class MemoryNodeState implements NodeStateStore {
  readonly #outbox: Pick<Outbox, 'insert'>;
  readonly #states = new Map<string, NodeState>();

  constructor(outbox: Pick<Outbox, 'insert'>) {
    this.#outbox = outbox;
  }

  /** state is a node's recorded state (hex id), for assertions. */
  state(nodeId: string): NodeState {
    return this.#states.get(nodeId) ?? INITIAL_STATE;
  }

  async record(transition: Transition, build: BuildItems): Promise<NewItem[]> {
    const plan = planTransition(this.state(transition.nodeId), transition);
    if (!plan.write) return [];
    const items = await build(plan.result);
    // Planned again on the state as it is now: another call may have changed it while `build` ran.
    const now = planTransition(this.state(transition.nodeId), transition);
    if (!now.write) return [];
    this.#states.set(transition.nodeId, { ...this.state(transition.nodeId), ...now.write });
    await this.#outbox.insert(items);
    return [...items];
  }
}
