/**
 * @module api/handlers
 * Each method of SatelliteNotifications as the library call it mirrors: a request's fields become
 * the call's arguments (a wrapper left out is an argument left out), the result becomes the reply.
 * The library checks every argument as it does in-process; a batch is checked whole first, so a bad
 * item refuses the batch before anything is recorded.
 */
import { status } from '@grpc/grpc-js';
import pMap from 'p-map';
import { InvalidInputError } from '../errors.js';
import { parseInput } from '../input/parse.js';
import type { HookResult } from '../notification/hooks/run.js';
import type { Delivery } from '../notification/delivery.js';
import { SIGNALS } from '../notification/hooks/events.js';
import type { NotificationService } from '../notification/service.js';
import { NodeId } from '../overlay/node-id.js';
import { NODE_INPUT } from '../overlay/db.js';
import type { Preferences } from '../preferences/preferences.js';
import type * as m from './schema.js';
import { ApiError, statusOf } from './status.js';

/** How many of a batch's items are recorded at once: a satellite's loop of 16 callers, as the bench measures. */
const BATCH_CONCURRENCY = 16;

/** A method's handler: the request in, the reply out. */
export type Handler = (request: never) => Promise<unknown>;

/** handlersOf maps every method to the library's call on `svc`; `maxBatch` bounds a batch's items. */
export function handlersOf(svc: NotificationService, maxBatch: number): Record<string, Handler> {
  /** bounded refuses a batch of more than `maxBatch` items, naming its field. */
  const bounded = <T>(field: string, items: readonly T[]): readonly T[] => {
    if (items.length > maxBatch)
      throw new ApiError(status.INVALID_ARGUMENT, `${field}: at most ${maxBatch} items in one call`);
    return items;
  };
  /** batch checks every item (`check` throws with the item's path), then runs each, each with its outcome. */
  const batch = async <T>(
    field: string,
    items: readonly T[],
    check: (item: T, path: string) => void,
    run: (item: T) => Promise<HookResult>,
  ): Promise<{ outcomes: unknown[] }> => {
    bounded(field, items).forEach((item, i) => check(item, `${field}[${i}]`));
    const outcomes = await pMap(
      items,
      async (item) => {
        try {
          return { result: await run(item), code: status.OK, message: '' };
        } catch (err) {
          const s = statusOf(err);
          // An item that fails on the store fails the batch: its caller retries it whole, as it would one call.
          if (s.code !== status.NOT_FOUND) throw err;
          return { result: null, code: s.code, message: s.details };
        }
      },
      { concurrency: BATCH_CONCURRENCY },
    );
    return { outcomes };
  };
  const uptime = (r: m.UptimeCheckRequest): Parameters<NotificationService['onUptimeCheck']>[1] => ({
    ok: r.ok,
    ...(r.online_score && { onlineScore: r.online_score.value }),
  });
  const audit = (r: m.AuditResultRequest): Parameters<NotificationService['onAuditResult']>[1] => ({
    passed: r.passed,
    score: r.score,
    dqThreshold: r.dq_threshold,
  });
  const version = (r: m.VersionCheckRequest): Parameters<NotificationService['onVersionCheck']>[1] => ({
    version: r.version,
    minimum: r.minimum,
    ...(r.latest && { latest: r.latest }),
    ...(r.deadline && { deadline: dateOf(r.deadline) as Date }),
  });
  const scores = (r: m.ScoresRequest): Parameters<NotificationService['onScores']>[1] => ({
    ...(r.audit && { audit: r.audit.value }),
    ...(r.online && { online: r.online.value }),
    ...(r.suspension && { suspension: r.suspension.value }),
    ...(r.vetted && { vetted: r.vetted.value }),
  });
  /** checked is a batch item's check: its node id and its signal, each error at the item's path. */
  const checked =
    <R extends { node_id: string }, S>(schema: Parameters<typeof parseInput>[0], signal: (r: R) => S) =>
    (r: R, path: string): void => {
      nodeIdAt(r.node_id, `${path}.node_id`);
      parseInput(schema, signal(r), path);
    };

  return {
    UpsertNodes: async (r: { nodes: m.NodeMessage[] }) => {
      const nodes = bounded('nodes', r.nodes).map((n) => ({
        id: n.node_id,
        address: n.address,
        ...(n.email && { email: n.email }),
        ...(n.version && { version: n.version }),
        ...(n.wallet && { wallet: n.wallet }),
      }));
      // Every node is checked before any is written: a bad one refuses the call, naming its index.
      nodes.forEach((n, i) => parseInput(NODE_INPUT, n, `nodes[${i}]`));
      for (const n of nodes) await svc.overlay.upsertNode(n);
      return { upserted: nodes.length };
    },
    UptimeCheck: (r: m.UptimeCheckRequest) => svc.onUptimeCheck(r.node_id, uptime(r)),
    AuditResult: (r: m.AuditResultRequest) => svc.onAuditResult(r.node_id, audit(r)),
    Containment: (r: m.ContainmentRequest) =>
      svc.onContainment(r.node_id, {
        contained: r.contained,
        ...(r.score && { score: r.score.value }),
        ...(r.dq_threshold && { dqThreshold: r.dq_threshold.value }),
      }),
    Disqualified: (r: m.DisqualifiedRequest) =>
      svc.onDisqualified(r.node_id, { reason: r.reason, ...(r.score && { score: r.score.value }) }),
    Suspension: (r: m.SuspensionRequest) =>
      svc.onSuspension(r.node_id, {
        reason: r.reason as 'offline',
        suspended: r.suspended,
        ...(r.score && { score: r.score.value }),
      }),
    VersionCheck: (r: m.VersionCheckRequest) => svc.onVersionCheck(r.node_id, version(r)),
    Scores: (r: m.ScoresRequest) => svc.onScores(r.node_id, scores(r)),
    UptimeChecks: (r: { checks: m.UptimeCheckRequest[] }) =>
      batch('checks', r.checks, checked(SIGNALS.uptime, uptime), (c) => svc.onUptimeCheck(c.node_id, uptime(c))),
    AuditResults: (r: { results: m.AuditResultRequest[] }) =>
      batch('results', r.results, checked(SIGNALS.audit, audit), (c) => svc.onAuditResult(c.node_id, audit(c))),
    VersionChecks: (r: { checks: m.VersionCheckRequest[] }) =>
      batch('checks', r.checks, checked(SIGNALS.version, version), (c) => svc.onVersionCheck(c.node_id, version(c))),
    ScoresBatch: (r: { scores: m.ScoresRequest[] }) =>
      batch('scores', r.scores, checked(SIGNALS.scores, scores), (c) => svc.onScores(c.node_id, scores(c))),
    Usage: async (r: m.UsageRequest) => {
      await svc.onUsage(r.node_id, usageOf(r));
      return { recorded: 1 };
    },
    Usages: async (r: { reports: m.UsageRequest[] }) => {
      await svc.onUsages(bounded('reports', r.reports).map((x) => ({ nodeId: x.node_id, ...usageOf(x) })));
      return { recorded: r.reports.length };
    },
    InformNodeEmail: async (r: m.InformNodeEmailRequest) =>
      deliveryMessage(
        await svc.informNodeEmail(r.node_id, { template: r.template, data: jsonAt(r.data_json, 'data_json') }),
      ),
    InformNodeLog: async (r: m.InformNodeLogRequest) =>
      deliveryMessage(
        await svc.informNodeLog(r.node_id, {
          type: r.type as 'CUSTOM',
          level: r.level as 'info',
          text: r.text,
          ...(r.title && { title: r.title }),
        }),
      ),
    Broadcast: async (r: {
      filter: m.NodeFilterMessage | null;
      template: string;
      data_json: string;
      public: boolean;
    }) => {
      const result = await svc.broadcast(
        filterOf(r.filter),
        { template: r.template, data: jsonAt(r.data_json, 'data_json') },
        { public: r.public },
      );
      return { nodes: result.nodes, enqueued: result.enqueued, skipped: result.skipped.length };
    },
    GetDelivery: async (r: { id: string }) => {
      const d = await svc.delivery(r.id);
      if (!d) throw new ApiError(status.NOT_FOUND, 'no notification with this id (never recorded, or pruned)');
      return deliveryMessage(d);
    },
    GetStatus: async (r: { node_id: string }) => {
      const statuses = await svc.status(r.node_id);
      return {
        channels: Object.fromEntries(
          Object.entries(statuses).map(([name, s]) => [
            name,
            {
              hr_counter: s.hrCounter,
              day_counter: s.dayCounter,
              last_sent: s.lastSent ? timestampOf(new Date(s.lastSent)) : null,
            },
          ]),
        ),
      };
    },
    GetPreferences: async (r: { operator: string }) => preferencesMessage(await svc.preferences.get(r.operator)),
    UpdatePreferences: async (r: {
      operator: string;
      preferences: m.PreferencesMessage | null;
      update_mask: { paths: string[] } | null;
    }) => preferencesMessage(await svc.preferences.update(r.operator, changeOf(r.preferences, r.update_mask))),
  };
}

