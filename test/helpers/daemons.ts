/**
 * Real servers the channel tests talk to, from Debian's packages: ngircd (IRC) and mosquitto (MQTT),
 * each started on a free loopback port with a config in a scratch folder, restartable on the same
 * port, and killed when the test process exits. Under CI=true a missing binary fails the suite;
 * elsewhere it is skipped with the command that installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { unusedPort } from './grpc.js';
import { scratchDir } from './scratch.js';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Daemon is one server process on a fixed port. */
export class Daemon {
  readonly port: number;
  readonly #start: () => ChildProcess;
  #child: ChildProcess | undefined;
  #log = '';

  constructor(port: number, start: () => ChildProcess) {
    this.port = port;
    this.#start = start;
  }

  /** start runs the server and resolves once its port accepts connections. */
  async start(): Promise<void> {
    const child = this.#start();
    this.#child = child;
    running.add(child);
    child.stdout?.on('data', (d: Buffer) => (this.#log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.#log += d.toString()));
    child.once('exit', () => running.delete(child));
    // A missing binary is an 'error' event with no exit: fail at once, naming it.
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (spawnError) throw new Error(`server on port ${this.port} did not start: ${spawnError.message}`);
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`server on port ${this.port} did not start:\n${this.#log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** stop kills the server and waits for it to be gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    while (await accepts(this.port)) await new Promise((r) => setTimeout(r, 20));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/** daemonSkipReason is undefined when `bin` exists, or why the suites that need it are skipped (never under CI). */
export function daemonSkipReason(bin: string, pkg: string): string | undefined {
  if (existsSync(bin) || process.env['CI'] === 'true') return undefined;
  return `${bin} is not installed (apt-get install ${pkg}); CI installs it`;
}

export const NGIRCD = '/usr/sbin/ngircd';
export const MOSQUITTO = '/usr/sbin/mosquitto';

/** startNgircd runs an IRC server without flood penalties and without DNS or ident lookups. */
export async function startNgircd(): Promise<Daemon> {
  const dir = scratchDir('ngircd');
  const port = await unusedPort();
  const conf = join(dir, 'ngircd.conf');
  writeFileSync(
    conf,
    [
      '[Global]',
      'Name = irc.satnotify.test',
      'Info = satnotify test server',
      'AdminInfo1 = satnotify tests',
      'AdminInfo2 = loopback',
      'AdminEMail = tests@satnotify.invalid',
      'Listen = 127.0.0.1',
      `Ports = ${port}`,
      'MotdPhrase = satnotify tests',
      '[Limits]',
      'MaxConnectionsIP = 0',
      'MaxNickLength = 30',
      // Penalties pace a client to about a command a second; a notifier's lines would queue behind them.
      'MaxPenaltyTime = 0',
      '[Options]',
      'PAM = no',
      'Ident = no',
      'DNS = no',
      '',
    ].join('\n'),
  );
  const d = new Daemon(port, () =>
    spawn(NGIRCD, ['--nodaemon', '--config', conf], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  await d.start();
  return d;
}

/** startMosquitto runs an MQTT broker that keeps nothing across restarts. */
export async function startMosquitto(): Promise<Daemon> {
  const dir = scratchDir('mosquitto');
  const port = await unusedPort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      '',
    ].join('\n'),
  );
  const d = new Daemon(port, () => spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await d.start();
  return d;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
