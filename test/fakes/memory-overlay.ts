/**
 * An OverlayDB in process memory (a satellite's own overlay, as createNotificationService takes
 * one): for unit tests.
 */
import type { Contact, NodeInfo, OverlayDB, SelectQuery } from '../../src/overlay/db.js';
import type { NodeId } from '../../src/overlay/node-id.js';

export class MemoryOverlay implements OverlayDB {
  readonly #nodes = new Map<string, NodeInfo>();

  get(id: NodeId): Promise<NodeInfo | null> {
    return Promise.resolve(this.#nodes.get(id.hex) ?? null);
  }

  upsert(node: NodeInfo): Promise<void> {
    this.#nodes.set(node.id.hex, { ...node });
    return Promise.resolve();
  }

  recordContacts(contacts: readonly Contact[]): Promise<void> {
    for (const c of contacts) {
      const n = this.#nodes.get(c.id.hex);
      if (!n) continue;
      const field = c.ok ? 'lastContactSuccess' : 'lastContactFailure';
      if (!n[field] || n[field] < c.at) n[field] = c.at;
    }
    return Promise.resolve();
  }

  selectPage(q: SelectQuery): Promise<NodeInfo[]> {
    const ids = q.ids?.map((id) => (typeof id === 'string' ? id : id.hex));
    const page = [...this.#nodes.values()]
      .filter((n) => !q.after || n.id.hex > q.after.hex)
      .filter((n) => !ids || ids.includes(n.id.hex))
      .filter((n) => !q.operator || n.email.toLowerCase() === q.operator.toLowerCase())
      .filter((n) => q.disqualified === undefined || (n.disqualified !== null) === q.disqualified)
      .sort((a, b) => (a.id.hex < b.id.hex ? -1 : 1));
    return Promise.resolve(page.slice(0, q.limit));
  }
}
