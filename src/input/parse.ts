/**
 * @module input/parse
 * parseInput checks an argument of a public method against its schema and turns every problem
 * into one InvalidInputError that names each bad field by its path. Values are never quoted, so
 * no password or private text reaches the error.
 */
import type { z } from 'zod';
import { InvalidInputError, type InputIssue } from '../errors.js';

/** parseInput returns the parsed value, or throws InvalidInputError naming `name.path` of each issue. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new InvalidInputError(r.error.issues.map((i) => toIssue(i, name, value)));
}

function toIssue(issue: z.core.$ZodIssue, name: string, value: unknown): InputIssue {
  const path = [name, ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys')
    return {
      path,
      message: `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`,
    };
  // zod says "Invalid input" for a missing field of a union type; the reader wants to know it is missing.
  if (issue.path.length > 0 && at(value, issue.path) === undefined) return { path, message: 'is required' };
  return { path, message: issue.message };
}

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}
