/**
 * Building the operators' reports: 400 reports (one to four nodes each, a week of usage, scores and
 * an incident here and there) worded for their readers in three languages and rendered (subject,
 * HTML, text), against bare handlebars rendering the same three templates from the same words
 * already made. The ratio is what wording and the mail service's checks cost on top of the
 * templates. It runs in a process of its own with pretenuring off, as the render benchmark does
 * (render.ts says why).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Handlebars from 'handlebars';
import { resolveConfig } from '../src/config.js';
import { DEFAULT_TEMPLATES_DIR, TemplateSet } from '../src/mailservice/templates.js';
import { contentFor } from '../src/notification/content/content.js';
import { reportFigures, type ReportData } from '../src/notification/reports/figures.js';
import { lastEnded } from '../src/notification/reports/period.js';
import { NodeId } from '../src/overlay/node-id.js';
import { compare, opsPerSecond, type Comparison } from './measure.js';

const SELF = fileURLToPath(import.meta.url);
const LOCALES = ['en', 'de', 'pl'] as const;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'] as const;
/** Reports built per round: the 400 five times over, so a round outlasts the shared machine's hiccups. */
const PER_ROUND = 2_000;

/** reportsBenchmarkIsolated runs reportsBenchmark in a fresh process with pretenuring off. */
export async function reportsBenchmarkIsolated(rounds: number): Promise<Comparison> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--no-allocation-site-pretenuring',
    '--import',
    'tsx',
    SELF,
    String(rounds),
  ]);
  return JSON.parse(stdout) as Comparison;
}

/** reports are 400 operators' figures for one week, made once (the database's part is not measured here). */
function reports(): ReportData[] {
  const period = lastEnded(
    { cadence: 'weekly', weekday: 'mon', at: '09:00', zone: 'UTC' },
    new Date('2026-11-30T10:00:00Z'),
  );
  let n = 0;
  return Array.from({ length: 400 }, (_, op) => {
    const nodes = Array.from({ length: 1 + (op % 4) }, () => {
      const hex = (++n).toString(16).padStart(64, '0');
      return { id: NodeId.parse(hex).toString(), hex, address: `node-${n}.example.net:28967` };
    });
    return reportFigures({
      period,
      zone: 'UTC',
      nodes,
      usage: nodes.flatMap((x, k) =>
        period.days.map((day, d) => ({
          nodeId: x.hex,
          day,
          storedBytes: 1e12 + k * 1e11 + d * 1e9,
          freeBytes: 2e12 - d * 1e9,
          egressBytes: 5e9,
          ingressBytes: 1e9,
          reportedAt: new Date(`${day}T20:00:00Z`),
        })),
      ),
      scores: new Map(nodes.map((x) => [x.hex, { audit: 0.99, unknownAudit: 1, online: 0.97, vetted: true }])),
      recorded:
        op % 5 === 0
          ? [
              {
                nodeHex: (nodes[0] as { hex: string }).hex,
                kind: 'node-online',
                at: new Date(period.start.getTime() + 86_400_000),
                url: 'https://sat.example/n/x',
                offlineForMs: 3_600_000,
              },
            ]
          : [],
      offlineSince: new Map(),
      bars: { audit: 0.96, unknownAudit: 0.6, online: 0.6 },
      margins: { audit: 0.01, unknownAudit: 0.1, online: 0.1 },
      maxNodes: 50,
    }) as ReportData;
  });
}

/** reportsBenchmark compares in this process: reports per second, 400 per round. */
export async function reportsBenchmark(rounds: number): Promise<Comparison> {
  const templates = TemplateSet.load();
  const content = contentFor(templates, resolveConfig({ satellite: { name: 'us1.storj.io' } }));
  const all = reports();
  const readerOf = (i: number): { locale: (typeof LOCALES)[number]; zone: string } => ({
    locale: LOCALES[i % 3] as (typeof LOCALES)[number],
    zone: ZONES[i % 3] as string,
  });
  // The peer's data: the same words, made once, as bare handlebars would be given them.
  const made = all.map((r, i) => content.reportEmail(r, `op${i}@example.com`, readerOf(i), null).data);
  const read = (f: string): string => readFileSync(join(DEFAULT_TEMPLATES_DIR, f), 'utf8');
  const html = Handlebars.create();
  const text = Handlebars.create();
  for (const p of ['layout', 'header', 'footer']) {
    html.registerPartial(p, read(`partials/${p}.html.hbs`));
    if (p === 'layout') text.registerPartial(p, read(`partials/${p}.text.hbs`));
  }
  const bare = {
    subject: text.compile(read('report.subject.hbs').trim(), { noEscape: true }),
    html: html.compile(read('report.html.hbs')),
    text: text.compile(read('report.text.hbs'), { noEscape: true }),
  };
  let sink = 0;
  const ours = (): Promise<number> =>
    opsPerSecond(
      (i) => {
        const r = content.renderReport(all[i % 400] as ReportData, `op${i % 400}@example.com`, readerOf(i % 400));
        sink += r.html.length + r.text.length;
      },
      PER_ROUND,
      1,
    );
  const peer = (): Promise<number> =>
    opsPerSecond(
      (i) => {
        const data = made[i % 400] as Record<string, unknown>;
        const subject = bare.subject(data);
        sink += bare.html({ ...data, subject }).length + bare.text(data).length;
      },
      PER_ROUND,
      1,
    );
  const result = await compare(
    'build 400 operator reports (words + subject, HTML, text)',
    'bare handlebars, same data',
    ours,
    peer,
    rounds,
    'reports/s',
    2,
  );
  if (sink === 0) throw new Error('nothing rendered');
  return result;
}

if (process.argv[1] === SELF)
  process.stdout.write(`${JSON.stringify(await reportsBenchmark(Number(process.argv[2])))}\n`);
