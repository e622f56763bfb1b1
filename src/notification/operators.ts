/**
 * @module notification/operators
 * An operator's data rights: `export` gives them everything kept about them as JSON (their
 * choices, their nodes, every notification kept for them with its words and fate, their counters);
 * `erase` removes their address from everything satnotify holds while keeping the counts the
 * limits and tallies need. Both are by address, case-insensitively.
 */
import type { Destination, Destinations } from '../destinations/destinations.js';
import { orDatabaseError } from '../errors.js';
import type { OverlayCache } from '../overlay/cache.js';
import type { NodeInfo } from '../overlay/db.js';
import type { OperatorPreferences } from '../preferences/operator-preferences.js';
import type { ReportStore } from './reports/store.js';
import { erasedKey, operatorKey, type Preferences, type PreferencesUpdate } from '../preferences/preferences.js';
import type { Content } from './content/content.js';
import { toChannelStatus, type ChannelStatus } from './limits/channel-status.js';
import type { StatusKey, StatusStore } from './limits/store.js';
import type { Status } from './limits/policy.js';
import type { Erased, Outbox, OutboxStatus, Pruned } from './outbox/outbox.js';
import type { FleetMail } from './fleet/mail-room.js';

/** Why an erased operator's open notifications end unsent. */
export const ERASED = "the operator's data was erased at their request";

/** The most notifications an export lists; more than a year of a large operator's news at the default retention. */
const MAX_EXPORTED = 1_000_000;

/** OperatorExport is everything kept about one operator, as JSON-ready values. */
export interface OperatorExport {
  address: string;
  exportedAt: string;
  preferences: { chosen: PreferencesUpdate | null; inEffect: Preferences };
  nodes: Array<{ id: string; address: string; version: string; wallet: string; lastContactSuccess: string | null }>;
  /** Every notification kept for them, on every channel, newest first, worded as they read it. */
  notifications: Array<{
    id: string;
    kind: string;
    channel: string;
    status: OutboxStatus;
    reason: string | null;
    nodeId: string | null;
    recordedAt: string;
    sentAt: string | null;
    title: string;
    text: string;
  }>;
  /** Their sends counted against the per-address limits, per channel. */
  counters: Record<string, ChannelStatus>;
  /** Older notifications retention already deleted. */
  pruned: { items: number; through: string } | null;
  /** The destinations they added of their own, with their delivery data (never a webhook's secret). */
  destinations: Destination[];
}

/** EraseReport says what an erase did; with `inFlight` above 0, run it again once those sends end. */
export interface EraseReport extends Erased {
  address: string;
  preferences: 'erased';
  /** Their own destinations, removed. */
  destinations: number;
  /** Nodes whose operator address was cleared in the overlay. */
  nodes: number;
}

export interface OperatorsDeps {
  outbox: Pick<Outbox, 'history' | 'pruned' | 'eraseOperator'>;
  status: Pick<StatusStore, 'get' | 'rename'>;
  preferences: OperatorPreferences;
  overlay: OverlayCache;
  content: Content;
  channels: readonly string[];
  clock: () => Date;
  /** The fleet's mail (`grouping.fleet`): it keeps the address too, and the per-address counters of the channels it takes. */
  fleet?: Pick<FleetMail, 'takes' | 'addressStatus' | 'eraseOperator'> | undefined;
  /** The reported periods, kept under a hash of the address: forgotten with the rest. */
  reportStore?: Pick<ReportStore, 'forget'> | null | undefined;
  /** The destinations operators added of their own. */
  destinations?: Pick<Destinations, 'list' | 'eraseOperator'> | null | undefined;
}

/** Operators answers an operator's requests about their data. */
export class Operators {
  readonly #d: OperatorsDeps;

  constructor(deps: OperatorsDeps) {
    this.#d = deps;
  }

