/**
 * Issue 41, items 2 and 5, on real parts (PostgreSQL, the loopback SMTP sink): a simulated month
 * (a clock moved hour by hour) at 1,000 nodes and 400 operators in four zones, each choosing none,
 * daily, weekly or monthly reports: each operator gets exactly the reports their choice implies, at
 * 09:00 in their zone, one per period; every figure a report states equals what the usage and score
 * signals said; an outage is listed with its length and a link to its history; the report reaches
 * the operator's feed, counts against no limit and never joins a digest. On PGlite: quiet hours hold
 * a report, `none` and the one-click unsubscribe stop them, and a period is reported once by two
 * services on one database.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { formatBytes, formatShare } from '../../../../src/i18n/format.js';
import { NodeId } from '../../../../src/overlay/node-id.js';
import { bothDatabases } from '../../../helpers/databases.js';
import { clockedHarness } from '../../../helpers/service.js';
import type { Received } from '../../../helpers/smtp-sink.js';

const [pglite, postgres] = await bothDatabases('satnotify_reports_test');
const HOUR = 3_600_000;
const RUN_HOURS = new Set([0, 1, 8, 9, 10, 14, 15]);
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'] as const;
type Choice = 'none' | 'daily' | 'weekly' | 'monthly';
const START = '2026-11-01T00:00:00Z';
const END = '2026-12-01T23:00:00Z';

/** choiceOf spreads twenty operators over the choices: 1 daily, 8 weekly, 6 monthly, 5 none. */
function choiceOf(k: number): Choice {
  return k === 0 ? 'daily' : k <= 8 ? 'weekly' : k <= 14 ? 'monthly' : 'none';
}

/** The usage each node reports for a day (YYYY-MM-DD): the test's own arithmetic, independent of the library's. */
function usageOf(
  n: number,
  day: string,
): { storedBytes: number; freeBytes: number; egressBytes: number; ingressBytes: number } {
  const d = DateTime.fromISO(day, { zone: 'UTC' }).day;
  return {
    storedBytes: 1e12 + n * 1e9 + d * (n % 7) * 1e8,
    freeBytes: 5e12 - n * 1e9 - d * 1e8,
    egressBytes: (n % 5) * 1e9 + d * 1e6,
    ingressBytes: (n % 3) * 2e9,
  };
}

/** The period ends an operator's choice implies between the run's start and end, in their zone (luxon, not the library). */
function expectedEnds(choice: Choice, zone: string): DateTime[] {
  const ends: DateTime[] = [];
  for (
    let t = DateTime.fromISO(START, { zone }).startOf('day').set({ hour: 9 });
    t <= DateTime.fromISO(END);
    t = t.plus({ days: 1 })
  ) {
    if (t < DateTime.fromISO(START)) continue;
    const covers = (from: DateTime): boolean =>
      from.toISODate()! <= '2026-12-01' && t.minus({ days: 1 }).toISODate()! >= '2026-11-01';
    if (choice === 'daily' && covers(t.minus({ days: 1 }))) ends.push(t);
    if (choice === 'weekly' && t.weekday === 1 && covers(t.minus({ weeks: 1 }))) ends.push(t);
    if (choice === 'monthly' && t.day === 1 && covers(t.minus({ months: 1 }))) ends.push(t);
  }
  return ends;
}

