/**
 * @module overlay/cache
 * OverlayCache: the overlay as the notification service sees it. An in-process LRU (bounded size,
 * TTL) in front of an OverlayDB, invalidated on upsert; selections stream in pages. Misses made
 * in the same tick go to the database as one lookup (a storm asks for thousands of nodes at once).
 */
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { OverlayConfig } from './config.js';
import { orDatabaseError, UnknownNodeError } from '../errors.js';
import { parseInput } from '../input/parse.js';
import {
  nodeInfo,
  NODE_FILTER,
  NODE_INPUT,
  type Contact,
  type NodeFilter,
  type NodeInfo,
  type NodeInput,
  type OverlayDB,
} from './db.js';
import { NodeId } from './node-id.js';

/** OverlayCache answers "who is this node?" quickly and lists groups of nodes without loading them all. */
export class OverlayCache {
  readonly #db: OverlayDB;
  readonly #cache: LRUCache<string, NodeInfo>;
  /** Batches concurrent misses; the LRU is the only cache, so the loader keeps none of its own. */
  readonly #loader: DataLoader<NodeId, NodeInfo | null, string>;
  /** Uptime checks made in the same tick are stored in one statement. */
  readonly #contacts: DataLoader<Contact, void, string>;
  readonly #config: OverlayConfig;
  readonly #clock: () => Date;
  #hits = 0;
  #misses = 0;

  constructor(db: OverlayDB, config: OverlayConfig, clock: () => Date = () => new Date()) {
    this.#db = db;
    this.#config = config;
    this.#clock = clock;
    this.#cache = new LRUCache({ max: config.cacheSize, ttl: config.cacheTtlMs, ttlAutopurge: false });
    this.#loader = new DataLoader((ids) => (db.getMany ? db.getMany(ids) : Promise.all(ids.map((id) => db.get(id)))), {
      cache: false,
      maxBatchSize: config.pageSize,
      batchScheduleFn: (run) => setImmediate(run),
    });
    this.#contacts = new DataLoader(
      async (contacts) => (await db.recordContacts?.(contacts), contacts.map(() => undefined)),
      {
        cache: false,
        maxBatchSize: config.pageSize,
        batchScheduleFn: (run) => setImmediate(run),
      },
    );
  }

  /**
   * recordContact stores an uptime check's outcome on the node, so the next notification says
   * when it was last reached. Writes are skipped while the stored time is less than a minute old:
   * a satellite checks often, and a minute is finer than any message shows.
   */
  async recordContact(node: NodeInfo, ok: boolean, at: Date): Promise<void> {
    const last = ok ? node.lastContactSuccess : node.lastContactFailure;
    if (!this.#db.recordContacts || (last && at.getTime() - last.getTime() < CONTACT_PRECISION_MS && at >= last))
      return;
    await orDatabaseError(this.#contacts.load({ id: node.id, ok, at }));
    const cached = this.#cache.get(node.id.hex);
    if (cached)
      this.#cache.set(node.id.hex, {
        ...cached,
        ...(ok
          ? { lastContactSuccess: maxDate(cached.lastContactSuccess, at) }
          : { lastContactFailure: maxDate(cached.lastContactFailure, at) }),
      });
  }

  /** get returns the node or throws UnknownNodeError; a malformed id is InvalidNodeIdError. */
  async get(id: string | NodeId): Promise<NodeInfo> {
    const nodeId = NodeId.parse(id);
    const cached = this.#cache.get(nodeId.hex);
    if (cached) {
      this.#hits++;
      return cached;
    }
    this.#misses++;
    const node = await orDatabaseError(this.#loader.load(nodeId));
    if (!node) throw new UnknownNodeError(nodeId.toString());
    this.#cache.set(nodeId.hex, node);
    return node;
  }

  /** upsertNode validates and writes a node, and drops any cached copy. */
  async upsertNode(node: NodeInput): Promise<NodeInfo> {
    const input = parseInput(NODE_INPUT, node, 'node');
    const id = NodeId.parse(input.id);
    const existing = await orDatabaseError(this.#db.get(id));
    const merged = nodeInfo({
      createdAt: this.#clock(),
      ...existing,
      ...stripUndefined(input),
      id,
      address: input.address,
    });
    await orDatabaseError(this.#db.upsert(merged));
    this.#cache.delete(id.hex);
    return merged;
  }

  /** invalidate drops a cached node, e.g. after the satellite changed its own nodes table. */
  invalidate(id: string | NodeId): void {
    this.#cache.delete(NodeId.parse(id).hex);
  }

  /** select streams the nodes matching `filter`, one page at a time, ordered by id. */
  async *select(selection: NodeFilter): AsyncGenerator<NodeInfo[]> {
    const { all: _all, ...filter } = parseInput(NODE_FILTER, selection, 'filter');
    const ids = filter.ids?.map((id) => NodeId.parse(id));
    const onlineSince = new Date(this.#clock().getTime() - this.#config.onlineWindowMs);
    let after: NodeId | null = null;
    for (;;) {
      const page: NodeInfo[] = await orDatabaseError(
        this.#db.selectPage({ ...filter, ...(ids && { ids }), onlineSince, after, limit: this.#config.pageSize }),
      );
      if (page.length === 0) return;
      yield page;
      if (page.length < this.#config.pageSize) return;
      after = (page.at(-1) as NodeInfo).id;
    }
  }

  /** stats reports cache hits and misses since start. */
  stats(): { hits: number; misses: number; size: number } {
    return { hits: this.#hits, misses: this.#misses, size: this.#cache.size };
  }
}

/** How fresh a stored contact time must be for a new check to skip the write. */
const CONTACT_PRECISION_MS = 60_000;

function maxDate(a: Date | null, b: Date): Date {
  return a && a > b ? a : b;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
