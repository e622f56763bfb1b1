/**
 * @module notification/nodelog/grpc-client
 * NodeLogClient over gRPC (@grpc/grpc-js): one channel per node address, reused, closed when idle;
 * a deadline per call; keepalive; optional TLS. gRPC status codes become transient or permanent
 * DeliveryErrors.
 */
import * as grpc from '@grpc/grpc-js';
import type { ResolvedConfig } from '../../config.js';
import { DeliveryError } from '../../errors.js';
import type { NodeLogClient } from './client.js';
import { decodeResponse, encodeMessage, METHOD_PATH, type NotificationMessage, type NotificationResponse } from './schema.js';

/** Codes that a retry cannot fix. Everything else (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, …) is transient. */
const PERMANENT = new Set<grpc.status>([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.UNIMPLEMENTED,
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
  grpc.status.NOT_FOUND,
  grpc.status.FAILED_PRECONDITION,
]);

interface Channel {
  client: grpc.Client;
  inFlight: number;
  idleTimer: NodeJS.Timeout | undefined;
}

/** GrpcNodeLogClient sends ProcessNotification calls to nodes. */
export class GrpcNodeLogClient implements NodeLogClient {
  readonly #config: ResolvedConfig['nodeLog'];
  readonly #channels = new Map<string, Channel>();
  readonly #credentials: grpc.ChannelCredentials;

  constructor(config: ResolvedConfig['nodeLog'], credentials?: grpc.ChannelCredentials) {
    this.#config = config;
    this.#credentials = credentials ?? (config.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure());
  }

  send(address: string, message: NotificationMessage): Promise<NotificationResponse> {
    const ch = this.#channel(address);
    ch.inFlight++;
    return new Promise<NotificationResponse>((resolve, reject) => {
      ch.client.makeUnaryRequest(
        METHOD_PATH,
        encodeMessage,
        decodeResponse,
        message,
        new grpc.Metadata(),
        { deadline: Date.now() + this.#config.deadline },
        (err, response) => {
          ch.inFlight--;
          this.#armIdle(address, ch);
          if (err) reject(toDeliveryError(err, address));
          else resolve(response as NotificationResponse);
        },
      );
    });
  }

  close(): Promise<void> {
    for (const ch of this.#channels.values()) {
      clearTimeout(ch.idleTimer);
      ch.client.close();
    }
    this.#channels.clear();
    return Promise.resolve();
  }

  /** channels is how many node channels are open, for tests and metrics. */
  get openChannels(): number {
    return this.#channels.size;
  }

  #channel(address: string): Channel {
    let ch = this.#channels.get(address);
    if (!ch) {
      ch = {
        client: new grpc.Client(address, this.#credentials, {
          'grpc.keepalive_time_ms': this.#config.keepalive,
          'grpc.keepalive_timeout_ms': Math.min(this.#config.keepalive, 20_000),
          'grpc.keepalive_permit_without_calls': 0,
          // Each node is its own endpoint; a failed connect should be retried soon, not after minutes.
          'grpc.initial_reconnect_backoff_ms': 200,
          'grpc.max_reconnect_backoff_ms': 5_000,
        }),
        inFlight: 0,
        idleTimer: undefined,
      };
      this.#channels.set(address, ch);
    }
    clearTimeout(ch.idleTimer);
    ch.idleTimer = undefined;
    return ch;
  }

  #armIdle(address: string, ch: Channel): void {
    if (ch.inFlight > 0) return;
    clearTimeout(ch.idleTimer);
    ch.idleTimer = setTimeout(() => {
      if (ch.inFlight === 0 && this.#channels.get(address) === ch) {
        this.#channels.delete(address);
        ch.client.close();
      }
    }, this.#config.idleClose);
    ch.idleTimer.unref();
  }
}

function toDeliveryError(err: grpc.ServiceError, address: string): DeliveryError {
  const name = grpc.status[err.code] ?? String(err.code);
  return new DeliveryError(
    { channel: 'log', permanent: PERMANENT.has(err.code), responseCode: err.code, response: `${name}: ${err.details}`, command: 'ProcessNotification' },
    `${address}: ${name}: ${err.details}`,
    { cause: err },
  );
}
