/**
 * @module cli/timeline
 * `satnotify timeline`: one simulated node, a day of email attempts on a simulated clock, through
 * the real status store on an in-memory embedded database, with the email limits the config gives
 * (`--config`, `SATNOTIFY_…`); prints which attempts were allowed and why the rest were not.
 */
import { DateTime } from 'luxon';
import { resolveConfig } from '../config.js';
import { openDatabase } from '../database/connect.js';
import { formatSpan, zoneAbbreviation } from '../i18n/format.js';
import { PgStatusStore } from '../notification/limits/pg-store.js';

/** TimelineRow is one attempt and its outcome. */
export interface TimelineRow {
  at: string;
  allowed: boolean;
  reason?: string;
  retryAt?: string | null;
}

/** Timeline is the day played and the limits it was played with. */
export interface Timeline {
  zone: string;
  limits: { maxHr: number; maxDay: number; minDelayMs: number };
  rows: TimelineRow[];
}

/** The day played: Europe falls back on it, so in European zones it has 25 hours. */
const DAY = '2024-10-27T00:00';

/** runTimeline makes an attempt every `everyMinutes` for one calendar day from local midnight. */
export async function runTimeline(o: {
  zone: string;
  everyMinutes: number;
  env?: NodeJS.ProcessEnv;
  configFile?: string;
}): Promise<Timeline> {
  const c = resolveConfig(
    { limits: { timezone: o.zone }, database: { url: '', dataDir: 'memory://' } },
    { env: o.env ?? {}, ...(o.configFile && { file: o.configFile }) },
  );
  const db = await openDatabase(c.database);
  try {
    const store = new PgStatusStore(db.pool);
    const limits = { ...c.limits.email, timezone: o.zone };
    const start = DateTime.fromISO(DAY, { zone: o.zone });
    const rows: TimelineRow[] = [];
    for (let t = start; t < start.plus({ days: 1 }); t = t.plus({ minutes: o.everyMinutes })) {
      const r = await store.reserve({ subject: 'timeline-node', channel: 'email' }, t.toJSDate(), limits);
      const at = `${t.toFormat('yyyy-MM-dd HH:mm')} ${zoneAbbreviation(t.toJSDate(), o.zone)}`;
      rows.push(
        r.granted
          ? { at, allowed: true }
          : {
              at,
              allowed: false,
              reason: r.reason,
              retryAt: r.retryAt && DateTime.fromJSDate(r.retryAt, { zone: o.zone }).toFormat('HH:mm'),
            },
      );
    }
    return { zone: o.zone, limits: c.limits.email, rows };
  } finally {
    await db.close();
  }
}

/** printTimeline prints one line per attempt, folding a run of identical denials into one line. */
export function printTimeline(t: Timeline, write: (line: string) => void): void {
  const say = (r: TimelineRow): string =>
    r.allowed ? 'ALLOWED' : `denied  ${r.reason} (next ${r.retryAt ?? 'never'})`;
  const { rows } = t;
  for (let i = 0; i < rows.length;) {
    let j = i;
    while (j + 1 < rows.length && !rows[i]?.allowed && say(rows[j + 1] as TimelineRow) === say(rows[i] as TimelineRow))
      j++;
    const first = rows[i] as TimelineRow;
    const span = j > i ? `${first.at} … ${(rows[j] as TimelineRow).at.slice(11)} ×${j - i + 1}` : first.at;
    write(`${span.padEnd(40)} ${say(first)}`);
    i = j + 1;
  }
  const allowed = rows.filter((r) => r.allowed).length;
  const { maxHr, maxDay, minDelayMs } = t.limits;
  write('');
  write(
    `${allowed} allowed, ${rows.length - allowed} denied, in ${t.zone} with limits.email maxHr ${maxHr}, maxDay ${maxDay}, minDelay ${formatSpan(minDelayMs)}`,
  );
}
