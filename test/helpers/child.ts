/**
 * Runs a TypeScript helper in a separate Node process (through tsx) and collects its stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** TSX is resolved from this project, so children may run in any working directory. */
const TSX = import.meta.resolve('tsx');

/** runTs runs `file` with `args` in a child process; rejects with its stderr on a non-zero exit. */
export function runTs(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, file, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd && { cwd }) });
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
