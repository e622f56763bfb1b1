/**
 * @module notification/digest
 * Folds held notifications into one digest: grouped by node, in time order, with pairs that cancel
 * inside the hold (offline → online, contained → released) collapsed into one line. Pure.
 */
import { NodeId } from '../overlay/node-id.js';
import type { EmailPayload, LogPayload, OutboxItem } from './db.js';
import { formatClock, formatInstant, formatSpan } from './format.js';

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

/** Pairs whose second kind cancels the first, with how the collapsed line reads. */
const PAIRS: Record<string, { closes: string; reads: (from: string, to: string, span: string) => string }> = {
  'node-online': { closes: 'node-offline', reads: (from, to, span) => `offline from ${from} to ${to} (${span}), back online` },
  'containment-released': { closes: 'containment-entered', reads: (from, to, span) => `contained from ${from} to ${to} (${span}), released` },
};

/** MAX_EVENTS_PER_NODE bounds a node's section; the rest is summarised in one line, so a storm's digest stays readable and small. */
export const MAX_EVENTS_PER_NODE = 50;

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
      entry = { node: { id: item.nodeId ? NodeId.parse(item.nodeId).toString() : 'unknown', address: addressOf(item), events: [] }, open: new Map() };
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

/** digestText renders a digest as plain lines, for the node log. */
export function digestText(nodes: readonly DigestNode[]): string {
  return nodes.flatMap((n) => n.events.map((e) => `${e.when} ${e.title}: ${e.summary}`)).join('\n');
}

function addressOf(item: OutboxItem): string {
  if (item.channel === 'log') return (item.payload as LogPayload).address;
  const node = (item.payload as EmailPayload).data['node'] as { address?: unknown } | undefined;
  return typeof node?.address === 'string' ? node.address : '';
}
