/**
 * A dispatcher process killed mid-batch and a second one taking its leases over, on real
 * PostgreSQL and an SMTP sink: what the crash and retention-race fault tests both run.
 */
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { startTs } from './child.js';
import { openRows, sqlClient } from './databases.js';
import type { SmtpSink } from './smtp-sink.js';

const WORKER = fileURLToPath(new URL('./service-worker.ts', import.meta.url));

/** Takeover is what the run left: emails received at the kill, their message ids, and a client on the database. */
export interface Takeover {
  atKill: number;
  ids: () => string[];
  db: pg.Client;
}

/**
 * killAndTakeOver runs a worker until a quarter of `n` emails arrived, SIGKILLs it, runs a second
 * until all `n` arrived and nothing is left open (or 60 s passed), and stops that one. The caller ends `db`.
 */
export async function killAndTakeOver(url: string, sink: SmtpSink, n: number): Promise<Takeover> {
  const first = await startTs(WORKER, ['dispatch', url, sink.url]);
  await sink.waitFor(n / 4, 30_000);
  first.kill('SIGKILL');
  const atKill = sink.received.length;
  const second = await startTs(WORKER, ['dispatch', url, sink.url]);
  const ids = (): string[] => sink.received.map((m) => m.parsed.messageId ?? '');
  const db = sqlClient(url);
  await db.connect();
  const deadline = Date.now() + 60_000;
  while ((new Set(ids()).size < n || (await openRows(db)) > 0) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  second.kill('SIGTERM');
  return { atKill, ids, db };
}
