import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboxItem } from '../../../../src/notification/outbox/outbox.js';
import { digestOf, MAX_DIGEST_LINES } from '../../../../src/notification/digest/select.js';

const NODE_A = 'aa'.repeat(32);
const NODE_B = 'bb'.repeat(32);

function item(nodeId: string, kind: string, iso: string): OutboxItem {
  return {
    id: `${kind}-${nodeId.slice(0, 2)}-${iso}`,
    channel: 'log',
    groupKey: `log:node:${nodeId}`,
    nodeId,
    copyOf: null,
    operator: null,
    kind,
    bypass: false,
    payload: { level: 'info', title: kind, text: kind, node: { id: nodeId, address: 'h:1' }, facts: {}, actions: [] },
    title: kind,
    summary: kind,
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

const kinds = (d: ReturnType<typeof digestOf>): string[] => d.sections.map((s) => s.kind);

describe('digestOf', () => {
  it('groups by kind, the most severe first, and nearest to losing the node first within a level', () => {
    const d = digestOf([
      item(NODE_A, 'node-online', '2024-05-01T10:41:00Z'), // no held offline: its own line
      item(NODE_B, 'node-offline', '2024-05-01T10:04:00Z'),
      item(NODE_A, 'audit-failed', '2024-05-01T10:10:00Z'),
      item(NODE_B, 'version-outdated', '2024-05-01T11:00:00Z'),
      item(NODE_A, 'disqualified', '2024-05-01T12:00:00Z'),
    ]);
    assert.deepEqual(kinds(d), ['disqualified', 'audit-failed', 'node-offline', 'version-outdated', 'node-online']);
    assert.deepEqual(
      d.sections.map((s) => s.level),
      ['error', 'warn', 'warn', 'warn', 'info'],
    );
    assert.equal(d.level, 'error');
  });

  it('folds offline → online and contained → released into one line of the closing kind, and the counts agree', () => {
    const d = digestOf([
      item(NODE_A, 'node-online', '2024-05-01T10:41:00Z'),
      item(NODE_A, 'node-offline', '2024-05-01T10:04:00Z'),
      item(NODE_A, 'containment-entered', '2024-05-01T11:00:00Z'),
      item(NODE_A, 'containment-released', '2024-05-01T11:30:00Z'),
      item(NODE_A, 'node-offline', '2024-05-01T12:00:00Z'),
    ]);
    assert.deepEqual(kinds(d), ['node-offline', 'node-online', 'containment-released']);
    const online = d.sections.find((s) => s.kind === 'node-online');
    assert.equal(online?.entries[0]?.item.kind, 'node-offline');
    assert.equal(online?.entries[0]?.closedBy?.kind, 'node-online');
    assert.deepEqual(
      { count: d.count, lines: d.lines, folded: d.folded, nodes: d.nodes },
      { count: 5, lines: 3, folded: 2, nodes: 1 },
    );
    assert.equal(d.count, d.lines + d.folded, 'every notification is a line or half of a folded one');
  });

  it('a digest of recoveries is info, whatever the outage it closes was', () => {
    const d = digestOf([
      item(NODE_A, 'node-offline', '2024-05-01T10:04:00Z'),
      item(NODE_A, 'node-online', '2024-05-01T10:41:00Z'),
    ]);
    assert.equal(d.level, 'info');
  });

  it('fills the line budget in severity order and counts the rest per kind', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(64, '0'));
    const items = ids.map((id, i) =>
      item(id, i === 999 ? 'disqualified' : 'node-offline', new Date(Date.UTC(2024, 4, 1, 0, 0, i)).toISOString()),
    );
    const d = digestOf(items);
    assert.equal(d.lines, MAX_DIGEST_LINES);
    assert.equal(d.sections[0]?.kind, 'disqualified', 'the error-level kind leads');
    assert.deepEqual(d.omitted, {
      nodes: 1000 - MAX_DIGEST_LINES,
      events: 1000 - MAX_DIGEST_LINES,
      byKind: [{ kind: 'node-offline', count: 1000 - MAX_DIGEST_LINES }],
    });
    assert.equal(d.count, 1000);
  });
});
