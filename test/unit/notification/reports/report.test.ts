/**
 * An operator's report from its figures to its email (pure): the online share from recorded
 * episodes, the change against the day before the period, the one thing to do first, the nodes
 * beyond `maxNodes` counted but not listed; decimal units; at 1,000 nodes with an incident each the
 * HTML stays under 100 KB; hostile text in a node's address stays inert text in the HTML.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../../../src/config.js';
import { formatBytes, formatShare } from '../../../../src/i18n/format.js';
import { TemplateSet } from '../../../../src/mailservice/templates.js';
import { contentFor } from '../../../../src/notification/content/content.js';
import { reportFigures, type ReportInputs } from '../../../../src/notification/reports/figures.js';
import { lastEnded } from '../../../../src/notification/reports/period.js';
import type { UsageDay } from '../../../../src/notification/usage/signal.js';
import { NodeId } from '../../../../src/overlay/node-id.js';

const period = lastEnded(
  { cadence: 'weekly', weekday: 'mon', at: '09:00', zone: 'UTC' },
  new Date('2026-11-30T10:00:00Z'),
);
const HOUR = 3_600_000;
const hexOf = (i: number): string => (i + 1).toString(16).padStart(64, '0');
const idOf = (i: number): string => NodeId.parse(hexOf(i)).toString();

function usage(i: number, days: readonly string[], stored: (d: number) => number): UsageDay[] {
  return days.map((day, d) => ({
    nodeId: hexOf(i),
    day,
    storedBytes: stored(d),
    freeBytes: 1e12,
    egressBytes: 1e9,
    ingressBytes: 2e9,
    reportedAt: new Date(`${day}T20:00:00Z`),
  }));
}

function inputs(over: Partial<ReportInputs> & Pick<ReportInputs, 'nodes' | 'usage'>): ReportInputs {
  return {
    period,
    zone: 'UTC',
    scores: new Map(),
    recorded: [],
    offlineSince: new Map(),
    bars: { audit: 0.96, unknownAudit: 0.6, online: 0.6 },
    margins: { audit: 0.01, unknownAudit: 0.1, online: 0.1 },
    maxNodes: resolveConfig().reports.operator.maxNodes,
    ...over,
  };
}

describe('operator report figures and words', () => {
  it('figures: change against the day before, online share from episodes, the first thing to do, nothing without usage', () => {
    const days = ['2026-11-22', ...period.days];
    const nodes = [0, 1].map((i) => ({ id: idOf(i), hex: hexOf(i), address: `n${i}:28967` }));
    const r = reportFigures(
      inputs({
        nodes,
        usage: [...usage(0, days, (d) => 1e12 + d * 1e10), ...usage(1, days, () => 3e12)],
        scores: new Map([[hexOf(1), { audit: 0.965, unknownAudit: 1, online: 0.99, vetted: true }]]),
        // Node 0 was offline for 6 hours across midnight into the period's first day, and is offline again at its end.
        recorded: [
          {
            nodeHex: hexOf(0),
            kind: 'node-online',
            at: new Date('2026-11-23T03:00:00Z'),
            url: null,
            offlineForMs: 6 * HOUR,
          },
        ],
        offlineSince: new Map([[hexOf(0), new Date('2026-11-29T21:00:00Z')]]),
      }),
    );
    assert.ok(r);
    const [first, second] = r.nodes;
    assert.equal(first?.id, idOf(0), 'the offline node first');
    assert.equal(first?.todo, 'offline');
    assert.equal(second?.todo, 'audit-near');
    assert.equal(first?.storedBytes, 1e12 + 7 * 1e10);
    assert.equal(first?.storedChange, 7 * 1e10);
    assert.equal(r.totals.storedBytes, 1e12 + 7e10 + 3e12);
    assert.equal(r.totals.egressBytes, 2 * 7 * 1e9);
    // Offline 3 h of the first day and 3 h of the last (21:00 to 24:00, the period ending at 09:00 the next day).
    assert.equal(r.days[0]?.onlineShare, (1 + 21 / 24) / 2);
    assert.ok(Math.abs((first?.onlineShare ?? 0) - (1 - (3 + 3) / (7 * 24))) < 1e-9);
    assert.deepEqual(
      first?.incidents.map((i) => [i.kind, i.durationMs, i.open ?? false]),
      [
        ['offline', 6 * HOUR, false],
        ['offline', 3 * HOUR, true], // so far within the report's days
      ],
    );
    assert.deepEqual(r.first, { todo: 'offline', node: idOf(0) });
    assert.equal(
      reportFigures(inputs({ nodes, usage: usage(0, ['2026-11-01'], () => 1) })),
      null,
      'no usage in the period',
    );
  });

  it('a score below its bar is named as below it, a score rounding onto its bar gets more places, a flapping outage counts', () => {
    const nodes = [0, 1].map((i) => ({ id: idOf(i), hex: hexOf(i), address: `n${i}:28967` }));
    const r = reportFigures(
      inputs({
        nodes,
        usage: [...usage(0, period.days, () => 1e12), ...usage(1, period.days, () => 1e12)],
        scores: new Map([
          [hexOf(0), { audit: 0.9599, unknownAudit: 1, online: 0.99, vetted: true }],
          [hexOf(1), { audit: 1, unknownAudit: 1, online: 0.55, vetted: true }],
        ]),
        // Node 1 flapped: its node-online after the flapping notice says no length; its node-offline opens the episode.
        recorded: [
          {
            nodeHex: hexOf(1),
            kind: 'node-offline',
            at: new Date('2026-11-24T10:00:00Z'),
            url: 'u1',
            offlineForMs: null,
          },
          {
            nodeHex: hexOf(1),
            kind: 'node-online',
            at: new Date('2026-11-24T16:00:00Z'),
            url: null,
            offlineForMs: null,
          },
        ],
      }),
    );
    assert.ok(r);
    assert.deepEqual(
      r.nodes.map((n) => n.todo),
      ['audit-below', 'online-below'],
    );
    assert.deepEqual(
      r.nodes[1]?.incidents.map((i) => [i.kind, i.durationMs, i.url]),
      [['offline', 6 * HOUR, 'u1']],
    );
    const content = contentFor(TemplateSet.load(), resolveConfig());
    const text = content.renderReport(r, 'op@example.com', { locale: 'en', zone: 'UTC' }).text;
    assert.match(text, /Audit score: 0\.9599 \(0\.0001 below the bar of 0\.9600\)/);
    assert.match(text, /is below the disqualification bar/);
  });

  it('1,000 nodes, each with an incident: the HTML stays under 100 KB, the rest counted; hostile text stays text', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => ({
      id: idOf(i),
      hex: hexOf(i),
      address: i === 999 ? `"><script>alert(1)</script>\u202e:28967` : `node-${i}.example.net:28967`, // the largest: listed first
    }));
    const r = reportFigures(
      inputs({
        nodes,
        usage: nodes.flatMap((_, i) => usage(i, period.days, (d) => 2e12 + i * 1e9 + d)),
        recorded: nodes.map((n, i) => ({
          nodeHex: n.hex,
          kind: 'audit-failed' as const,
          at: new Date(period.start.getTime() + i * 60_000),
          url: `https://sat.example/n/${i}`,
          offlineForMs: null,
        })),
      }),
    );
    assert.ok(r);
    assert.equal(r.nodes.length, 50, 'reports.operator.maxNodes');
    assert.equal(r.omitted, 950);
    assert.equal(r.totals.nodes, 1000);
    const templates = TemplateSet.load();
    const content = contentFor(templates, resolveConfig({ satellite: { name: 'us1 <b>&' } }));
    for (const locale of ['en', 'de', 'pl'] as const) {
      const email = content.renderReport(r, 'op@example.com', { locale, zone: 'Europe/Warsaw' });
      const size = Buffer.byteLength(email.html);
      assert.ok(size < 100_000, `${locale}: ${size} bytes`);
      if (locale === 'pl') console.log(`# 1,000 nodes, each with an incident: ${size} bytes of HTML (${locale})`);
      assert.doesNotMatch(email.html, /<script>|<b>&/);
      assert.match(email.html, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.match(email.text, new RegExp(formatBytes(r.totals.storedBytes, locale).replace('.', '\\.')));
      assert.match(email.html, new RegExp(formatShare(1, locale)));
    }
  });

  it('decimal units as the dashboard shows them', () => {
    assert.equal(formatBytes(999), '999\u00a0B');
    assert.equal(formatBytes(1000), '1.00\u00a0kB');
    assert.equal(formatBytes(4.2e12), '4.20\u00a0TB');
    assert.equal(formatBytes(4.2e12, 'de'), '4,20\u00a0TB');
    assert.equal(formatBytes(-1.05e9, 'en', true), '−1.05\u00a0GB');
    assert.equal(formatBytes(1e8, 'pl', true), '+100,00\u00a0MB');
    assert.equal(formatBytes(0, 'en', true), '±0\u00a0B');
  });
});
