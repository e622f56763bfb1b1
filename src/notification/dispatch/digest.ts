/**
 * @module notification/dispatch/digest
 * Folds held notifications into one digest: grouped by node, in time order, with pairs that cancel
 * inside the hold (offline → online, contained → released) collapsed into one line. Pure.
 */
import { NodeId } from '../../overlay/node-id.js';
import type { OutboxItem } from '../outbox/outbox.js';
import { LOG_LEVELS } from '../content/kinds.js';
import { formatClock, formatInstant, formatSpan } from '../content/format.js';

/** DigestEvent is one line of a digest. */
export interface DigestEvent {
  when: string;
  title: string;
  summary: string;
}

/** DigestNode is one node's section of a digest. */
export interface DigestNode {
  id: string;
  address: string;
  events: DigestEvent[];
}

/**
 * Digest is what one digest lists: node sections, worst first, within a budget of lines, and a
 * summary of the nodes past the budget (null when every node is listed), so a digest for an
 * operator with thousands of nodes still leaves, at a size any mailbox takes.
 */
export interface Digest {
  nodes: DigestNode[];
  omitted: { nodes: number; events: number; byKind: Array<{ title: string; count: number }> } | null;
}

/** Pairs whose second kind cancels the first, with how the collapsed line reads. */
const PAIRS: Record<string, { closes: string; reads: (from: string, to: string, span: string) => string }> = {
  'node-online': { closes: 'node-offline', reads: (from, to, span) => `offline from ${from} to ${to} (${span}), back online` },
  'containment-released': { closes: 'containment-entered', reads: (from, to, span) => `contained from ${from} to ${to} (${span}), released` },
};

/** MAX_EVENTS_PER_NODE bounds a node's section; the rest is summarised in one line, so a storm's digest stays readable and small. */
export const MAX_EVENTS_PER_NODE = 50;
/** MAX_DIGEST_LINES bounds the event lines of one digest; nodes past it are counted per kind instead. */
export const MAX_DIGEST_LINES = 400;

/**
 * digestOf lists `items` as node sections, the nodes with the most severe events first (ties in
 * order of first appearance), until MAX_DIGEST_LINES lines are used; the remaining nodes are
 * summarised as counts per kind.
 */
export function digestOf(items: readonly OutboxItem[], zone: string): Digest {
  const severity = new Map<string, number>();
  for (const i of items) {
    const key = displayId(i);
    const level = LOG_LEVELS.indexOf(i.payload.level);
    if (level > (severity.get(key) ?? -1)) severity.set(key, level);
  }
  const all = digestNodes(items, zone);
  const ranked = all.map((n, order) => ({ n, order, level: severity.get(n.id) ?? 0 })).sort((a, b) => b.level - a.level || a.order - b.order);
  const nodes: DigestNode[] = [];
  let lines = 0;
  let cut = ranked.length;
  for (const [i, { n }] of ranked.entries()) {
    if (lines + n.events.length > MAX_DIGEST_LINES && nodes.length > 0) {
      cut = i;
      break;
    }
    nodes.push(n);
    lines += n.events.length;
  }
  if (cut === ranked.length) return { nodes, omitted: null };
  const rest = new Set(ranked.slice(cut).map((r) => r.n.id));
  const byKind = new Map<string, number>();
  let events = 0;
  for (const i of items) {
    if (!rest.has(displayId(i))) continue;
    events++;
    byKind.set(i.title, (byKind.get(i.title) ?? 0) + 1);
  }
  return { nodes, omitted: { nodes: rest.size, events, byKind: [...byKind].map(([title, count]) => ({ title, count })) } };
}

function displayId(item: OutboxItem): string {
  return item.nodeId ? NodeId.parse(item.nodeId).toString() : 'unknown';
}


/** digestNodes groups items by node (first appearance order), collapses cancelling pairs, and caps each node's lines. */
export function digestNodes(items: readonly OutboxItem[], zone: string): DigestNode[] {
  return collapse(items, zone).map((n) => (n.events.length <= MAX_EVENTS_PER_NODE ? n : cap(n)));
}

function cap(n: DigestNode): DigestNode {
  const kept = n.events.slice(0, MAX_EVENTS_PER_NODE - 1);
  const rest = n.events.slice(MAX_EVENTS_PER_NODE - 1);
  const titles = [...new Set(rest.map((e) => e.title))].join(', ');
  const last = rest.at(-1) as DigestEvent;
  return { ...n, events: [...kept, { when: last.when, title: `${rest.length} more`, summary: `${titles}; the latest is listed at ${last.when}: ${last.summary}` }] };
}

function collapse(items: readonly OutboxItem[], zone: string): DigestNode[] {
  const byNode = new Map<string, { node: DigestNode; open: Map<string, { event: DigestEvent; at: Date }> }>();
  const sorted = [...items].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  for (const item of sorted) {
    const key = item.nodeId ?? 'unknown';
    let entry = byNode.get(key);
    if (!entry) {
      entry = { node: { id: displayId(item), address: item.payload.node?.address ?? '', events: [] }, open: new Map() };
      byNode.set(key, entry);
    }
    const pair = PAIRS[item.kind];
    const opened = pair && entry.open.get(pair.closes);
    if (pair && opened) {
      opened.event.summary = pair.reads(formatClock(opened.at, zone), formatClock(item.occurredAt, zone), formatSpan(item.occurredAt.getTime() - opened.at.getTime()));
      entry.open.delete(pair.closes);
      continue;
    }
    const event = { when: formatInstant(item.occurredAt, zone), title: item.title, summary: item.summary };
    entry.node.events.push(event);
    if (Object.values(PAIRS).some((p) => p.closes === item.kind)) entry.open.set(item.kind, { event, at: item.occurredAt });
  }
  return [...byNode.values()].map((e) => e.node);
}

/** digestText renders a digest as plain lines, for the node log, within `maxChars` code points. */
export function digestText(nodes: readonly DigestNode[], maxChars: number): string {
  const lines = nodes.flatMap((n) => n.events.map((e) => `${e.when} ${e.title}: ${e.summary}`));
  let text = lines.join('\n');
  for (let kept = lines.length - 1; [...text].length > maxChars && kept > 0; kept--) text = `${lines.slice(0, kept).join('\n')}\n… and ${lines.length - kept} more lines`;
  return text;
}
