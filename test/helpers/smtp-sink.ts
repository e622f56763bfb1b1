/**
 * A real SMTP server on loopback (smtp-server) that parses what it receives (mailparser), counts
 * connections, and can answer chosen recipients with scripted reply codes.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** Received is one accepted message, raw and parsed. */
export interface Received {
  raw: Buffer;
  parsed: ParsedMail;
  envelopeTo: string[];
}

/** SmtpSink is a running server; `url` is what the sender config takes. */
export interface SmtpSink {
  url: string;
  port: number;
  received: Received[];
  connections: number;
  /** Reply codes to give, in order, for RCPT TO of an address (e.g. [451, 451] then accept). */
  script: Map<string, number[]>;
  /** When > 0, the next N connections are refused with 421 at the greeting. */
  refuseConnections: number;
  /**
   * For an address, how many messages to take and then drop the connection instead of replying
   * (the reply to DATA is lost): the message counts as received, the client never hears so.
   */
  dropAfterData: Map<string, number>;
  /** Resolves when `n` messages have been received. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** startSmtpSink starts the server on a free loopback port. */
export async function startSmtpSink(
  options: { parse?: boolean; port?: number; dataDelayMs?: number; serverOptions?: Partial<SMTPServerOptions> } = {},
): Promise<SmtpSink> {
  const parse = options.parse ?? true;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const sink: SmtpSink = {
    url: '',
    port: 0,
    received: [],
    connections: 0,
    script: new Map(),
    refuseConnections: 0,
    dropAfterData: new Map(),
    waitFor(n, timeoutMs = 10_000) {
      if (sink.received.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited ${timeoutMs} ms for ${n} messages, got ${sink.received.length}`)),
          timeoutMs,
        );
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onConnect(_session, callback) {
      sink.connections++;
      if (sink.refuseConnections > 0) {
        sink.refuseConnections--;
        return callback(Object.assign(new Error('Service not available, try later'), { responseCode: 421 }));
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const codes = sink.script.get(address.address);
      const code = codes?.shift();
      if (code !== undefined && code >= 400) {
        return callback(Object.assign(new Error(`scripted ${code} for ${address.address}`), { responseCode: code }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const done = (parsed: ParsedMail): void => {
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
          sink.received.push({ raw, parsed, envelopeTo });
          for (const w of waiters.filter((w) => sink.received.length >= w.n)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
          const drop = envelopeTo.find((a) => (sink.dropAfterData.get(a) ?? 0) > 0);
          if (drop === undefined) return callback();
          sink.dropAfterData.set(drop, (sink.dropAfterData.get(drop) ?? 0) - 1);
          for (const c of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> })
            .connections)
            if (c.id === session.id) c._socket.destroy();
        };
        const finish = (): void => {
          if (parse) simpleParser(raw).then(done, callback);
          else done({} as ParsedMail);
        };
        if (options.dataDelayMs) setTimeout(finish, options.dataDelayMs);
        else finish();
      });
    },
    ...options.serverOptions,
  });
  // Clients that give up mid-handshake (an untrusted certificate) are expected here, not errors of the sink.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  return sink;
}
