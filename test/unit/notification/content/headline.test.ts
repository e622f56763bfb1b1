/**
 * A hook words only a notice's title and subject when it records it (Wording.headline); the
 * rest is worded when it leaves. Both must say the same: the row's title and summary are what
 * feeds, pages and the CLI list.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '../../../../src/config.js';
import { loadCatalog } from '../../../../src/i18n/catalog.js';
import { LOCALES } from '../../../../src/i18n/locale.js';
import { TemplateSet } from '../../../../src/mailservice/templates.js';
import { contentFor } from '../../../../src/notification/content/content.js';
import type { EventKind } from '../../../../src/kinds.js';
import { SAMPLE_NODE, Wording } from '../../../../src/notification/content/wording.js';
import { nodeInfo } from '../../../../src/overlay/db.js';
import { NodeId } from '../../../../src/overlay/node-id.js';

const CASES: ReadonlyArray<[EventKind, Record<string, unknown>]> = [
  ['node-offline', { lastContact: '2024-05-01T07:52:00Z' }],
  ['node-online', { offlineSince: '2024-05-01T07:54:00Z', offlineFor: 41 * 60_000, onlineScore: '0.912' }],
  ['node-flapping', { changes: '6', window: 3_600_000, quietFor: 1_800_000 }],
  ['audit-failed', { score: '0.961', threshold: '0.960', distance: '0.001' }],
  ['containment-entered', {}],
  ['disqualified', { reason: 'audit score below threshold', score: '0.512' }],
  ['version-outdated', { version: '1.60.0', minimum: '1.68.0', latest: '1.70.2', deadline: '2024-05-15T00:00:00Z' }],
  ['offline-suspended', { onlineScore: '0.580' }],
];

const templates = TemplateSet.load();

test('the headline is the full wording’s title and subject, in every language and zone', () => {
  const wording = new Wording(loadCatalog(templates.dir), resolveConfig());
  for (const locale of LOCALES) {
    for (const [kind, data] of CASES) {
      const reader = { locale, zone: 'Pacific/Auckland' };
      const full = wording.event(kind, data, SAMPLE_NODE, reader);
      assert.deepEqual(
        wording.headline(kind, data, SAMPLE_NODE, reader),
        { title: full.title, subject: full.subject },
        `${locale} ${kind}`,
      );
      assert.ok(full.title && full.subject, `${locale} ${kind} is worded`);
    }
  }
});

test('a recorded notice is titled and summarised in the default language, on every channel', () => {
  const config = resolveConfig({ preferences: { language: 'de', timezone: 'Europe/Berlin' } });
  const content = contentFor(templates, config, (channel) => (channel === 'log' ? 'node' : 'operator'));
  const node = nodeInfo({ id: NodeId.parse(SAMPLE_NODE.id), address: SAMPLE_NODE.address, email: 'op@example.com' });
  const at = new Date('2024-05-01T08:00:00Z');
  const [kind, data] = CASES[0] as [EventKind, Record<string, unknown>];
  const items = content.event(node, kind, data, at);
  assert.deepEqual(items.map((i) => i.channel).sort(), ['email', 'log']);
  const full = new Wording(loadCatalog(templates.dir), config).event(kind, data, SAMPLE_NODE, content.defaultReader);
  assert.equal(content.defaultReader.locale, 'de');
  for (const item of items) {
    assert.equal(item.title, full.title);
    assert.equal(item.summary, full.subject);
  }
});
