/**
 * @module notification/nodelog/server
 * NodeLogServer: what a storage node runs to receive notifications. It validates each message,
 * de-duplicates by notification id, writes one JSON line per notification to its sink (stdout by
 * default), and serves the standard gRPC health check.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { LRUCache } from 'lru-cache';
import { NodeId } from '../../overlay/node-id.js';
import { MAX_MESSAGE_CHARS, MAX_TITLE_CHARS, NOTIFICATION_SERVICE, type NotificationMessage, type NotificationResponse } from './schema.js';

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
      processNotification: (call: grpc.ServerUnaryCall<NotificationMessage, NotificationResponse>, callback: grpc.sendUnaryData<NotificationResponse>) => {
        const problem = this.#validate(call.request);
        if (problem) {
          this.counts.rejected++;
          return callback({ code: grpc.status.INVALID_ARGUMENT, details: problem });
        }
        callback(null, this.#accept(call.request));
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

  #validate(m: NotificationMessage): string | undefined {
    if (m.nodeId.length !== 32) return `node_id must be 32 bytes, got ${m.nodeId.length}`;
    if (this.#nodeId && !this.#nodeId.bytes.equals(m.nodeId)) return 'node_id is not this node';
    if (!m.notificationId || m.notificationId.length > 128) return 'notification_id must be 1-128 characters';
    if (!m.title || m.title.length > MAX_TITLE_CHARS || /[\r\n]/.test(m.title)) return `title must be one line of 1-${MAX_TITLE_CHARS} characters`;
    if (m.message.length > MAX_MESSAGE_CHARS) return `message is longer than ${MAX_MESSAGE_CHARS} characters`;
    if (m.satelliteId.length !== 0 && m.satelliteId.length !== 32) return 'satellite_id must be empty or 32 bytes';
    return undefined;
  }

  #accept(m: NotificationMessage): NotificationResponse {
    if (this.#seen.has(m.notificationId)) {
      this.counts.duplicate++;
      return { accepted: false, duplicate: true };
    }
    this.#seen.set(m.notificationId, true);
    this.counts.accepted++;
    this.#sink(
      `${JSON.stringify({
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
    );
    return { accepted: true, duplicate: false };
  }
}
