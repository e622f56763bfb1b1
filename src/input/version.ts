/**
 * @module input/version
 * Node software versions: strict semver as the node reports it (`1.70.1`), not `v1.70.1` or
 * `=1.70.1`, which semver would quietly clean up into something the operator never wrote.
 */
import semver from 'semver';
import { z } from 'zod';

/** semverVersion accepts exactly a semver version string. */
export const semverVersion = z
  .string()
  .refine((v) => v.length <= 64 && semver.valid(v) === v, 'must be a semver version such as 1.70.1');
