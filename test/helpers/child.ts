/**
 * Runs a TypeScript helper in a separate Node process (through tsx) and collects its stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** TSX is resolved from this project, so children may run in any working directory. */
const TSX = import.meta.resolve('tsx');

/** runTs runs `file` with `args` in a child process; rejects with its stderr on a non-zero exit. */
export function runTs(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, file, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(cwd && { cwd }),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} exited ${code}: ${err}`))));
  });
}

/** startTs starts `file` in a child process and resolves once it prints `ready`. */
export function startTs(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, file, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) resolve(child);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${file} exited ${code} before ready: ${err}`)));
  });
}

/** CliRun is what one run of the built `satnotify` binary did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** BIN is the published executable; it runs the compiled output, so `npm run build` must come first. */
export const BIN = fileURLToPath(new URL('../../bin/satnotify.js', import.meta.url));

/** runCli runs the built binary as a user would and resolves with its exit code and output, whatever the code. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd && { cwd: options.cwd }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
