/**
 * @module api/server
 * The gRPC API (`satnotify serve --api`): SatelliteNotifications over a service, beside the
 * standard health check and server reflection, with requests bounded in size and time and every
 * call authenticated (a bearer token, or the client certificate mutual TLS verified).
 */
import { readFileSync } from 'node:fs';
import {
  Server,
  ServerCredentials,
  status,
  type ServerUnaryCall,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { InvalidConfigError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import type { NotificationService } from '../notification/service.js';
import { TokenCheck } from './auth.js';
import type { ApiConfig } from './config.js';
import { handlersOf } from './handlers.js';
import { API_PACKAGE, API_SERVICE, SERVICE_NAME } from './schema.js';
import { ApiError, statusOf } from './status.js';

/** ApiServerOptions are what the API serves and how: the tokens are the secrets `api.tokens` names, filled in. */
export interface ApiServerOptions {
  svc: NotificationService;
  config: ApiConfig;
  tokens: readonly string[];
  logger?: Logger;
}

/** ApiServer is the API, listening. */
export class ApiServer {
  readonly #server: Server;
  readonly #health: HealthImplementation;
  /** The port it listens on (the one asked for, or the one given for port 0). */
  readonly port: number;

  /** Calls whose work is still running, answered or not: close waits for them before the service may close. */
  readonly #running: ReadonlySet<Promise<unknown>>;

  private constructor(server: Server, health: HealthImplementation, port: number, running: Set<Promise<unknown>>) {
    this.#server = server;
    this.#health = health;
    this.port = port;
    this.#running = running;
  }

  /** start listens on `config.listen` and serves until close(). */
  static async start(o: ApiServerOptions): Promise<ApiServer> {
    const { config } = o;
    const logger = o.logger ?? silentLogger;
    const server = new Server({
      'grpc.max_receive_message_length': config.maxMessageBytes,
      'grpc.max_send_message_length': config.maxMessageBytes,
    });
    const auth = new TokenCheck(o.tokens, o.tokens.length === 0 && Boolean(config.tls?.clientCa));
    const running = new Set<Promise<unknown>>();
    const impl: UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(handlersOf(o.svc, config.maxBatch)))
      impl[method] = (call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>) => {
        // Work goes on past a call's answer (a timeout cuts only the answer): bounded, so callers that retry cannot pile it up.
        if (running.size >= config.maxInFlight) {
          done({
            code: status.RESOURCE_EXHAUSTED,
            details: `more than api.maxInFlight (${config.maxInFlight}) calls at once`,
          });
          return;
        }
        const work = Promise.resolve().then(() => {
          auth.check(call.metadata);
          return handler(call.request as never);
        });
        running.add(work);
        const forget = (): void => void running.delete(work);
        work.then(forget, forget);
        void answer(method, work, config.timeoutMs, logger).then(
          (reply) => done(null, reply),
          (err: unknown) => {
            const s = statusOf(err);
            if (s.internal) logger.error({ method, err: String(err) }, 'API call failed');
            done({ code: s.code, details: s.details });
          },
        );
      };
    server.addService(API_SERVICE, impl);
    const health = new HealthImplementation({ '': 'SERVING', [SERVICE_NAME]: 'SERVING' });
    health.addToServer(server);
    new ReflectionService(API_PACKAGE).addToServer(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(config.listen, credentialsOf(config), (err, p) => (err ? reject(err) : resolve(p))),
    );
    logger.info({ listen: config.listen, port, tls: Boolean(config.tls) }, 'API listening');
    return new ApiServer(server, health, port, running);
  }

  /**
   * close stops taking calls, waits up to `graceMs` for those in flight before cutting them, then
   * for their work to end (a hook records to its end), so the service can close after it.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.#health.setStatus('', 'NOT_SERVING');
    this.#health.setStatus(SERVICE_NAME, 'NOT_SERVING');
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, graceMs);
      this.#server.tryShutdown(() => {
        clearTimeout(cut);
        resolve();
      });
    });
    await Promise.allSettled([...this.#running]);
  }
}

/**
 * answer is a call's answer: its work's result, or DEADLINE_EXCEEDED past `timeoutMs` whatever the
 * caller's deadline (the work goes on to its end; only the answer is cut short).
 */
async function answer(method: string, work: Promise<unknown>, timeoutMs: number, logger: Logger): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ApiError(status.DEADLINE_EXCEEDED, `${method} ran past api.timeout`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, late]);
  } catch (err) {
    if (err instanceof ApiError && err.code === status.DEADLINE_EXCEEDED) logger.warn({ method }, err.message);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** credentialsOf is plain text on loopback, TLS, or mutual TLS when a client CA is given. */
function credentialsOf(config: ApiConfig): ServerCredentials {
  if (!config.tls) return ServerCredentials.createInsecure();
  const read = (path: string, key: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new InvalidConfigError([
        { path: `api.tls.${key}`, message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` },
      ]);
    }
  };
  const { cert, key, clientCa } = config.tls;
  return ServerCredentials.createSsl(
    clientCa ? read(clientCa, 'clientCa') : null,
    [{ cert_chain: read(cert, 'cert'), private_key: read(key, 'key') }],
    Boolean(clientCa),
  );
}
