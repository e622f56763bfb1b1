import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InvalidConfigError } from '../../src/errors.js';
import { fillSecrets, readSecretsFile } from '../../src/secrets.js';
import { scratchDir } from '../helpers/scratch.js';

describe('channel secrets', () => {
  it('fills { env } and { secret } values at any depth, leaving the rest', () => {
    const filled = fillSecrets(
      { url: 'http://x', secret: { env: 'A' }, nested: { list: [{ secret: 'b' }, 'plain'] } },
      'channels.ops.params',
      { env: { A: 'from-env' }, envSource: 'a test', named: { b: 'from-file' } },
    );
    assert.deepEqual(filled, { url: 'http://x', secret: 'from-env', nested: { list: ['from-file', 'plain'] } });
  });

  it('names every reference that names nothing, by its path, at once', () => {
    assert.throws(
      () =>
        fillSecrets({ a: { env: 'MISSING' }, b: { secret: 'nope' } }, 'channels.ops.params', {
          env: {},
          envSource: 'a test',
          named: {},
        }),
      (err: unknown) =>
        err instanceof InvalidConfigError &&
        err.issues.length === 2 &&
        /channels\.ops\.params\.a: environment variable MISSING is not set/.test(err.message) &&
        /channels\.ops\.params\.b: secretsFile has no secret "nope"/.test(err.message),
    );
    assert.throws(
      () => fillSecrets({ a: { secret: 'x' } }, 'p', { env: {}, envSource: 'a test', named: null }),
      /no secretsFile is configured/,
    );
  });

  it('reads an owner-only secrets file; refuses one that group or others may read, without quoting it', () => {
    const dir = scratchDir('secrets');
    const file = join(dir, 'secrets.json');
    writeFileSync(file, JSON.stringify({ ops: 'hunter2-very-secret' }));
    chmodSync(file, 0o600);
    assert.deepEqual(readSecretsFile(file), { ops: 'hunter2-very-secret' });
    for (const mode of [0o644, 0o640, 0o604]) {
      chmodSync(file, mode);
      assert.throws(
        () => readSecretsFile(file),
        (err: unknown) =>
          err instanceof InvalidConfigError &&
          err.issues[0]?.path === 'secretsFile' &&
          /chmod 600/.test(err.message) &&
          !err.message.includes('hunter2'),
        mode.toString(8),
      );
    }
    chmodSync(file, 0o600);
    writeFileSync(file, '{"ops": hunter2-not-json');
    assert.throws(
      () => readSecretsFile(file),
      (err: unknown) =>
        err instanceof InvalidConfigError && /is not JSON/.test(err.message) && !err.message.includes('hunter2'),
    );
    writeFileSync(file, JSON.stringify({ ops: 42 }));
    assert.throws(() => readSecretsFile(file), /secret "ops" must be a string/);
    assert.throws(() => readSecretsFile(join(dir, 'absent.json')), /cannot read it: ENOENT/);
  });
});
