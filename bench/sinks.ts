/**
 * Loopback servers that accept and discard, for the throughput benchmarks: an SMTP server that
 * counts messages and Message-IDs, and (for the storm) that server and a NodeLogServer with a
 * silent sink in a process of their own.
 */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { NodeLogServer } from '../src/node/node-log-server.js';

/** DiscardingSmtp counts what it accepts; `duplicates` counts repeated Message-IDs. */
export interface DiscardingSmtp {
  url: string;
  received: number;
  duplicates: number;
  close(): Promise<void>;
}

export async function startDiscardingSmtp(): Promise<DiscardingSmtp> {
  const seen = new Set<string>();
  const sink: DiscardingSmtp = {
    url: '',
    received: 0,
    duplicates: 0,
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, cb) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 4096) head += c.toString('latin1');
      });
      stream.on('end', () => {
        sink.received++;
        const id = /^Message-ID:\s*(\S+)/im.exec(head)?.[1];
        if (id) {
          if (seen.has(id)) sink.duplicates++;
          seen.add(id);
        }
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sink.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return sink;
}

/** SinkCounts are what the receivers in a sink process have taken so far. */
export interface SinkCounts {
  emails: number;
  logs: number;
  duplicates: number;
  /** CPU seconds the sink process has used (user + system). */
  cpuSeconds: number;
}

/**
 * SinkProcess is a discarding SMTP server and a NodeLogServer in a child process of their own, so
 * the receivers' CPU (parsing SMTP and gRPC) is not charged to the sender's event loop. Our
 * dispatcher and the bare libraries send into the same one.
 */
export interface SinkProcess {
  smtpUrl: string;
  nodeLogAddress: string;
  counts(): Promise<SinkCounts>;
  close(): Promise<void>;
}

export async function startSinkProcess(): Promise<SinkProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--sink-process'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(request: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the sink process exited (${code})`));
      const onMessage = (m: { reply: string; value: T }): void => {
        if (m.reply !== request) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m.value);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(request);
    });
  const { smtpUrl, nodeLogAddress } = await ask<{ smtpUrl: string; nodeLogAddress: string }>('ready');
  return {
    smtpUrl,
    nodeLogAddress,
    counts: () => ask<SinkCounts>('counts'),
    close: async () => {
      await ask('close');
      child.disconnect();
    },
  };
}

/** The child's side: serve, answer `counts`, stop on `close`. */
async function serveSinks(): Promise<void> {
  const smtp = await startDiscardingSmtp();
  const nodeLog = new NodeLogServer({ sink: () => undefined, dedupeSize: 200_000 });
  const nodeLogAddress = `127.0.0.1:${await nodeLog.listen()}`;
  const reply = (request: string, value: unknown): void => void process.send?.({ reply: request, value });
  process.on('message', (request: string) => {
    if (request === 'ready') reply(request, { smtpUrl: smtp.url, nodeLogAddress });
    else if (request === 'counts') {
      const cpu = process.cpuUsage();
      reply(request, {
        emails: smtp.received,
        logs: nodeLog.counts.accepted,
        duplicates: smtp.duplicates + nodeLog.counts.duplicate,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      } satisfies SinkCounts);
    } else if (request === 'close') void Promise.all([smtp.close(), nodeLog.close()]).then(() => reply(request, null));
  });
}

if (process.argv.includes('--sink-process') && process.argv[1] === fileURLToPath(import.meta.url)) await serveSinks();
