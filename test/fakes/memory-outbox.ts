/**
 * An Outbox in process memory, for unit tests of the dispatcher and the service: the same
 * contract as PgOutbox (claims by group, oldest first, leases, busy groups left out, grouping
 * waits joined, digests folding their items), minus what only several processes need (advisory
 * locks, SKIP LOCKED). Real databases stay in the integration tests.
 */
import type { Reservation } from '../../src/notification/limits/store.js';
import type {
  FeedCursor,
  Erased,
  FeedQuery,
  HistoryQuery,
  HistoryRow,
  NewItem,
  Outbox,
  OutboxCount,
  OutboxItem,
  Owned,
  PruneBatch,
  Pruned,
  PruneRequest,
  Retry,
} from '../../src/notification/outbox/outbox.js';
import type { ClaimOptions } from '../../src/notification/outbox/sql.js';

type Row = OutboxItem & { seq: number; leasedUntil: Date | null };

const OPEN = new Set(['pending', 'held', 'retry']);

export class MemoryOutbox implements Outbox {
  readonly #rows = new Map<string, Row>();
  readonly #prunedCounts: OutboxCount[] = [];
  readonly #prunedFeed = new Map<string, Pruned>();
  #seq = 0;

  /** rows is every row as stored, for assertions. */
  get rows(): readonly OutboxItem[] {
    return [...this.#rows.values()].map(strip);
  }

  insert(items: readonly NewItem[]): Promise<readonly NewItem[]> {
    this.#add(items);
    return Promise.resolve(items);
  }

  claim(o: ClaimOptions): Promise<OutboxItem[]> {
    const due = [...this.#rows.values()]
      .filter((r) => OPEN.has(r.status) && r.dueAt <= o.now && (r.leasedUntil === null || r.leasedUntil < o.now))
      .filter((r) => (o.groupKey === undefined || r.groupKey === o.groupKey) && !(o.busy ?? []).includes(r.groupKey))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.seq - b.seq);
    const groups = [...new Set(due.map((r) => r.groupKey))].slice(0, o.groups);
    // A claimed group takes its rows still waiting for grouping too, as PgOutbox's claim does.
    const waiting = [...this.#rows.values()].filter(
      (r) =>
        r.status === 'pending' &&
        r.dueAt > o.now &&
        r.dueAt > r.createdAt &&
        (r.leasedUntil === null || r.leasedUntil < o.now) &&
        groups.includes(r.groupKey),
    );
    const claimed = [...due.filter((r) => groups.includes(r.groupKey)), ...waiting];
    for (const r of claimed) r.leasedUntil = o.leaseUntil;
    return Promise.resolve(
      claimed
        .sort(
          (a, b) =>
            a.occurredAt.getTime() - b.occurredAt.getTime() ||
            a.createdAt.getTime() - b.createdAt.getTime() ||
            a.seq - b.seq,
        )
        .map(strip),
    );
  }

  insertDigest(digest: NewItem, folded: readonly string[], { leaseUntil, reservations }: Owned): Promise<void> {
    for (const id of folded)
      this.#update(id, { status: 'digested', digestId: digest.id, leasedUntil: null, reservations: null });
    const [row] = this.#add([digest]);
    if (row) Object.assign(row, { leasedUntil: leaseUntil, reservations: [...reservations] });
    return Promise.resolve();
  }

  attachReservations(id: string, reservations: readonly Reservation[]): Promise<void> {
    this.#update(id, { reservations: [...reservations] });
    return Promise.resolve();
  }

  release(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#update(id, { leasedUntil: null });
    return Promise.resolve();
  }

  markSent(id: string, at: Date): Promise<void> {
    const attempts = this.#get(id).attempts + 1;
    this.#update(id, { status: 'sent', sentAt: at, attempts, leasedUntil: null, reason: null, reservations: null });
    return Promise.resolve();
  }

  markHeld(ids: readonly string[], dueAt: Date, reason: string): Promise<void> {
    for (const id of ids) this.#update(id, { status: 'held', dueAt, reason, leasedUntil: null });
    return Promise.resolve();
  }

  markRetry(id: string, { dueAt, reason, reservations, ambiguous }: Retry): Promise<void> {
    const r = this.#get(id);
    const attempts = { attempts: r.attempts + 1, ambiguousAttempts: r.ambiguousAttempts + (ambiguous ? 1 : 0) };
    this.#update(id, {
      status: 'retry',
      ...attempts,
      dueAt,
      reason,
      reservations: [...reservations],
      leasedUntil: null,
    });
    return Promise.resolve();
  }

  markFailed(ids: readonly string[], reason: string, attempt?: { ambiguous: boolean }): Promise<void> {
    for (const id of ids) {
      const r = this.#get(id);
      const counted = attempt && {
        attempts: r.attempts + 1,
        ambiguousAttempts: r.ambiguousAttempts + (attempt.ambiguous ? 1 : 0),
      };
      this.#update(id, { status: 'failed', reason, leasedUntil: null, reservations: null, ...counted });
    }
    return Promise.resolve();
  }

  markSuppressed(ids: readonly string[], reason: string): Promise<void> {
    for (const id of ids) this.#update(id, { status: 'suppressed', reason, leasedUntil: null });
    return Promise.resolve();
  }

  moveHeld(nodeId: string, reasonPrefix: string, dueAt: Date, reason: string): Promise<number> {
    const now = new Date();
    const held = [...this.#rows.values()].filter(
      (r) =>
        r.nodeId === nodeId &&
        r.status === 'held' &&
        (r.reason ?? '').startsWith(reasonPrefix) &&
        (r.leasedUntil === null || r.leasedUntil < now),
    );
    for (const r of held) Object.assign(r, { dueAt, reason });
    return Promise.resolve(held.length);
  }

  suppressOpen(nodeId: string, except: string, reason: string): Promise<Array<{ channel: string; kind: string }>> {
    const now = new Date();
    const open = [...this.#rows.values()].filter(
      (r) =>
        r.nodeId === nodeId &&
        r.kind !== except &&
        (r.status === 'pending' || r.status === 'held') &&
        r.reservations === null &&
        (r.leasedUntil === null || r.leasedUntil < now),
    );
    for (const r of open) Object.assign(r, { status: 'suppressed', reason });
    return Promise.resolve(open.map((r) => ({ channel: r.channel, kind: r.kind })));
  }

  get(id: string): Promise<OutboxItem | null> {
    const r = this.#rows.get(id);
    return Promise.resolve(r ? strip(r) : null);
  }

  forOperator(operator: string, { limit, before, after }: FeedQuery): Promise<OutboxItem[]> {
    const key = (r: FeedCursor): string => `${r.createdAt.toISOString()}|${r.id}`;
    const mine = [...this.#rows.values()]
      .filter((r) => r.operator === operator && r.kind !== 'digest' && r.copyOf === null)
      .filter((r) => (!before || key(r) < key(before)) && (!after || key(r) > key(after)))
      .sort((a, b) => (key(a) < key(b) ? 1 : -1));
    return Promise.resolve((after ? mine.reverse() : mine).slice(0, limit).map(strip));
  }

  feedPosition(operator: string, id: string): Promise<FeedCursor | null> {
    const r = this.#rows.get(id);
    return Promise.resolve(r && r.operator === operator && r.kind !== 'digest' ? { createdAt: r.createdAt, id } : null);
  }

  counts(): Promise<OutboxCount[]> {
    return Promise.resolve(
      tally(
        [...this.#rows.values()].map((r) => this.#cell(r)),
        this.#prunedCounts,
      ),
    );
  }

  prune({ scope, before, limit }: PruneRequest): Promise<PruneBatch> {
    const victims = [...this.#rows.values()]
      .filter((r) => !OPEN.has(r.status) && r.createdAt < before)
      .map((r) => ({ r, feedItem: r.operator !== null && r.kind !== 'digest' && r.copyOf === null }))
      .filter(({ r, feedItem }) => scope === 'everything' || (!feedItem && r.kind !== 'digest'))
      .sort((a, b) => a.r.createdAt.getTime() - b.r.createdAt.getTime())
      .slice(0, limit);
    const cells = victims.map(({ r }) => this.#cell(r));
    for (const { r, feedItem } of victims) {
      if (!feedItem || r.operator === null) continue;
      const had = this.#prunedFeed.get(r.operator);
      const through = had && had.through > r.createdAt ? had.through : r.createdAt;
      this.#prunedFeed.set(r.operator, { items: (had?.items ?? 0) + 1, through });
    }
    for (const { r } of victims) this.#rows.delete(r.id);
    this.#prunedCounts.splice(0, this.#prunedCounts.length, ...tally(cells, this.#prunedCounts));
    return Promise.resolve({
      deleted: victims.length,
      feedItems: victims.filter((v) => v.feedItem).length,
      busy: false,
    });
  }

  eraseOperator(operator: string, now: Date, reason: string): Promise<Erased> {
    const done: Erased = { rows: 0, suppressed: 0, inFlight: 0 };
    const scrub = (s: string): string => s.split(operator).join('[erased]');
    for (const r of this.#rows.values()) {
      if (r.operator !== operator) continue;
      const open = OPEN.has(r.status);
      if (open && r.leasedUntil !== null && r.leasedUntil >= now) {
        done.inFlight++;
        continue;
      }
      const { email: _email, links: _links, ...payload } = r.payload;
      Object.assign(r, {
        status: open ? 'suppressed' : r.status,
        reason: open ? reason : r.reason && scrub(r.reason),
        operator: null,
        groupKey: `${r.channel}:erased`,
        title: scrub(r.title),
        summary: scrub(r.summary),
        payload: JSON.parse(scrub(JSON.stringify(payload))) as Row['payload'],
        reservations: null,
      });
      done.rows++;
      if (open) done.suppressed++;
    }
    this.#prunedFeed.delete(operator);
    return Promise.resolve(done);
  }

  history(q: HistoryQuery): Promise<HistoryRow[]> {
    const mine = [...this.#rows.values()]
      .filter((r) => ('nodeId' in q ? r.nodeId === q.nodeId : r.operator === q.operator))
      .filter((r) => !q.since || r.createdAt >= q.since)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.seq - a.seq)
      .slice(0, q.limit);
    return Promise.resolve(
      mine.map((r) => {
        const d = r.digestId ? this.#rows.get(r.digestId) : undefined;
        return { ...strip(r), digest: d ? { id: d.id, status: d.status, sentAt: d.sentAt } : null };
      }),
    );
  }

  compact(): Promise<void> {
    return Promise.resolve();
  }

  pruned(operator: string): Promise<Pruned | null> {
    return Promise.resolve(this.#prunedFeed.get(operator) ?? null);
  }

  #cell(r: Row): OutboxCount {
    const digestStatus = r.digestId ? (this.#rows.get(r.digestId)?.status ?? null) : null;
    return { channel: r.channel, kind: r.kind, status: r.status, digestStatus, count: 1 };
  }

  /** #add stores new items; one that waits for operator grouping joins the earliest waiting item of its group. */
  #add(items: readonly NewItem[]): Row[] {
    const waiting = (r: Pick<NewItem, 'dueAt' | 'createdAt'>): boolean => r.dueAt > r.createdAt;
    const earliest = (groupKey: string): Date | undefined =>
      [...this.#rows.values(), ...items.map((i) => ({ ...i, status: 'pending', leasedUntil: null }))]
        .filter((r) => r.groupKey === groupKey && r.status === 'pending' && r.leasedUntil === null && waiting(r))
        .map((r) => r.dueAt)
        .sort((a, b) => a.getTime() - b.getTime())[0];
    return items.map((i) => {
      const { suppressed, held, ...item } = i;
      const row: Row = {
        ...item,
        dueAt: waiting(i) && !held ? (earliest(i.groupKey) ?? i.dueAt) : i.dueAt,
        status: suppressed ? 'suppressed' : held ? 'held' : 'pending',
        reason: suppressed ?? held ?? null,
        attempts: 0,
        ambiguousAttempts: 0,
        sentAt: null,
        digestId: null,
        reservations: null,
        seq: this.#seq++,
        leasedUntil: null,
      };
      this.#rows.set(row.id, row);
      return row;
    });
  }

  #get(id: string): Row {
    const r = this.#rows.get(id);
    if (!r) throw new Error(`no row ${id}`);
    return r;
  }

  #update(id: string, change: Partial<Row>): void {
    Object.assign(this.#get(id), change);
  }
}

function strip(r: Row): OutboxItem {
  const { seq: _seq, leasedUntil: _lease, ...item } = r;
  return structuredClone(item);
}

/** tally adds up cells of the same channel, kind, status and digest status. */
function tally(...lists: ReadonlyArray<readonly OutboxCount[]>): OutboxCount[] {
  const cells = new Map<string, OutboxCount>();
  for (const c of lists.flat()) {
    const key = [c.channel, c.kind, c.status, c.digestStatus].join('|');
    const cell = cells.get(key) ?? { ...c, count: 0 };
    cell.count += c.count;
    cells.set(key, cell);
  }
  return [...cells.values()];
}
