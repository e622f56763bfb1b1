import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboxItem } from '../../../../src/notification/outbox/outbox.js';
import { digestNodes, digestOf, digestText, MAX_DIGEST_LINES, MAX_EVENTS_PER_NODE } from '../../../../src/notification/dispatch/digest.js';

const NODE_A = 'aa'.repeat(32);
const NODE_B = 'bb'.repeat(32);

function item(nodeId: string, kind: string, iso: string, summary = kind): OutboxItem {
  return {
    id: `${kind}-${iso}`,
    channel: 'log',
    groupKey: `log:node:${nodeId}`,
    nodeId,
    operator: null,
    kind,
    bypass: false,
    payload: { level: 'info', title: kind, text: summary, node: { id: nodeId, address: 'h:1' }, facts: {}, actions: [] },
    title: kind,
    summary,
    status: 'held',
    reason: null,
    attempts: 0,
    ambiguousAttempts: 0,
    dueAt: new Date(iso),
    occurredAt: new Date(iso),
    createdAt: new Date(iso),
    sentAt: null,
    digestId: null,
    reservations: null,
  };
}

describe('digestNodes', () => {
  it('orders by time, groups by node, collapses offline → online and contained → released', () => {
    const nodes = digestNodes(
      [
        item(NODE_A, 'node-online', '2024-05-01T10:41:00Z'),
        item(NODE_B, 'audit-failed', '2024-05-01T10:10:00Z', 'score 0.962'),
        item(NODE_A, 'node-offline', '2024-05-01T10:04:00Z'),
        item(NODE_A, 'containment-entered', '2024-05-01T11:00:00Z'),
        item(NODE_A, 'containment-released', '2024-05-01T11:30:00Z'),
        item(NODE_A, 'node-offline', '2024-05-01T12:00:00Z'),
      ],
      'UTC',
    );
    assert.equal(nodes.length, 2);
    const [a, b] = nodes;
    assert.deepEqual(a?.events.map((e) => e.summary), [
      'offline from 10:04 UTC to 10:41 UTC (37 minutes), back online',
      'contained from 11:00 UTC to 11:30 UTC (30 minutes), released',
      'node-offline',
    ]);
    assert.deepEqual(b?.events.map((e) => e.summary), ['score 0.962']);
    assert.equal(a?.events[0]?.when, '2024-05-01 10:04 UTC');
  });

  it('an online without a held offline stays its own line', () => {
    const [a] = digestNodes([item(NODE_A, 'node-online', '2024-05-01T10:41:00Z', 'back')], 'UTC');
    assert.deepEqual(a?.events.map((e) => e.summary), ['back']);
  });

  it(`caps a node's section at ${MAX_EVENTS_PER_NODE} lines, summarising the rest`, () => {
    const many = Array.from({ length: 500 }, (_, i) => item(NODE_A, 'audit-failed', new Date(Date.UTC(2024, 4, 1, 0, i)).toISOString(), `n${i}`));
    const [a] = digestNodes(many, 'UTC');
    assert.equal(a?.events.length, MAX_EVENTS_PER_NODE);
    assert.match(a?.events.at(-1)?.title ?? '', /^451 more$/);
    assert.match(a?.events.at(-1)?.summary ?? '', /n499/);
  });

  it('lists the worst nodes first and summarises the nodes past the line budget by kind', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(64, '0'));
    const items = ids.map((id, i) => item(id, i === 999 ? 'disqualified' : 'node-offline', new Date(Date.UTC(2024, 4, 1, 0, 0, i)).toISOString()));
    items[999]!.payload = { ...items[999]!.payload, level: 'error', title: 'dq', text: 'dq' };
    const d = digestOf(items, 'UTC');
    assert.equal(d.nodes.length, MAX_DIGEST_LINES);
    assert.equal(d.nodes[0]?.events[0]?.title, 'disqualified', 'the error-level node leads');
    assert.deepEqual(d.omitted, { nodes: 1000 - MAX_DIGEST_LINES, events: 1000 - MAX_DIGEST_LINES, byKind: [{ title: 'node-offline', count: 1000 - MAX_DIGEST_LINES }] });
  });

  it('a node-log digest text stays within the node limit, saying how many lines it left out', () => {
    const many = Array.from({ length: 50 }, (_, i) => item(NODE_A, 'audit-failed', new Date(Date.UTC(2024, 4, 1, 0, i)).toISOString(), 'x'.repeat(500)));
    const text = digestText(digestNodes(many, 'UTC'), 4000);
    assert.ok([...text].length <= 4000);
    assert.match(text, /… and \d+ more lines$/);
  });
});
