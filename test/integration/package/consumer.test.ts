/**
 * The package as its users get it: `npm pack`, installed into a fresh ESM TypeScript project, whose
 * code typechecks with `skipLibCheck: false` and runs; the tarball holds what the README links to
 * and nothing it does not need (no source maps pointing at unpublished sources).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scratchDir } from '../../helpers/scratch.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TYPES_NODE = '@types/node@20.19.43';

const CONSUMER = `import { createNotificationService, InvalidNodeIdError, NodeId, type Delivery, type NotificationService } from 'satnotify';

const svc: NotificationService = await createNotificationService({
  database: { dataDir: 'memory://' },
  mail: { outboxDir: process.argv[2] ?? 'outbox' },
  limits: { timezone: 'Europe/Berlin', email: { maxHr: 2, maxDay: 5, minDelay: '15m' } },
  dispatcher: { autoStart: false },
});
try {
  const id = NodeId.parse('12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S');
  await svc.overlay.upsertNode({ id: id.toString(), address: '127.0.0.1:28967', email: 'op@example.com', version: '1.70.1' });
  const d: Delivery = await svc.informNodeEmail(id, { template: 'audit-failed', data: { score: '0.962', threshold: '0.960', distance: '0.002' } });
  try {
    NodeId.parse('nope');
  } catch (err) {
    if (!(err instanceof InvalidNodeIdError)) throw err;
  }
  console.log(JSON.stringify({ status: d.status }));
} finally {
  await svc.close();
}
`;

describe('the published package', () => {
  let dir: string;
  let files: string[];
  before(async () => {
    dir = scratchDir('package');
    // dist is built by `pretest`; packing must not rebuild it under the feet of concurrent tests.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: ROOT,
    });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    assert.ok(packed);
    files = packed.files.map((f) => f.path);
    const consumer = join(dir, 'consumer');
    await run('mkdir', [consumer]);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        files: ['index.ts'],
      }),
    );
    writeFileSync(join(consumer, 'index.ts'), CONSUMER);
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed.filename), TYPES_NODE],
      { cwd: consumer },
    );
  });

  it('ships dist, bin, proto, templates and the documents the README links to, and no source maps', () => {
    for (const f of [
      'LICENSE',
      'README.md',
      'CONFIG.md',
      'ARCHITECTURE.md',
      'docs/delivery.md',
      'bin/satnotify.js',
      'dist/index.js',
      'dist/index.d.ts',
      'proto/notification.proto',
      'templates/digest.text.hbs',
    ]) {
      assert.ok(files.includes(f), `${f} is in the tarball`);
    }
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map')),
      [],
    );
    assert.ok(!files.includes('BENCHMARKS.md'), 'the benchmarks are for working on satnotify, not for its users');
    assert.deepEqual(
      files.filter((f) => /^(src|test|bench)\//.test(f)),
      [],
    );
  });

  it('typechecks in an ESM TypeScript project with skipLibCheck: false', async () => {
    await run(process.execPath, [TSC, '-p', join(dir, 'consumer')]).catch((err: Error & { stdout?: string }) =>
      assert.fail(`tsc failed:\n${err.stdout ?? err.message}`),
    );
  });

  it('runs: the README quick start works from the installed package', async () => {
    const consumer = join(dir, 'consumer');
    await run(process.execPath, [TSC, '-p', consumer, '--noEmit', 'false', '--outDir', join(consumer, 'out')]);
    const { stdout } = await run(process.execPath, [join(consumer, 'out', 'index.js'), join(dir, 'outbox')], {
      cwd: consumer,
    });
    assert.deepEqual(JSON.parse(stdout), { status: 'sent' });
  });

  it('its binary answers --help', async () => {
    const { stdout } = await run(process.execPath, [
      join(dir, 'consumer', 'node_modules', 'satnotify', 'bin', 'satnotify.js'),
      '--help',
    ]);
    assert.match(stdout, /^Usage: satnotify/);
  });

  it('the optional plugin packages are not installed with it; configuring one that needs them is a typed error naming the npm install, and webhook needs none', async () => {
    const consumer = join(dir, 'consumer');
    const script = `
      import { createNotificationService, InvalidConfigError } from 'satnotify';
      const out = {};
      for (const [name, channel] of Object.entries({
        irc: { plugin: 'irc', params: { host: '127.0.0.1', target: '#ops' } },
        mqtt: { plugin: 'mqtt', params: { url: 'mqtt://127.0.0.1:1' } },
        ops: { plugin: 'webhook', params: { url: 'http://127.0.0.1:1/', secret: 'whsec_${Buffer.from('x'.repeat(32)).toString('base64')}' } },
      })) {
        try {
          await (await createNotificationService({ database: { dataDir: 'memory://' }, channels: { [name]: channel } })).close();
          out[name] = 'started';
        } catch (err) {
          out[name] = err instanceof InvalidConfigError ? err.message : 'other: ' + err;
        }
      }
      console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer });
    const out = JSON.parse(stdout) as Record<string, string>;
    assert.match(
      out['irc'] ?? '',
      /channels\.irc\.plugin: needs the optional package irc-framework, which is not installed: npm install irc-framework@4\.14\.0/,
    );
    assert.match(
      out['mqtt'] ?? '',
      /channels\.mqtt\.plugin: needs the optional package mqtt, which is not installed: npm install mqtt@5\.16\.0/,
    );
    assert.equal(out['ops'], 'started');
    for (const pkg of ['irc-framework', 'mqtt', 'standardwebhooks'])
      assert.ok(!existsSync(join(consumer, 'node_modules', pkg)), `${pkg} is not installed with satnotify`);
  });

  it('its subpaths resolve from the installed package, each with what it says it holds', async () => {
    const script = `
      const out = {};
      for (const [path, name] of [['satnotify/config', 'DEFAULTS'], ['satnotify/kinds', 'EVENT_KINDS'], ['satnotify/limits', 'decide'], ['satnotify/mail', 'TemplateSet'],
                                 ['satnotify/plugins', 'notificationJson'], ['satnotify/postgres', 'PgStatusStore'], ['satnotify/testing', 'MemoryStatusStore']]) {
        out[path] = typeof (await import(path))[name];
      }
      console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(dir, 'consumer'),
    });
    for (const [path, type] of Object.entries(JSON.parse(stdout) as Record<string, string>))
      assert.notEqual(type, 'undefined', path);
  });
});
