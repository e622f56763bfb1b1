import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryAfter, webhookBody } from '../../../../src/channels/webhook/plugin.js';

describe('Retry-After', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates, in milliseconds from now', () => {
    assert.equal(retryAfter('120', now), 120_000);
    assert.equal(retryAfter('0', now), 0);
    assert.equal(retryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now), 90_000);
    assert.equal(retryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0, 'a date in the past: now');
  });
  it('ignores what it cannot read, and caps at a day', () => {
    assert.equal(retryAfter(null, now), undefined);
    assert.equal(retryAfter('soon', now), undefined);
    assert.equal(retryAfter('-5', now), undefined);
    assert.equal(retryAfter('9999999', now), 86_400_000);
  });
});

describe('webhook body', () => {
  it('is Standard Webhooks shaped: type satnotify.<kind>, timestamp, the notification as data, no email', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const body = webhookBody(
      {
        id: 'n1',
        channel: 'ops',
        kind: 'audit-failed',
        level: 'warn',
        title: 'Audit failed',
        text: 't',
        node: { id: 'node1', address: 'h:1' },
        facts: { score: '0.95' },
        actions: ['Check the disk.'],
        email: { to: 'op@example.com', template: 'audit-failed', data: {} },
        satellite: { id: '', name: 'eu1' },
        occurredAt: at,
        createdAt: at,
        sentAt: at,
      },
      at,
    );
    assert.equal(body.type, 'satnotify.audit-failed');
    assert.equal(body.timestamp, '2026-01-01T00:00:00.000Z');
    assert.equal(body.data['nodeId'], 'node1');
    assert.ok(!JSON.stringify(body).includes('op@example.com'));
  });
});