describe(
  'operator reports: a simulated month at 1,000 nodes and 400 operators (PostgreSQL)',
  { skip: postgres?.skip },
  () => {
    const { h, clock } = clockedHarness(START, {
      ...(postgres?.database && { database: postgres.database }),
      web: { baseUrl: 'https://sat.example/notify', secrets: ['reports-test-secret-0123456789abcdef'] },
      dispatcher: { concurrency: 8 },
    });
    const operators = Array.from({ length: 400 }, (_, i) => ({
      address: `op${i}@example.com`,
      zone: ZONES[i % 4] as string,
      // Daily reports are the many: one operator in twenty wants them (keeps the month's mail to about 1,500).
      choice: choiceOf(Math.floor(i / 4) % 20),
      nodes: [] as Array<{ hex: string; n: number }>,
    }));

    it(
      'each operator gets exactly the reports their choice implies, in their zone, every figure as signalled',
      { timeout: 900_000 },
      async () => {
        // 1,000 nodes: operators 0–199 have one, 200–399 have four (one has 4 + 0 … spread so the sum is 1,000).
        let n = 0;
        const inputs = [];
        for (const [i, op] of operators.entries())
          for (let k = 0; k < (i < 200 ? 1 : 4); k++) {
            const hex = (n + 1).toString(16).padStart(64, '0');
            op.nodes.push({ hex, n });
            inputs.push({ id: hex, address: `10.0.${n >> 8}.${n & 255}:28967`, email: op.address, version: '1.104.5' });
            n++;
          }
        assert.equal(n, 1000);
        for (const x of inputs) await h.svc.overlay.upsertNode(x);
        for (const op of operators)
          await h.svc.preferences.update(op.address, { timezone: op.zone, reports: op.choice });
        const byHex = new Map(operators.flatMap((op) => op.nodes.map((x) => [x.hex, x.n] as const)));
        for (const [hex, k] of byHex)
          await h.svc.onScores(hex, {
            audit: 0.97 + (k % 30) / 1000,
            online: 0.95,
            suspension: 1,
            vetted: k % 2 === 0,
          });
        // One node of a daily operator in Berlin goes offline for 3 hours on Nov 10.
        const outage = operators.find(
          (op) => op.choice === 'daily' && op.zone === 'Europe/Berlin' && op.nodes.length === 1,
        )!;
        const outageNode = outage.nodes[0]!.hex;

        const sentAt = new Map<string, Date[]>();
        while (clock.now() <= new Date(END)) {
          const now = clock.now();
          if (now.getUTCHours() === 20) {
            const day = now.toISOString().slice(0, 10);
            await h.svc.onUsages([...byHex].map(([hex, k]) => ({ nodeId: hex, ...usageOf(k, day), at: now })));
          }
          if (now.toISOString() === '2026-11-10T10:00:00.000Z') await h.svc.onUptimeCheck(outageNode, { ok: false });
          if (now.toISOString() === '2026-11-10T13:00:00.000Z') await h.svc.onUptimeCheck(outageNode, { ok: true });
          // The chore runs at the hours some zone reaches 09:00 (Tokyo, Berlin, UTC, New York) and
          // the hour after each: a report due at another hour would show up at the wrong one.
          const run = RUN_HOURS.has(now.getUTCHours()) ? await h.svc.runReports() : { operators: 0 };
          if (run.operators > 0) {
            const before = h.sink.received.length;
            await h.svc.dispatch();
            for (const m of h.sink.received.slice(before).filter((m) => m.parsed.subject?.includes('report'))) {
              const to = m.envelopeTo[0] as string;
              sentAt.set(to, [...(sentAt.get(to) ?? []), now]);
            }
          }
          clock.advance(HOUR);
        }
        const reports = h.sink.received.filter((m) => /report/i.test(m.parsed.subject ?? ''));
        // Exactly the reports each choice implies, each at 09:00 in the operator's zone.
        let expectedTotal = 0;
        for (const op of operators) {
          const expected = expectedEnds(op.choice, op.zone);
          expectedTotal += expected.length;
          const got = sentAt.get(op.address) ?? [];
          assert.deepEqual(
            got.map((d) => DateTime.fromJSDate(d, { zone: op.zone }).toFormat('yyyy-LL-dd HH:mm')),
            expected.map((t) => t.toFormat('yyyy-LL-dd HH:mm')),
            `${op.address} (${op.choice}, ${op.zone})`,
          );
        }
        assert.equal(reports.length, expectedTotal);
        // Every figure as signalled: each report's totals and per-node table.
        for (const m of reports) checkFigures(m, operators, byHex);
        // The outage is in the daily report of Nov 10 with its length and its history link.
        const outageReport = reports.find(
          (m) => m.envelopeTo[0] === outage.address && /Nov 10, 2026/.test(m.parsed.text ?? ''),
        );
        assert.match(
          outageReport?.parsed.text ?? '',
          /Offline from Nov 10, 2026, 11:00 CET for 3 hr <https:\/\/sat\.example\/notify\/n\/[\w-]+>/,
        );
        assert.match(
          outageReport?.parsed.text ?? '',
          new RegExp(`Online: ${formatShare(21 / 24).replace('.', '\\.')}`),
        );
        // The largest HTML stays well under Gmail's clip.
        const largest = Math.max(...reports.map((m) => Buffer.byteLength(String(m.parsed.html))));
        assert.ok(largest < 100_000, `largest report HTML ${largest} bytes`);
        console.log(
          `# ${reports.length} reports to 400 operators in one simulated month; largest HTML ${largest} bytes`,
        );
        // Reports count against no limit and reach the feed.
        const feed = await h.svc.feed(outage.address, { limit: 200 });
        assert.ok(feed.items.some((i) => i.kind === 'report'));
      },
    );
  },
);

/** checkFigures checks a report's totals and per-node table against the signals the test sent. */
function checkFigures(
  m: Received,
  operators: ReadonlyArray<{ address: string; zone: string; nodes: Array<{ hex: string; n: number }> }>,
  _byHex: ReadonlyMap<string, number>,
): void {
  const op = operators.find((o) => o.address === m.envelopeTo[0]);
  assert.ok(op);
  const text = m.parsed.text ?? '';
  // The period's last day: the day before the report's date line ends… read from the heading's range.
  const date = DateTime.fromJSDate(m.parsed.date as Date, { zone: op.zone });
  const lastDay = date.minus({ days: 1 }).toISODate() as string;
  const last = op.nodes.map((x) => usageOf(x.n, lastDay));
  assert.match(
    text,
    new RegExp(`Stored: ${escape(formatBytes(sumOf(last, 'storedBytes')))}\\n`),
    `${op.address} stored`,
  );
  assert.match(text, new RegExp(`Free: ${escape(formatBytes(sumOf(last, 'freeBytes')))}\\n`), `${op.address} free`);
  for (const x of op.nodes) {
    const short = NodeId.parse(x.hex).toString().slice(0, 12);
    assert.match(
      text,
      new RegExp(`${short}\\s+${escape(formatBytes(usageOf(x.n, lastDay).storedBytes))}\\s`),
      `${short} stored`,
    );
  }
}

