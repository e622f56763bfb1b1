/**
 * A dispatcher over fakes, for unit tests of the pass and the loop: the in-memory outbox and status
 * store, senders a test holds, the real content (templates and catalog are files, no server), and
 * a clock the test moves.
 */
import type { ChannelSender } from '../../src/channels/plugin.js';
import { resolveConfig, type Config } from '../../src/config.js';
import { MemoryStatusStore } from '../../src/notification/limits/memory-store.js';
import { TemplateSet } from '../../src/mailservice/templates.js';
import { contentFor, type Content } from '../../src/notification/content/content.js';
import { Dispatcher } from '../../src/notification/dispatch/loop.js';
import { Metrics } from '../../src/notification/metrics.js';
import type { NewItem } from '../../src/notification/outbox/outbox.js';
import { NodeId } from '../../src/overlay/node-id.js';
import { nodeInfo, type NodeInfo } from '../../src/overlay/db.js';
import { OperatorPreferences } from '../../src/preferences/operator-preferences.js';
import { randomNodeIdHex } from '../helpers/databases.js';
import { TestClock } from '../helpers/clock.js';
import { channelSet, RecordingSender } from './channels.js';
import { MemoryOutbox } from './memory-outbox.js';
import { MemoryPreferenceStore } from './memory-preferences.js';
import type { Logger } from '../../src/logger.js';

const templates = TemplateSet.load();

/** FakeDispatch is a dispatcher and everything it works on. */
export interface FakeDispatch {
  dispatcher: Dispatcher;
  outbox: MemoryOutbox;
  status: MemoryStatusStore;
  content: Content;
  preferences: OperatorPreferences;
  clock: TestClock;
  metrics: Metrics;
  email: ChannelSender;
  log: ChannelSender;
  /** node makes a node with an operator address (one address per call unless given). */
  node(email?: string): NodeInfo;
  /** record records a kind's items for `node` now, as a hook would. */
  record(node: NodeInfo, kind: Parameters<Content['event']>[1], data?: Record<string, unknown>): Promise<NewItem[]>;
}

/** fakeDispatch builds one; `config` is laid over a config with no grouping wait and the dispatcher not started. */
export function fakeDispatch(
  options: { config?: Config; email?: ChannelSender; log?: ChannelSender; start?: string; logger?: Logger } = {},
): FakeDispatch {
  const config = resolveConfig({
    grouping: { wait: '0s' },
    ...options.config,
    dispatcher: { autoStart: false, retryBase: '1s', ...options.config?.dispatcher },
  });
  const email = options.email ?? new RecordingSender();
  const log = options.log ?? new RecordingSender();
  const channels = channelSet({
    email: { sender: email, audience: 'operator', limits: config.limits.email },
    log: { sender: log, limits: config.limits.log },
  });
  const clock = new TestClock(options.start ?? '2024-05-01T10:00:00Z');
  const outbox = new MemoryOutbox();
  const status = new MemoryStatusStore();
  const metrics = new Metrics();
  const content = contentFor(templates, config, (name) => channels.get(name).audience);
  const preferences = new OperatorPreferences(new MemoryPreferenceStore(), config, channels.names);
  const dispatcher = new Dispatcher({
    config,
    outbox,
    status,
    channels,
    content,
    preferences,
    metrics,
    clock: clock.now,
    ...(options.logger && { logger: options.logger }),
  });
  let n = 0;
  return {
    dispatcher,
    outbox,
    status,
    content,
    preferences,
    clock,
    metrics,
    email,
    log,
    node: (address = `op${n++}@example.com`) =>
      nodeInfo({
        id: NodeId.parse(randomNodeIdHex()),
        address: 'node.example.com:28967',
        email: address,
        version: '1.70.1',
      }),
    async record(node, kind, data = {}) {
      const items = content.event(node, kind, data, clock.now());
      await outbox.insert(items);
      return items;
    },
  };
}
