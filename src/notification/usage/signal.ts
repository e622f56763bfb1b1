/**
 * @module notification/usage/signal
 * What the satellite reports of a node's usage (Tahoe-LAFS #1281's "aggregate usage"): the data it
 * stores and has free now, and the traffic since the last report; checked at the door, and the
 * calendar day in the satellite's zone it counts for. Pure.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';

/** Bytes as a whole, non-negative number a double holds exactly (up to 9 PB). */
const bytes = z
  .number()
  .int('must be a whole number of bytes')
  .min(0, 'must be ≥ 0')
  .max(Number.MAX_SAFE_INTEGER, 'must be at most 2^53 - 1 bytes');

/** USAGE is a usage report: stored (and free) now, egress and ingress since the last report. */
export const USAGE = z.strictObject({
  storedBytes: bytes,
  freeBytes: bytes.optional(),
  egressBytes: bytes.optional(),
  ingressBytes: bytes.optional(),
  at: z
    .union([
      z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid Date'),
      z.iso.datetime({ offset: true }).transform((t) => new Date(t)),
    ])
    .optional(),
});
export type UsageSignal = z.input<typeof USAGE>;

/** UsageDay is one node's day as kept: the last stored and free values of the day, the day's summed traffic. */
export interface UsageDay {
  /** The node, hex. */
  nodeId: string;
  /** The calendar day in the satellite's zone, YYYY-MM-DD. */
  day: string;
  storedBytes: number;
  freeBytes: number | null;
  egressBytes: number;
  ingressBytes: number;
  /** The latest report the day holds. */
  reportedAt: Date;
}

/** dayOf is the calendar day `at` falls on in `zone`, as YYYY-MM-DD. */
export function dayOf(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate() as string;
}