/** usageOf is a usage report as the library takes it: 64-bit counts as numbers (the library bounds them). */
function usageOf(r: m.UsageRequest): Parameters<NotificationService['onUsage']>[1] {
  return {
    storedBytes: Number(r.stored_bytes),
    ...(r.free_bytes && { freeBytes: Number(r.free_bytes.value) }),
    ...(r.egress_bytes !== '0' && { egressBytes: Number(r.egress_bytes) }),
    ...(r.ingress_bytes !== '0' && { ingressBytes: Number(r.ingress_bytes) }),
    ...(r.at && { at: dateOf(r.at) as Date }),
  };
}

/** nodeIdAt parses a batch item's node id, or says which one is bad. */
function nodeIdAt(id: string, path: string): void {
  if (NodeId.tryParse(id) === undefined) throw new InvalidInputError(path, 'must be a node id (base58check or hex)');
}

/** jsonAt parses a JSON text field (a template's data); empty is `{}`. */
function jsonAt(text: string, path: string): Record<string, unknown> {
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError(path, 'must be JSON text');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidInputError(path, 'must be a JSON object');
  return value as Record<string, unknown>;
}

function filterOf(f: m.NodeFilterMessage | null): Parameters<NotificationService['broadcast']>[0] {
  if (!f) return {};
  return {
    ...(f.all && { all: true as const }),
    ...(f.node_ids.length > 0 && { ids: f.node_ids }),
    ...(f.version_below && { versionBelow: f.version_below }),
    ...(f.online && { online: f.online.value }),
    ...(f.disqualified && { disqualified: f.disqualified.value }),
    ...(f.contained && { contained: f.contained.value }),
    ...(f.operator && { operator: f.operator }),
  };
}

