/**
 * @module channels/nodelog/grpc-client
 * NodeLogClient over gRPC (@grpc/grpc-js): one channel per node address, reused, closed when idle,
 * closed at once when the node could not be reached (a channel left open to an unreachable node
 * keeps reconnecting, which costs CPU), and at most `maxChannels` open (the least recently used
 * goes first); a deadline per call; keepalive; optional TLS. gRPC status codes become transient or
 * permanent DeliveryErrors.
 */
import * as grpc from '@grpc/grpc-js';
import { LRUCache } from 'lru-cache';
import type { NodeLogConfig } from './config.js';
import { DeliveryError } from '../../errors.js';
import type { NodeLogClient } from './client.js';
import {
  decodeResponse,
  encodeMessage,
  METHOD_PATH,
  type NotificationMessage,
  type NotificationResponse,
} from './schema.js';

/**
 * Codes that a retry cannot fix. Everything else (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, …) is transient.
 */
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
  /** Evicted or failed while calls were in flight: close when the last one ends. */
  retired: boolean;
  closed: boolean;
}

/** GrpcNodeLogClient sends ProcessNotification calls to nodes. */
export class GrpcNodeLogClient implements NodeLogClient {
  readonly #config: NodeLogConfig;
  readonly #channels: LRUCache<string, Channel>;
  readonly #credentials: grpc.ChannelCredentials;

  constructor(config: NodeLogConfig, credentials?: grpc.ChannelCredentials) {
    this.#config = config;
    this.#channels = new LRUCache<string, Channel>({ max: config.maxChannels, dispose: (ch) => retire(ch) });
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
        { deadline: Date.now() + this.#config.deadlineMs },
        (err, response) => {
          ch.inFlight--;
          if (err?.code === grpc.status.UNAVAILABLE && this.#channels.peek(address) === ch)
            this.#channels.delete(address); // disposes: retire
          if (ch.retired) retire(ch);
          else this.#armIdle(address, ch);
          if (err) return reject(toDeliveryError(err, address));
          const r = response as NotificationResponse;
          // The protocol answers accepted or duplicate; neither is a receiver that did not log it
          // and will not say why. A retry would get the same answer, so it is final.
          if (!r.accepted && !r.duplicate)
            return reject(
              new DeliveryError(
                {
                  channel: 'log',
                  permanent: true,
                  command: 'ProcessNotification',
                  response: 'accepted=false duplicate=false',
                },
                `${address}: the node answered neither accepted nor duplicate`,
              ),
            );
          resolve(r);
        },
      );
    });
  }

  close(): Promise<void> {
    this.#channels.clear(); // disposes every channel
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
          'grpc.keepalive_time_ms': this.#config.keepaliveMs,
          'grpc.keepalive_timeout_ms': Math.min(this.#config.keepaliveMs, 20_000),
          'grpc.keepalive_permit_without_calls': 0,
          // Each node is its own endpoint; a failed connect should be retried soon, not after minutes.
          'grpc.initial_reconnect_backoff_ms': 200,
          'grpc.max_reconnect_backoff_ms': 5_000,
        }),
        inFlight: 0,
        idleTimer: undefined,
        retired: false,
        closed: false,
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
      if (ch.inFlight === 0 && this.#channels.peek(address) === ch) this.#channels.delete(address);
    }, this.#config.idleCloseMs);
    ch.idleTimer.unref();
  }
}

/** retire closes a channel now, or once its last call in flight ends. */
function retire(ch: Channel): void {
  ch.retired = true;
  clearTimeout(ch.idleTimer);
  if (ch.inFlight === 0 && !ch.closed) {
    ch.closed = true;
    ch.client.close();
  }
}

function toDeliveryError(err: grpc.ServiceError, address: string): DeliveryError {
  const name = grpc.status[err.code] ?? String(err.code);
  return new DeliveryError(
    // A call past its deadline may have been logged by the node; it de-duplicates by id, so a retry is safe.
    {
      channel: 'log',
      permanent: PERMANENT.has(err.code),
      ambiguous: err.code === grpc.status.DEADLINE_EXCEEDED,
      responseCode: err.code,
      response: `${name}: ${err.details}`,
      command: 'ProcessNotification',
    },
    `${address}: ${name}: ${err.details}`,
    { cause: err },
  );
}