  /** export gathers everything kept about `address`. */
  async export(address: string): Promise<OperatorExport> {
    const key = operatorKey(address);
    const d = this.#d;
    const [chosen, inEffect, nodes, rows, pruned, counters, destinations] = await orDatabaseError(
      Promise.all([
        d.preferences.stored(key),
        d.preferences.get(key),
        this.#nodes(key),
        d.outbox.history({ operator: key, since: null, limit: MAX_EXPORTED }),
        d.outbox.pruned(key),
        Promise.all(
          d.channels.map(async (c): Promise<[string, ChannelStatus]> => [
            c,
            toChannelStatus(await this.#addressStatus({ subject: `addr:${key}`, channel: c })),
          ]),
        ),
        d.destinations?.list(key) ?? Promise.resolve([]),
      ]),
    );
    const reader = d.content.readerOf(inEffect);
    return {
      address: key,
      exportedAt: d.clock().toISOString(),
      preferences: { chosen, inEffect },
      nodes: nodes.map((n) => ({
        id: n.id.toString(),
        address: n.address,
        version: n.version,
        wallet: n.wallet,
        lastContactSuccess: n.lastContactSuccess?.toISOString() ?? null,
      })),
      notifications: rows.map((r) => {
        const m = r.kind === 'digest' ? d.content.presentDigest(r.payload) : d.content.present(r, reader);
        return {
          id: r.id,
          kind: r.kind,
          channel: r.channel,
          status: r.status,
          reason: r.reason,
          nodeId: r.nodeId,
          recordedAt: r.createdAt.toISOString(),
          sentAt: r.sentAt?.toISOString() ?? null,
          title: m.title,
          text: m.text,
        };
      }),
      counters: Object.fromEntries(counters),
      pruned: pruned && exportPruned(pruned),
      // Their own export: delivery data shown, as on their page (only the signing secret never is).
      destinations: destinations.map((x) => ({ ...x, params: { ...x.params } })),
    };
  }

  /**
   * erase removes `address` from everything satnotify keeps: their choices (remembered only as a
   * hash, so links made for them stop working), the address on their notifications (which keep
   * their kind, fate and counts; open ones end as suppressed), their per-address counters (kept
   * under the hash), their pruned count, and the address on their nodes in the overlay. Links made
   * before work again only once the satellite notifies that address anew. A send in flight is left
   * alone and counted in `inFlight`: erase again once it has ended.
   */
  async erase(address: string): Promise<EraseReport> {
    const key = operatorKey(address);
    const d = this.#d;
    const now = d.clock();
    await orDatabaseError(d.preferences.erase(key, now));
    const destinations = await orDatabaseError(d.destinations?.eraseOperator(key) ?? Promise.resolve(0));
    const nodes = await this.#nodes(key);
    for (const n of nodes) await d.overlay.upsertNode({ id: n.id, address: n.address, email: '' });
    // The fleet first: what it holds for the address comes back, and is erased below with the rest.
    await orDatabaseError(d.fleet?.eraseOperator(key, now, ERASED, `addr:${erasedKey(key)}`) ?? Promise.resolve());
    const [erased] = await orDatabaseError(
      Promise.all([
        d.outbox.eraseOperator(key, now, ERASED),
        d.status.rename(`addr:${key}`, `addr:${erasedKey(key)}`),
        d.reportStore?.forget(key),
      ]),
    );
    return { address: key, preferences: 'erased', destinations, nodes: nodes.length, ...erased };
  }

  /**
   * linksRevoked: links made for `address` no longer work because their data was erased, and the
   * satellite has not notified that address since.
   */
  async linksRevoked(address: string): Promise<boolean> {
    const key = operatorKey(address);
    const at = await orDatabaseError(this.#d.preferences.erasedAt(key));
    if (!at) return false;
    const since = await orDatabaseError(this.#d.outbox.history({ operator: key, since: at, limit: 1 }));
    return since.length === 0;
  }

  /** #addressStatus is an address's counters on a channel: the fleet's, for the channels whose mail it sends. */
  #addressStatus(key: StatusKey): Promise<Status> {
    const fleet = this.#d.fleet;
    return fleet?.takes(key.channel) ? fleet.addressStatus(key) : this.#d.status.get(key);
  }

  async #nodes(operator: string): Promise<NodeInfo[]> {
    const nodes: NodeInfo[] = [];
    for await (const page of this.#d.overlay.select({ operator })) nodes.push(...page);
    return nodes;
  }
}

function exportPruned(p: Pruned): { items: number; through: string } {
  return { items: p.items, through: p.through.toISOString() };
}