/** The fields an update mask may name, as the library calls them. */
const MASKABLE: Record<string, keyof Preferences> = {
  timezone: 'timezone',
  language: 'language',
  quiet_hours: 'quietHours',
  digest: 'digest',
  digest_at: 'digestAt',
  filters: 'filters',
  reports: 'reports',
};

/** changeOf is the library's change from a Preferences message and the fields its mask names. */
function changeOf(p: m.PreferencesMessage | null, mask: { paths: string[] } | null): Record<string, unknown> {
  const paths = mask?.paths ?? [];
  if (paths.length === 0) throw new InvalidInputError('update_mask', 'must name the fields to change');
  const bad = paths.find((x) => !Object.hasOwn(MASKABLE, x));
  if (bad !== undefined)
    throw new InvalidInputError(
      'update_mask',
      `${JSON.stringify(bad)} is not one of ${Object.keys(MASKABLE).join(', ')}`,
    );
  const given: Record<keyof Preferences, unknown> = {
    timezone: p?.timezone ?? '',
    language: p?.language ?? '',
    quietHours: p?.quiet_hours ?? null,
    digest: p?.digest ?? '',
    digestAt: p?.digest_at ?? '',
    reports: p?.reports ?? '',
    filters: Object.fromEntries(
      Object.entries(p?.filters ?? {}).map(([instance, list]) => [
        instance,
        list.filters.map((f) => ({
          ...(f.kinds.length > 0 && { kinds: f.kinds }),
          ...(f.except_kinds.length > 0 && { exceptKinds: f.except_kinds }),
          ...(f.nodes.length > 0 && { nodes: f.nodes }),
          ...(f.min_level && { minLevel: f.min_level }),
        })),
      ]),
    ),
  };
  const change: Record<string, unknown> = {};
  for (const x of paths) {
    const field = MASKABLE[x] as keyof Preferences;
    change[field] = given[field];
  }
  return change;
}

function preferencesMessage(p: Preferences): m.PreferencesMessage {
  return {
    timezone: p.timezone,
    language: p.language,
    quiet_hours: p.quietHours,
    digest: p.digest,
    digest_at: p.digestAt,
    reports: p.reports,
    filters: Object.fromEntries(
      Object.entries(p.filters).map(([instance, list]) => [
        instance,
        {
          filters: list.map((f) => ({
            kinds: f.kinds ?? [],
            except_kinds: f.exceptKinds ?? [],
            nodes: f.nodes ?? [],
            min_level: f.minLevel ?? '',
          })),
        },
      ]),
    ),
  };
}

function deliveryMessage(d: Delivery): unknown {
  return {
    id: d.id,
    status: d.status,
    reason: d.reason ?? '',
    retry_at: d.retryAt ? timestampOf(new Date(d.retryAt)) : null,
  };
}

function timestampOf(d: Date): { seconds: number; nanos: number } {
  const ms = d.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms - Math.floor(ms / 1000) * 1000) * 1e6 };
}

function dateOf(t: m.Timestamp): Date | null {
  return t ? new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)) : null;
}
