import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { DEFAULTS, resolveConfig, type Config } from '../../src/config.js';
import { parseDurationMs } from '../../src/duration.js';
import { InvalidConfigError } from '../../src/errors.js';
import { scratchDir } from '../helpers/scratch.js';

function configError(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidConfigError, `expected InvalidConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an InvalidConfigError');
}

describe('resolveConfig', () => {
  it('defaults give a working embedded setup', () => {
    const c = resolveConfig();
    assert.equal(c.database.url, '');
    assert.equal(c.database.dataDir, '.satnotify/db');
    assert.deepEqual(c.limits.email, { maxHr: 2, maxDay: 5, minDelayMs: 15 * 60_000 });
    assert.deepEqual(c.limits.log, { maxHr: 10, maxDay: 50, minDelayMs: 60_000 });
    assert.equal(c.limits.timezone, 'UTC');
  });

  it("reports: the network's instances are the satellite's own, and a reported period outlives its grace", () => {
    const e = configError(() =>
      resolveConfig({ reports: { network: { instances: ['email'] }, grace: '2d' }, retention: { usage: '1d' } }),
    );
    assert.deepEqual(e.issues.map((i) => i.path).sort(), ['reports.network.instances.0', 'retention.usage']);
    assert.equal(resolveConfig().reports.operator.cadence, 'weekly');
  });

  it('accepts durations as strings or milliseconds', () => {
    assert.equal(resolveConfig({ limits: { email: { minDelay: '90s' } } }).limits.email.minDelayMs, 90_000);
    assert.equal(resolveConfig({ limits: { email: { minDelay: '1h30m' } } }).limits.email.minDelayMs, 5_400_000);
    assert.equal(
      resolveConfig({ limits: { email: { minDelay: 250 as unknown as string } } }).limits.email.minDelayMs,
      250,
    );
  });

  it('layers file < environment < argument', () => {
    const dir = scratchDir('config');
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ limits: { timezone: 'Europe/Berlin', email: { maxHr: 1, maxDay: 9 } } }));
    const c = resolveConfig(
      { limits: { email: { maxDay: 7 } } },
      {
        file,
        env: {
          SATNOTIFY_LIMITS_EMAIL_MAXHR: '3',
          SATNOTIFY_DATABASE_URL: 'postgres://u:secret@db:5432/x',
          SATNOTIFY_SATELLITE_NAME: '123',
        },
      },
    );
    assert.equal(c.limits.timezone, 'Europe/Berlin');
    assert.deepEqual(c.limits.email, { maxHr: 3, maxDay: 7, minDelayMs: 900_000 });
    assert.equal(c.database.url, 'postgres://u:secret@db:5432/x');
    assert.equal(c.satellite.name, '123', 'string keys stay strings');
  });

  it('falls back to DATABASE_URL', () => {
    assert.equal(resolveConfig({}, { env: { DATABASE_URL: 'postgres://h/db' } }).database.url, 'postgres://h/db');
  });

  const invalid: Array<[string, Config, string, unknown]> = [
    ['negative count', { limits: { email: { maxHr: -1 } } }, 'limits.email.maxHr', -1],
    ['non-integer count', { limits: { log: { maxDay: 2.5 } } }, 'limits.log.maxDay', 2.5],
    ['maxHr > maxDay', { limits: { email: { maxHr: 6, maxDay: 5 } } }, 'limits.email.maxHr', 6],
    ['unknown zone', { limits: { timezone: 'Mars/Olympus' } }, 'limits.timezone', 'Mars/Olympus'],
    ['bad duration', { limits: { email: { minDelay: '15 minutes' } } }, 'limits.email.minDelay', '15 minutes'],
    ['unknown key', { limits: { email: { maxHour: 3 } } } as Config, 'limits.email.maxHour', undefined],
    [
      'bad satellite id',
      { satellite: { id: '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3T' } },
      'satellite.id',
      '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3T',
    ],
  ];
  for (const [name, input, path, value] of invalid) {
    it(`rejects ${name}, naming ${path}`, () => {
      const err = configError(() => resolveConfig(input));
      const issue = err.issues.find((i) => i.path === path);
      assert.ok(issue, `no issue at ${path}: ${err.message}`);
      assert.deepEqual(issue.value, value);
      assert.match(err.message, new RegExp(path.replaceAll('.', '\\.')));
    });
  }

  const outOfBounds: Array<[string, Config, string]> = [
    ['a count beyond any window', { limits: { email: { maxHr: 3e9, maxDay: 3e9 } } }, 'limits.email.maxHr'],
    ['a minDelay beyond 30 days', { limits: { email: { minDelay: '99999999999d' } } }, 'limits.email.minDelay'],
    ['1e20 milliseconds', { limits: { email: { minDelay: '99999999999999999999' } } }, 'limits.email.minDelay'],
    ["an interval Node's timers cannot hold", { dispatcher: { interval: '30d' } }, 'dispatcher.interval'],
    ['an interval of 0 (a busy loop)', { dispatcher: { interval: 0 } }, 'dispatcher.interval'],
    ['a grouping wait beyond a day', { grouping: { wait: '99999999d' } }, 'grouping.wait'],
    ['an SMTP URL that is no URL', { smtp: { url: 'smtp://u:pw@[bad' } }, 'smtp.url'],
    ['a database URL with another scheme', { database: { url: 'mysql://h/db' } }, 'database.url'],
  ];
  for (const [name, input, path] of outOfBounds) {
    it(`rejects ${name}, naming ${path}`, () => {
      const err = configError(() => resolveConfig(input));
      assert.ok(
        err.issues.some((i) => i.path === path),
        `no issue at ${path}: ${err.message}`,
      );
    });
  }

  it('masks a password by the shape of the value, whatever the key', () => {
    for (const input of [
      { database: 'postgres://u:S3cretDB@h/db' },
      { smtp: 'smtp://u:S3cretDB@h' },
      { smtp: { url: 'smtp://u:S3cretDB@[bad' } },
    ] as unknown as Config[]) {
      const err = configError(() => resolveConfig(input));
      assert.doesNotMatch(`${err.message} ${inspect(err, { depth: 5 })} ${JSON.stringify(err)}`, /S3cretDB/);
    }
    const env = configError(() => resolveConfig({}, { env: { SATNOTIFY_DATABASE: 'postgres://u:S3cretDB@h/db' } }));
    assert.doesNotMatch(`${env.message} ${inspect(env, { depth: 5 })}`, /S3cretDB/);
  });

  it('reports every problem at once', () => {
    const err = configError(() => resolveConfig({ limits: { timezone: 'Nowhere', email: { maxHr: -2 } } }));
    assert.deepEqual(err.issues.map((i) => i.path).sort(), ['limits.email.maxHr', 'limits.timezone']);
  });

  it('rejects an environment variable that names no key, and a bad value in one', () => {
    assert.match(
      configError(() => resolveConfig({}, { env: { SATNOTIFY_LIMITS_EMAIL_MAXHOURS: '3' } })).message,
      /SATNOTIFY_LIMITS_EMAIL_MAXHOURS/,
    );
    assert.match(
      configError(() => resolveConfig({}, { env: { SATNOTIFY_LIMITS_EMAIL_MAXHR: 'three' } })).message,
      /limits\.email\.maxHr/,
    );
  });

  it('rejects a config file that is not JSON', () => {
    const dir = scratchDir('config');
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ limits: nope');
    assert.match(configError(() => resolveConfig({}, { file })).message, /not JSON/);
  });

  it('never prints a password from a URL', () => {
    const err = configError(() => resolveConfig({ smtp: { url: 'http://user:hunter2@mail:25' } }));
    assert.doesNotMatch(err.message, /hunter2/);
    assert.match(err.message, /smtp\.url/);
  });

  it('DEFAULTS validate', () => {
    assert.doesNotThrow(() => resolveConfig(DEFAULTS));
  });
});

describe('parseDurationMs', () => {
  for (const [input, ms] of [
    ['0s', 0],
    ['250ms', 250],
    ['90s', 90_000],
    ['15m', 900_000],
    ['168h', 604_800_000],
    ['1d', 86_400_000],
    ['1500', 1500],
  ] as const) {
    it(`${input} → ${ms}`, () => assert.equal(parseDurationMs(input), ms));
  }
  for (const bad of ['', '-5m', '1.5h', '15 m', 'm', '1w', 'soon']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseDurationMs(bad), undefined));
  }
});

describe('smtp.from (issue 40)', () => {
  it('is one mailbox with a domain; anything else is an InvalidConfigError naming smtp.from', () => {
    for (const bad of [
      'nobody',
      'Satellite',
      'Satellite <>',
      'noreply@',
      'a@sat.example, b@sat.example',
      'Sat, Inc. <a@sat.example>',
    ]) {
      assert.throws(
        () => resolveConfig({ smtp: { from: bad } }),
        (err: InvalidConfigError) =>
          err instanceof InvalidConfigError && err.issues.some((i) => i.path === 'smtp.from'),
        bad,
      );
    }
    for (const good of [
      'Satellite <noreply@sat.example>',
      'noreply@sat.example',
      '"Sat, Inc." <noreply@sat.example>',
    ]) {
      assert.equal(resolveConfig({ smtp: { from: good } }).smtp.from, good);
    }
  });

  it('holds for every email instance, whose params take the smtp section', async () => {
    const { EMAIL_PLUGIN } = await import('../../src/channels/email/plugin.js');
    const parsed = EMAIL_PLUGIN.params.safeParse({ smtp: { from: 'nobody' } });
    assert.equal(parsed.success, false);
    assert.deepEqual(parsed.error?.issues[0]?.path, ['smtp', 'from']);
  });
});
