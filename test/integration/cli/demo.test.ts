import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runDemo } from '../../../src/cli/demo.js';
import { runTs } from '../../helpers/child.js';

const CLI = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

describe('satnotify demo', () => {
  it('plays the day: the numbers add up, nothing is duplicated, the storm is digested', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satnotify-demo-'));
    const r = await runDemo({ nodes: 30, dir });
    for (const c of [r.emails, r.logs]) assert.equal(c.sent + c.held + c.failed, c.generated);
    assert.equal(r.duplicates, 0);
    assert.ok(r.emails.digests >= 1, 'the storm produced digests');
    assert.ok(r.emails.generated > 30 && r.logs.generated > 30);
    const eml = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
    assert.equal(eml.length, r.emails.messages);
    assert.ok(r.logSample.length > 0);
  });

  it('--json prints the CONTRACT object', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'satnotify-demo-cli-'));
    const out = await runTs(CLI, ['demo', '--nodes', '12', '--json'], process.env, cwd);
    const j = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j).sort(), ['duplicates', 'emails', 'logs', 'nodes', 'outboxDir']);
    const emails = j['emails'] as Record<string, number>;
    assert.deepEqual(Object.keys(emails).sort(), ['digests', 'failed', 'generated', 'held', 'messages', 'sent']);
    assert.equal(emails['sent']! + emails['held']! + emails['failed']!, emails['generated']);
    assert.equal(j['nodes'], 12);
    assert.equal(j['duplicates'], 0);
  });
});