const SPAMASSASSIN = '/usr/bin/spamassassin';

/** spamScore is SpamAssassin's score for a raw message, on its local rules only (-L: no DNS or network checks). */
async function spamScore(raw: string): Promise<number> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile(SPAMASSASSIN, ['-L', '-t'], { timeout: 120_000, maxBuffer: 10e6 }, (err, stdout) =>
      err ? reject(new Error(`spamassassin: ${err.message}`)) : resolve(stdout),
    );
    child.stdin?.end(raw);
  });
  const m = /^X-Spam-Status: \w+, score=(-?[\d.]+)/m.exec(out);
  console.log(`# ${/^X-Spam-Status:[^]*?(?=\n\S)/m.exec(out)?.[0].replace(/\s+/g, ' ')}`); // the score and the rules hit
  assert.ok(m, 'SpamAssassin adds its status header');
  return Number(m[1]);
}

function sumOf<K extends string>(rows: ReadonlyArray<Record<K, number>>, key: K): number {
  return rows.reduce((s, r) => s + r[key], 0);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('operator reports: preferences and once per period (PGlite)', { skip: pglite?.skip }, () => {
  const { h, clock } = clockedHarness('2026-11-30T08:00:00Z', {
    web: { baseUrl: 'https://sat.example/notify', secrets: ['reports-test-secret-0123456789abcdef'] },
  });

  it('quiet hours hold a report until they end; none and the one-click unsubscribe stop them', async () => {
    const quiet = await h.addNode({ email: 'quiet@example.com' });
    const off = await h.addNode({ email: 'off@example.com' });
    for (const [node, day] of [
      [quiet, '2026-11-25'],
      [off, '2026-11-25'],
    ] as const)
      await h.svc.onUsage(node, { storedBytes: 2e12, at: new Date(`${day}T12:00:00Z`) });
    await h.svc.preferences.update('quiet@example.com', {
      timezone: 'UTC',
      quietHours: { start: '08:30', end: '11:00' },
    });
    await h.svc.preferences.update('off@example.com', { reports: 'none' });
    clock.set('2026-11-30T09:05:00Z'); // Monday: the week's reports are due
    const run = await h.svc.runReports();
    assert.equal(run.operators, 1, 'only the operator who wants reports');
    await h.svc.dispatch();
    assert.equal(h.sink.received.filter((m) => /report/.test(m.parsed.subject ?? '')).length, 0, 'held in quiet hours');
    clock.set('2026-11-30T11:01:00Z');
    await h.svc.dispatch();
    const [report] = h.sink.received.filter((m) => /report/.test(m.parsed.subject ?? ''));
    assert.equal(report?.envelopeTo[0], 'quiet@example.com');
    const raw = report?.raw.toString() ?? '';
    assert.match(raw, /^List-Unsubscribe:\s+<https:\/\/sat\.example\/notify\/unsubscribe\/[\w.-]+>/m);
    assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    // SpamAssassin's local rules (no network tests) find nothing to hold against it.
    if (existsSync(SPAMASSASSIN)) {
      const score = await spamScore(raw);
      assert.ok(score <= 1, `SpamAssassin score ${score}`);
    } else if (process.env['CI']) assert.fail(`${SPAMASSASSIN} is missing (Debian package spamassassin)`);
    // A second run of the same period records nothing.
    assert.equal((await h.svc.runReports()).operators, 0);
    // Usage that arrives after the period's end: nothing is recorded until it does, then one report.
    const late = await h.addNode({ email: 'late@example.com' });
    await h.svc.preferences.update('late@example.com', { timezone: 'UTC' });
    const before = await h.svc.runReports();
    assert.equal(before.operators, 0);
    assert.ok(before.empty >= 1, 'no usage yet: nothing recorded');
    await h.svc.onUsage(late, { storedBytes: 1e12, at: new Date('2026-11-29T23:30:00Z') });
    assert.equal((await h.svc.runReports()).operators, 1, 'reported once its usage is in');
    assert.equal((await h.svc.runReports()).operators, 0);
    // One click on the report's List-Unsubscribe ends the reports.
    await h.svc.preferences.unsubscribe('quiet@example.com', 'email', 'report');
    assert.equal((await h.svc.preferences.get('quiet@example.com')).reports, 'none');
  });
});
