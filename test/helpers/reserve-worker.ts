/**
 * A child process for the contention tests: opens its own pool to PostgreSQL, waits for a shared
 * start instant, fires N concurrent reservations for one key, and prints the tally as JSON.
 * argv: url subject limitsJson count startAtEpochMs nowIso
 */
import { resolveConfig } from '../../src/config.js';
import { openDatabase } from '../../src/database/connect.js';
import { PgStatusStore } from '../../src/notification/limits/pg-store.js';
import type { LimitOptions } from '../../src/notification/limits/policy.js';

const [url, subject, limitsJson, count, startAt, nowIso] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const db = await openDatabase(resolveConfig({ database: { url, poolSize: 10 } }).database);
const store = new PgStatusStore(db.pool, db.statements);
const limits = JSON.parse(limitsJson) as LimitOptions;
const now = new Date(nowIso);
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
const results = await Promise.all(
  Array.from({ length: Number(count) }, () => store.reserve({ subject, channel: 'email' }, now, limits)),
);
const tally: Record<string, number> = {};
for (const r of results) {
  const k = r.granted ? 'granted' : r.reason;
  tally[k] = (tally[k] ?? 0) + 1;
}
await db.close();
process.stdout.write(JSON.stringify(tally));
