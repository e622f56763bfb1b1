/**
 * @module notification/metrics
 * Prometheus counters in a registry of their own, which a satellite can mount on its metrics endpoint.
 */
import { DESTINATION_ID } from '../destinations/config.js';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Outcome is what happened to one notification in one step (`handed`: to the fleet's mail, which sends it). */
export type Outcome = 'sent' | 'held' | 'digested' | 'handed' | 'failed' | 'retried' | 'suppressed';

/** Metrics holds satnotify's counters; labels carry no node ids or addresses (cardinality, privacy). */
export class Metrics {
  readonly registry = new Registry();
  readonly notifications = new Counter({
    name: 'satnotify_notifications_total',
    help: 'Notifications by channel, kind and outcome (sent, held, digested, handed to the fleet, failed, retried, suppressed).',
    labelNames: ['channel', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly hookSeconds = new Histogram({
    name: 'satnotify_hook_duration_seconds',
    help: 'Time a hook call took to record its event.',
    labelNames: ['hook'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  readonly dispatchFailures = new Counter({
    name: 'satnotify_dispatch_failures_total',
    help: 'Dispatch work that broke and is tried again: a background pass that failed (stage "pass": its claim or the database), or a group released for the next pass after its delivery broke (stage "group").',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });

  readonly guardActive = new Gauge({
    name: 'satnotify_guard_active',
    help: 'Whether the storm guard is on (1): offline news is held as a presumed fault on the satellite side.',
    registers: [this.registry],
  });

  readonly guardStorms = new Counter({
    name: 'satnotify_guard_storms_total',
    help: 'Times this process turned the storm guard on, by cause: nodes (more than guard.offlineNodes), share (more than guard.offlineShare), manual (svc.guard.hold).',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });

  count(channel: string, kind: string, outcome: Outcome, n = 1): void {
    // An operator's own destination counts under one label, not one series per destination.
    this.notifications.inc({ channel: DESTINATION_ID.test(channel) ? 'destination' : channel, kind, outcome }, n);
  }
}
