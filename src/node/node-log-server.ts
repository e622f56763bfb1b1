/**
 * @module node/node-log-server
 * NodeLogServer: what a storage node runs to receive notifications. It validates each message,
 * de-duplicates by notification id, writes one JSON line per notification to its sink (stdout by
 * default), and serves the standard gRPC health check.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { LRUCache } from 'lru-cache';
import { textProblem } from '../input/text.js';
import { NodeId } from '../overlay/node-id.js';
import {
  MAX_MESSAGE_CHARS,
  MAX_TITLE_CHARS,
  NOTIFICATION_SERVICE,
  type NotificationResponse,
  type ReceivedMessage,
} from '../channels/nodelog/schema.js';

/** NodeLogServerOptions configure the receiver; all optional. */
export interface NodeLogServerOptions {
  /** Where log lines go; default: stdout. */
  sink?: (line: string) => void;
  /** Only accept messages for this node id (the node's own); default: any. */
  nodeId?: string | NodeId;
  /** How many notification ids to remember for de-duplication. */
  dedupeSize?: number;
  credentials?: grpc.ServerCredentials;
}

/** NodeLogServer receives ProcessNotification calls on a port. */
export class NodeLogServer {
  readonly #server = new grpc.Server();
  readonly #seen: LRUCache<string, true>;
  readonly #sink: (line: string) => void;
  readonly #nodeId: NodeId | undefined;
  readonly #credentials: grpc.ServerCredentials;
  readonly #health = new HealthImplementation({ '': 'SERVING', 'satnotify.v1.Notification': 'SERVING' });
  /** Counts of accepted and duplicate messages, for tests and the demo. */
  readonly counts = { accepted: 0, duplicate: 0, rejected: 0 };

  constructor(options: NodeLogServerOptions = {}) {
    this.#sink = options.sink ?? ((line) => process.stdout.write(line));
    this.#nodeId = options.nodeId === undefined ? undefined : NodeId.parse(options.nodeId);
    this.#seen = new LRUCache({ max: options.dedupeSize ?? 100_000 });
    this.#credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
    this.#server.addService(NOTIFICATION_SERVICE, {
      processNotification: (
        call: grpc.ServerUnaryCall<ReceivedMessage, NotificationResponse>,
        callback: grpc.sendUnaryData<NotificationResponse>,
      ) => {
        // Everything is checked, and the log line built, before the id is marked seen: a message
        // refused here can be sent again, corrected, under the same id.
        const checked = this.#validate(call.request);
        if (typeof checked === 'string') {
          this.counts.rejected++;
          return callback({ code: grpc.status.INVALID_ARGUMENT, details: checked });
        }
        callback(null, this.#accept(call.request.notificationId, checked));
      },
    });
    this.#health.addToServer(this.#server);
  }

  /** listen binds `host:port` (port 0 picks a free one) and returns the bound port. */
  listen(address = '127.0.0.1:0'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.bindAsync(address, this.#credentials, (err, port) => (err ? reject(err) : resolve(port)));
    });
  }

  /** close stops accepting calls and waits for those in flight. */
  close(): Promise<void> {
    this.#health.setStatus('', 'NOT_SERVING');
    return new Promise((resolve) => this.#server.tryShutdown(() => resolve()));
  }

  /** #validate returns what is wrong with a message, or its log line. */
  #validate(m: ReceivedMessage): string | { line: string } {
    if (m.nodeId.length !== 32) return `node_id must be 32 bytes, got ${m.nodeId.length}`;
    if (this.#nodeId && !this.#nodeId.bytes.equals(m.nodeId)) return 'node_id is not this node';
    const id = textProblem(m.notificationId, { lines: false, max: 128, min: 1 });
    if (id) return `notification_id ${id}`;
    const title = textProblem(m.title, { lines: false, max: MAX_TITLE_CHARS, min: 1 });
    if (title) return `title ${title}`;
    const message = textProblem(m.message, { lines: true, max: MAX_MESSAGE_CHARS });
    if (message) return `message ${message}`;
    if (m.satelliteId.length !== 0 && m.satelliteId.length !== 32) return 'satellite_id must be empty or 32 bytes';
    if (m.createdAt === null) return 'created_at must be set to a time a Date can hold';
    return {
      line: `${JSON.stringify({
        time: new Date().toISOString(),
        level: m.level,
        source: 'satellite-notification',
        satellite: m.satelliteId.length ? NodeId.fromBytes(m.satelliteId).toString() : undefined,
        node: NodeId.fromBytes(m.nodeId).toString(),
        type: m.type,
        title: m.title,
        message: m.message,
        createdAt: m.createdAt.toISOString(),
        notificationId: m.notificationId,
      })}\n`,
    };
  }

  #accept(notificationId: string, checked: { line: string }): NotificationResponse {
    if (this.#seen.has(notificationId)) {
      this.counts.duplicate++;
      return { accepted: false, duplicate: true };
    }
    this.#seen.set(notificationId, true);
    this.counts.accepted++;
    this.#sink(checked.line);
    return { accepted: true, duplicate: false };
  }
}
