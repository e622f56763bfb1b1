/**
 * @module api/status
 * What a caller over gRPC is told when a call fails: the library's typed errors as status codes,
 * with their messages (field paths, never a value that could be a secret), and nothing of any
 * other error but that it happened.
 */
import { status, type StatusObject } from '@grpc/grpc-js';
import {
  DatabaseError,
  InvalidInputError,
  InvalidNodeIdError,
  SatnotifyError,
  TemplateError,
  UnknownNodeError,
} from '../errors.js';

/** ApiError is a failure the API answers with a status of its own choosing (a bad token, a batch too big). */
export class ApiError extends Error {
  readonly code: status;
  constructor(code: status, message: string) {
    super(message);
    this.code = code;
  }
}

/** statusOf is the status a failed call answers with; `internal` says the caller's error was none of ours. */
export function statusOf(err: unknown): Pick<StatusObject, 'code' | 'details'> & { internal: boolean } {
  const is = (code: status, details: string): ReturnType<typeof statusOf> => ({ code, details, internal: false });
  if (err instanceof ApiError) return is(err.code, err.message);
  if (err instanceof InvalidInputError || err instanceof InvalidNodeIdError || err instanceof TemplateError)
    return is(status.INVALID_ARGUMENT, err.message);
  if (err instanceof UnknownNodeError) return is(status.NOT_FOUND, err.message);
  if (err instanceof DatabaseError)
    return is(status.UNAVAILABLE, `the store failed${err.retryable ? ' (the call may be made again)' : ''}`);
  if (err instanceof SatnotifyError) return is(status.FAILED_PRECONDITION, err.message);
  return { code: status.INTERNAL, details: 'internal error (the server logged it)', internal: true };
}
