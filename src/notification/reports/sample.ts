/**
 * @module notification/reports/sample
 * A sample week of two nodes, made by the same figures as a real report: what `satnotify preview
 * report`, the startup check and the tests render. One node was offline for three hours and
 * failed an audit; the other did well. Pure.
 */
import type { UsageDay } from '../usage/signal.js';
import { reportFigures, type ReportData } from './figures.js';
import { networkFigures, type NetworkFigures } from './network.js';
import { lastEnded } from './period.js';

const NODES = [
  { id: '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S', hex: 'a1', address: 'node1.example.com:28967' },
  { id: '1hV2F6sNwRHTpHDT9vq1m2Jm6r3n8XhaBVZEEbhEsBovbvzvPr', hex: 'b2', address: 'node2.example.com:28967' },
];
const TB = 1e12;

/** sampleReport is a weekly report of two nodes for the week that ended on 2024-05-06 at 09:00 in `zone`. */
export function sampleReport(zone = 'UTC'): ReportData {
  const period = lastEnded({ cadence: 'weekly', weekday: 'mon', at: '09:00', zone }, new Date('2024-05-06T12:00:00Z'));
  const days = ['2024-04-28', ...period.days];
  const usage: UsageDay[] = NODES.flatMap((n, k) =>
    days.map((day, i) => ({
      nodeId: n.hex,
      day,
      storedBytes: Math.round((k === 0 ? 4.2 : 1.35) * TB + i * (k === 0 ? 0.015 : 0.04) * TB),
      freeBytes: Math.round((k === 0 ? 0.8 : 2.6) * TB - i * 0.02 * TB),
      egressBytes: Math.round((k === 0 ? 0.16 : 0.05) * TB),
      ingressBytes: Math.round((k === 0 ? 0.004 : 0.03) * TB),
      reportedAt: new Date(`${day}T23:00:00Z`),
    })),
  );
  const offlineAt = new Date(period.start.getTime() + 2.5 * 86_400_000);
  return reportFigures({
    period,
    zone,
    nodes: NODES,
    usage,
    scores: new Map([
      ['a1', { audit: 0.998, unknownAudit: 1, online: 0.962, vetted: true }],
      ['b2', { audit: 1, unknownAudit: 1, online: 0.999, vetted: false }],
    ]),
    recorded: [
      {
        nodeHex: 'a1',
        kind: 'node-online',
        at: new Date(offlineAt.getTime() + 3 * 3_600_000),
        url: 'https://sat.example/n/sample-online',
        offlineForMs: 3 * 3_600_000,
      },
      {
        nodeHex: 'a1',
        kind: 'audit-failed',
        at: new Date(offlineAt.getTime() + 26 * 3_600_000),
        url: 'https://sat.example/n/sample-audit',
        offlineForMs: null,
      },
    ],
    offlineSince: new Map(),
    bars: { audit: 0.96, unknownAudit: 0.6, online: 0.6 },
    margins: { audit: 0.01, unknownAudit: 0.1, online: 0.1 },
    maxNodes: 100,
  }) as ReportData;
}

/** sampleNetwork is a day of a small network's activity. */
export function sampleNetwork(zone = 'UTC'): NetworkFigures {
  const period = lastEnded({ cadence: 'daily', weekday: 'mon', at: '09:00', zone }, new Date('2024-05-06T12:00:00Z'));
  const versions = ['1.104.5', '1.104.5', '1.104.5', '1.103.2', '1.103.2', '1.99.3'];
  return networkFigures(
    period,
    versions.map((version, i) => ({
      hex: `0${i}`,
      version,
      online: i !== 5,
      disqualified: null,
      welcomedAt: i === 0 ? new Date(period.start.getTime() + 3_600_000) : null,
      suspendedAt: null,
      storedBefore: i === 4 ? null : 2 * TB,
      storedNow: i === 3 ? null : 2 * TB + i * 0.01 * TB,
      freeNow: i === 3 ? null : TB,
    })),
  );
}
