import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDemo } from '../../../src/cli/demo.js';
import { runCli } from '../../helpers/child.js';
import { scratchDir } from '../../helpers/scratch.js';

describe('satnotify demo', () => {
  it('plays the day: the numbers add up, nothing is duplicated, the storm is digested', async () => {
    const dir = scratchDir('demo');
    const r = await runDemo({ nodes: 30, dir });
    for (const c of [r.emails, r.logs]) assert.equal(c.sent + c.held + c.failed + c.suppressed, c.generated);
    assert.equal(r.duplicates, 0);
    assert.ok(r.emails.digests >= 1, 'the storm produced digests');
    assert.ok(r.emails.generated > 30 && r.logs.generated > 30);
    const eml = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
    assert.equal(eml.length, r.emails.messages);
    assert.ok(r.logSample.length > 0);
  });

  it('--json prints the CONTRACT object', async () => {
    const cwd = scratchDir('demo-cli');
    const r = await runCli(['demo', '--nodes', '12', '--json'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j).sort(), ['duplicates', 'emails', 'logs', 'nodes', 'outboxDir']);
    const emails = j['emails'] as Record<string, number>;
    assert.deepEqual(Object.keys(emails).sort(), [
      'digests',
      'failed',
      'generated',
      'held',
      'messages',
      'sent',
      'suppressed',
    ]);
    assert.equal(emails['sent']! + emails['held']! + emails['failed']! + emails['suppressed']!, emails['generated']);
    assert.equal(j['nodes'], 12);
    assert.equal(j['duplicates'], 0);
  });

  it('tells the story a stranger can follow: each step, counts that agree, where the files went, what to open next', async () => {
    const cwd = scratchDir('demo-story');
    const r = await runCli(['demo', '--nodes', '1'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout;
    assert.doesNotMatch(out, /\b1 (nodes|operators|notifications|emails)\b/, 'singular for one');
    assert.doesNotMatch(out, /delivered or held/);
    assert.match(
      out,
      /^2024-05-01 06:00 CEST {2}uptime checks fail for 1 node$/m,
      'the zone reads as in emails and preview',
    );
    assert.match(
      out,
      /^2024-05-01 06:00 CEST {2}uptime checks fail for 1 node\n\s+→ no new notifications; nothing sent; nothing waiting$/m,
      'a failed check is not yet an outage',
    );
    assert.match(
      out,
      /^2024-05-01 07:00 CEST .*\n\s+→ 2 new notifications \(1 by email, 1 to node logs\); sent 0 emails and 1 node-log message; 1 waiting/m,
    );
    const [, notifications, emails] = /^email: +(\d+) notifications → (\d+) emails sent/m.exec(out) ?? [];
    assert.ok(notifications && emails, 'summary line for email');
    const written = readdirSync(join(cwd, '.satnotify', 'demo', 'outbox')).filter((f) => f.endsWith('.eml'));
    assert.equal(written.length, Number(emails), 'the summary counts the .eml files that exist');
    assert.match(out, /^Open next:$/m);
    const digest = /^ {2}e\.g\. a digest +(\S+)$/m.exec(out)?.[1];
    assert.ok(digest && written.includes(digest.split('/').at(-1) as string), `the sample email exists: ${digest}`);
    assert.match(out, /npx satnotify status \S+ --db \.satnotify\/demo\/db/);
    // The day ends with one operator's report, a file like the others.
    const report = /^ {2}an operator's report +(\S+)$/m.exec(out)?.[1];
    assert.ok(report && written.includes(report.split('/').at(-1) as string), `the report exists: ${report}`);
    assert.match(out, /operator0's day has ended at 09:00[^\n]*\n\s+→ 1 new notification \(1 by email/);
  });
});
