/**
 * Issue 36: clients nobody here wrote the stack of, against the API started by this test on a real
 * PostgreSQL. A Python satellite (Debian's python3-grpcio, stubs generated now by
 * python3-grpc-tools) and a Go satellite (Debian's golang-go and golang-google-grpc-dev, offline in
 * GOPATH mode from /usr/share/gocode, code generated now by protoc-gen-go and protoc-gen-go-grpc)
 * each do a satellite's day; the test then reads the outcome back from the service.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { API_TOKEN, startApiHarness, type ApiHarness } from '../helpers/api.js';
import { postgresSkipReason, randomNodeIdHex } from '../helpers/databases.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const PYTHON = '/usr/bin/python3';
const GOCODE = '/usr/share/gocode';

/** missing lists what a client needs that this machine lacks; under CI=true the suites run and fail instead. */
async function missing(tools: Array<[string, () => Promise<unknown>]>): Promise<string | undefined> {
  if (process.env['CI'] === 'true') return undefined;
  const lacking: string[] = [];
  for (const [name, probe] of tools) await probe().catch(() => lacking.push(name));
  return lacking.length > 0 ? `needs ${lacking.join(', ')} (CI installs them)` : undefined;
}
const pythonSkip = await missing([
  ['python3-grpcio and python3-grpc-tools', () => run(PYTHON, ['-c', 'import grpc, grpc_tools'])],
]);
const goSkip = await missing([
  ['golang-go', () => run('go', ['version'])],
  ['protoc-gen-go-grpc', () => run('sh', ['-c', 'command -v protoc-gen-go-grpc'])],
  ['protobuf-compiler', () => run('protoc', ['--version'])],
  ['golang-github-golang-protobuf-1-5-dev', () => run('dpkg', ['-s', 'golang-github-golang-protobuf-1-5-dev'])],
  ['golang-google-grpc-dev', () => run('test', ['-d', `${GOCODE}/src/google.golang.org/grpc`])],
  [
    'golang-google-protobuf-dev',
    () => run('test', ['-d', `${GOCODE}/src/google.golang.org/protobuf/cmd/protoc-gen-go`]),
  ],
]);

describe('interop: Python and Go satellites over the API', { skip: postgresSkipReason }, () => {
  let h: ApiHarness;
  let dir: string;
  const env = (): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'],
    HOME: dir,
    SATNOTIFY_API: `127.0.0.1:${h.api.port}`,
    SATNOTIFY_TOKEN: API_TOKEN,
    NODE_LOG: h.nodeLogAddress,
    NODE_IDS: [randomNodeIdHex(), randomNodeIdHex(), randomNodeIdHex()].join(','),
  });
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'satnotify-interop-'));
    h = await startApiHarness({ service: { dispatcher: { autoStart: true, interval: '50ms' } } });
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a Python satellite's day (grpcio, stubs from grpc_tools)", { skip: pythonSkip, timeout: 120_000 }, async () => {
    const gen = join(dir, 'python');
    mkdirSync(gen);
    await run(
      PYTHON,
      [
        '-m',
        'grpc_tools.protoc',
        '-I',
        join(ROOT, 'proto'),
        `--python_out=${gen}`,
        `--grpc_python_out=${gen}`,
        'satnotify/v1/satellite.proto',
      ],
      { cwd: ROOT },
    );
    const { stdout } = await run(PYTHON, [join(HERE, 'client.py')], { env: { ...env(), PYTHONPATH: gen } });
    process.stdout.write(`# python transcript:\n${stdout.replace(/^/gm, '#   ')}`);
    assert.match(stdout, /python client: a satellite's day done\n$/);
    const prefs = await h.svc.preferences.get('py-op-0@example.com');
    assert.deepEqual([prefs.language, prefs.digest], ['pl', 'daily']);
  });

  it(
    "a Go satellite's day (grpc-go, code from protoc-gen-go and protoc-gen-go-grpc)",
    { skip: goSkip, timeout: 300_000 },
    async () => {
      const gopath = join(dir, 'go');
      const src = join(gopath, 'src');
      mkdirSync(join(src, 'satnotifyclient'), { recursive: true });
      const goEnv = {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: `${gopath}:${GOCODE}`,
        GOCACHE: join(dir, 'gocache'),
        GOFLAGS: '',
        GOPROXY: 'off',
        HOME: dir,
      };
      await run(
        'go',
        ['build', '-o', join(gopath, 'bin', 'protoc-gen-go'), 'google.golang.org/protobuf/cmd/protoc-gen-go'],
        { env: goEnv },
      );
      await run(
        'protoc',
        [
          '-I',
          join(ROOT, 'proto'),
          '-I',
          '/usr/include',
          `--plugin=protoc-gen-go=${join(gopath, 'bin', 'protoc-gen-go')}`,
          `--go_out=${src}`,
          `--go-grpc_out=${src}`,
          'satnotify/v1/satellite.proto',
        ],
        { cwd: ROOT, env: goEnv },
      );
      copyFileSync(join(HERE, 'client.go'), join(src, 'satnotifyclient', 'main.go'));
      await run('go', ['build', '-o', join(gopath, 'bin', 'satnotifyclient'), 'satnotifyclient'], {
        env: goEnv,
        maxBuffer: 8 << 20,
      });
      const { stdout } = await run(join(gopath, 'bin', 'satnotifyclient'), [], { env: env() });
      process.stdout.write(`# go transcript:\n${stdout.replace(/^/gm, '#   ')}`);
      assert.match(stdout, /go client: a satellite's day done\n$/);
      const prefs = await h.svc.preferences.get('go-op-0@example.com');
      assert.deepEqual(
        [prefs.timezone, prefs.language, prefs.quietHours],
        ['Europe/Berlin', 'de', { start: '22:00', end: '07:00' }],
      );
    },
  );
});
