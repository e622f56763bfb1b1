/**
 * @module secrets
 * Secret values in configuration (a plugin's params, the DKIM key, …): `{ env: 'NAME' }` from the environment, `{ secret: 'name' }`
 * from `secretsFile`, which must be readable by its owner only (Tahoe-LAFS keeps such files in
 * private/). Values are filled in for the plugin alone; config, logs and errors keep the reference.
 */
import { readFileSync, statSync } from 'node:fs';
import { InvalidConfigError, type ConfigIssue } from './errors.js';
import { z } from 'zod';

/** A `{ env: 'NAME' }` or `{ secret: 'name' }` value: filled in from the environment or `secretsFile` at startup. */
export const SECRET_REF = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }),
  z.strictObject({ secret: z.string().min(1) }),
]);
export type SecretRef = z.infer<typeof SECRET_REF>;

/** Secrets is where `{ env }` and `{ secret }` values come from. */
export interface Secrets {
  env: NodeJS.ProcessEnv;
  /** Where `env` came from, for the error that says a variable is not set: `process.env`, or the option passed. */
  envSource: string;
  /** The named secrets of `secretsFile`, or null when none is configured. */
  named: Record<string, string> | null;
  /** The secrets file's path, for errors. */
  file?: string;
}

/**
 * readSecretsFile reads `file` (a JSON object of strings). Throws InvalidConfigError when it cannot
 * be read, is not such an object, or when its group or others may read or write it; never quoting a value.
 */
export function readSecretsFile(file: string): Record<string, string> {
  const fail = (message: string, cause?: unknown): never => {
    throw new InvalidConfigError(
      [{ path: 'secretsFile', message: `${file}: ${message}` }],
      cause === undefined ? undefined : { cause },
    );
  };
  let mode = 0;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    fail(`cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, err);
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    fail(
      `group or others may access it (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); make it private with chmod 600`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail('is not JSON', err); // the parser's message may quote the file's content
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('must hold a JSON object of named secrets');
  const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
  if (bad) fail(`secret ${JSON.stringify(bad[0])} must be a string`);
  return value as Record<string, string>;
}

/**
 * fillSecrets copies `params` with every `{ env }` and `{ secret }` value replaced by what it names,
 * at any depth. Every reference that names nothing is reported, by its path under `where`.
 */
export function fillSecrets(params: Record<string, unknown>, where: string, secrets: Secrets): Record<string, unknown> {
  const issues: ConfigIssue[] = [];
  const fill = (value: unknown, path: string): unknown => {
    const ref = SECRET_REF.safeParse(value);
    if (ref.success) {
      if ('env' in ref.data) {
        const v = secrets.env[ref.data.env];
        if (v === undefined || v === '')
          issues.push({
            path,
            message: `environment variable ${ref.data.env} is not set (looked in ${secrets.envSource})`,
          });
        return v;
      }
      if (!secrets.named)
        issues.push({
          path,
          message: `refers to secret ${JSON.stringify(ref.data.secret)} but no secretsFile is configured`,
        });
      else if (!(ref.data.secret in secrets.named))
        issues.push({
          path,
          message: `secretsFile${secrets.file ? ` (${secrets.file})` : ''} has no secret ${JSON.stringify(ref.data.secret)}`,
        });
      return secrets.named?.[ref.data.secret];
    }
    if (Array.isArray(value)) return value.map((v, i) => fill(v, `${path}.${i}`));
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, `${path}.${k}`)]));
    return value;
  };
  const filled = fill(params, where) as Record<string, unknown>;
  if (issues.length > 0) throw new InvalidConfigError(issues);
  return filled;
}
