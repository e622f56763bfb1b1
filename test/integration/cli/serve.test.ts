/** `satnotify serve`, the built binary: it listens, answers the operator routes, and stops cleanly on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scratchDir } from '../../helpers/scratch.js';

const BIN = fileURLToPath(new URL('../../../bin/satnotify.js', import.meta.url));

describe('satnotify serve', () => {
  it('serves the pages on the port it prints, and exits 0 on SIGTERM', async () => {
    const dir = scratchDir('serve');
    const env = {
      ...Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('SATNOTIFY_') && k !== 'DATABASE_URL'),
      ),
      SATNOTIFY_DATABASE_DATADIR: join(dir, 'db'),
      SATNOTIFY_WEB_BASEURL: 'http://127.0.0.1:1/notify',
      SATNOTIFY_WEB_ALLOWINSECUREBASEURL: 'true',
      SATNOTIFY_WEB_SECRETS: JSON.stringify(['serve-test-key-0123456789abcdef0123']),
    };
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const port = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(line)?.[1];
    assert.ok(port, line);
    assert.match(line, /links in emails point to http:\/\/127\.0\.0\.1:1\/notify/);
    const r = await fetch(`http://127.0.0.1:${port}/notify/feeds.xml?auth=nope`);
    assert.equal(r.status, 401);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
  });
});
