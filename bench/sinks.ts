/**
 * Loopback servers that accept and discard, for the throughput benchmarks: an SMTP server that
 * counts messages and Message-IDs, and a NodeLogServer with a silent sink.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** DiscardingSmtp counts what it accepts; `duplicates` counts repeated Message-IDs. */
export interface DiscardingSmtp {
  url: string;
  received: number;
  duplicates: number;
  close(): Promise<void>;
}

export async function startDiscardingSmtp(): Promise<DiscardingSmtp> {
  const seen = new Set<string>();
  const sink: DiscardingSmtp = { url: '', received: 0, duplicates: 0, close: () => new Promise((r) => server.close(() => r())) };
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
