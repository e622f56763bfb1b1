/**
 * @module mailservice/template-data
 * What data each shipped template takes from its caller, declared once as a schema: fields are
 * typed and bounded, unknown fields are refused (so typos and 20 MB blobs never reach the outbox),
 * and every missing or ill-typed field is listed at once. The fields satnotify fills itself
 * (satellite, node, recipient, times) are not the caller's to set. Templates from a custom folder
 * have no schema; their data is checked for JSON safety and size only.
 */
import { z } from 'zod';
import { DISQUALIFICATION_REASONS } from '../kinds.js';
import { InvalidInputError } from '../errors.js';
import { parseInput } from '../input/parse.js';
import { lines, oneLine, textProblem } from '../input/text.js';
import { semverVersion } from '../input/version.js';

/** BUILT_IN_FIELDS are filled by satnotify for every email; caller data may not set them. */
export const BUILT_IN_FIELDS = [
  'satellite',
  'recipient',
  'timezone',
  'locale',
  'node',
  'occurredAt',
  'links',
  'preheader',
  'kind',
  's',
  'm',
  'd',
] as const;

/** The most a caller's template data may weigh, as JSON. */
export const MAX_DATA_BYTES = 64 * 1024;
/** How deep caller data may nest (for templates without a schema). */
const MAX_DEPTH = 16;

const instant = oneLine(100).describe(
  "a time: an ISO 8601 instant (2024-05-01T08:04:00Z, shown in the reader's zone and language), or text shown as given",
);
const span = z
  .union([
    z
      .number()
      .int()
      .min(0)
      .max(10 * 365 * 86_400_000),
    oneLine(100),
  ])
  .describe("a length of time: milliseconds (shown in the reader's language, e.g. 37 minutes), or text shown as given");
const decimal = z
  .union([z.number().finite().transform(String), z.string().regex(/^-?\d+(\.\d+)?$/)], {
    error: 'must be a decimal number such as 0.962 (a number or a string)',
  })
  .describe('a decimal number (string or number), e.g. 0.962');

/**
 * TEMPLATE_DATA maps each kind to the schema of its data (what a hook builds, or a caller sends with informNodeEmail).
 */
/** What a reminder of a suspension carries (`hooks.reminders`). */
const SUSPENSION_REMINDER = {
  reminder: z
    .number()
    .int()
    .min(1)
    .max(10)
    .describe('which reminder of a suspension still in force this is')
    .optional(),
  remindersLeft: z.number().int().min(0).max(10).describe('how many more reminders will follow').optional(),
  suspendedSince: instant.describe('when the node was suspended (a reminder)').optional(),
  suspendedFor: span.describe('how long it has been suspended (a reminder)').optional(),
};

export const TEMPLATE_DATA: Readonly<Record<string, z.ZodType<Record<string, unknown>>>> = {
  'node-offline': z.strictObject({
    lastContact: instant.describe('the last successful contact').optional(),
    onlineScore: decimal.describe('the online score now, 0..1, when the satellite knows it').optional(),
    reminder: z.number().int().min(1).max(10).describe('which reminder of a node still offline this is').optional(),
    remindersLeft: z.number().int().min(0).max(10).describe('how many more reminders will follow').optional(),
    offlineSince: instant.describe('when the node went offline (a reminder)').optional(),
    offlineFor: span.describe('how long it has been offline (a reminder)').optional(),
  }),
  'node-online': z.strictObject({
    offlineSince: instant.describe('when the node went offline'),
    offlineFor: span.describe('how long it was offline'),
    onlineScore: decimal.describe('the online score now, 0..1, when the satellite knows it').optional(),
  }),
  'node-flapping': z.strictObject({
    changes: oneLine(10).describe('how many offline/online changes'),
    window: span.describe('within how long'),
    quietFor: span.describe('how long the node must hold one state before changes are told again'),
    onlineScore: decimal.describe('the online score now, 0..1, when the satellite knows it').optional(),
  }),
  'audit-failed': z.strictObject({
    score: decimal.describe('audit score, 0..1'),
    threshold: decimal.describe('disqualification threshold, 0..1'),
    distance: decimal.describe('score minus threshold'),
  }),
  'containment-entered': z.strictObject({
    score: decimal.describe('the audit score, 0..1, when the satellite passes it').optional(),
    threshold: decimal
      .describe('the disqualification threshold, 0..1 (default: reputation.auditDisqualificationBelow)')
      .optional(),
  }),
  'containment-released': z.strictObject({}),
  disqualified: z.strictObject({
    reasonCode: z
      .enum(DISQUALIFICATION_REASONS)
      .describe('why, as a code worded in every language: audit-score, unknown-audit, offline')
      .optional(),
    reason: oneLine(500, 0).describe("why, in the satellite's own words (shown as given); empty: not said").optional(),
    score: decimal.describe('the score the reason is about (audit, unknown-audit or online), 0..1').optional(),
  }),
  'version-outdated': z.strictObject({
    version: semverVersion.describe("the node's version"),
    minimum: semverVersion.describe('the minimum version allowed'),
    latest: semverVersion.describe('the latest release').optional(),
    deadline: instant.describe('from when a node below the minimum gets no new data').optional(),
  }),
  'offline-suspended': z.strictObject({
    onlineScore: decimal.describe('the online score, 0..1').optional(),
    ...SUSPENSION_REMINDER,
  }),
  'offline-unsuspended': z.strictObject({ onlineScore: decimal.describe('the online score, 0..1').optional() }),
  'unknown-audit-suspended': z.strictObject({
    unknownScore: decimal.describe('the unknown-audit score, 0..1').optional(),
    ...SUSPENSION_REMINDER,
  }),
  'unknown-audit-unsuspended': z.strictObject({
    unknownScore: decimal.describe('the unknown-audit score, 0..1').optional(),
  }),
  'audit-degrading': z.strictObject({
    measure: z
      .enum(['audit', 'unknown-audit'])
      .describe('which score: the audit score (disqualification) or the unknown-audit score (suspension)'),
    score: decimal.describe('the score now, 0..1'),
    previous: decimal.describe('the report before, 0..1').optional(),
    threshold: decimal.describe(
      'the bar below which the node is disqualified (audit) or suspended (unknown-audit), 0..1',
    ),
    distance: decimal.describe('score minus threshold'),
  }),
  'online-degrading': z.strictObject({
    measure: z.literal('online').describe('the online score').optional(),
    score: decimal.describe('the online score now, 0..1'),
    previous: decimal.describe('the report before, 0..1').optional(),
    threshold: decimal.describe('the suspension bar, 0..1'),
    distance: decimal.describe('score minus threshold'),
  }),
  'node-welcome': z.strictObject({}),
  'node-vetted': z.strictObject({}),
  announcement: z.strictObject({
    title: oneLine(200).describe('one-line headline'),
    paragraphs: z.array(lines(4000)).min(1).max(20).describe('1-20 paragraphs of text'),
    action: lines(1000).describe('what the operator should do'),
  }),
};

/** Templates only satnotify itself renders (a digest is built from held notifications). */
export const INTERNAL_TEMPLATES: ReadonlySet<string> = new Set(['digest']);

/**
 * parseTemplateData checks a caller's data for `template`: refuses built-in fields, applies the
 * template's schema when it has one, and bounds size and shape either way. Throws InvalidInputError.
 */
export function parseTemplateData(template: string, data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InvalidInputError('data', 'must be an object');
  const builtIn = BUILT_IN_FIELDS.filter((f) => Object.hasOwn(data, f));
  if (builtIn.length > 0)
    throw new InvalidInputError(
      builtIn.map((f) => ({ path: `data.${f}`, message: 'is filled by satnotify and cannot be set by the caller' })),
    );
  const schema = TEMPLATE_DATA[template];
  if (schema) return parseInput(schema, data, 'data');
  assertJsonSafe(data, 'data');
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > MAX_DATA_BYTES)
    throw new InvalidInputError('data', `is ${bytes} bytes as JSON (at most ${MAX_DATA_BYTES})`);
  return data as Record<string, unknown>;
}

/**
 * assertJsonSafe checks any template data before a render: no cycles, bounded depth, nothing JSON
 * cannot carry, and every string and key valid text. The render of a custom template and a digest
 * go through it too, so no input can overflow the stack or put a NUL into the outbox.
 */
export function assertJsonSafe(data: unknown, path: string): void {
  // Every rendered email's data passes here, so the common walk keeps no set of what it has seen:
  // a cycle shows up as nesting too deep, and only then is the data walked again to tell which.
  let problem = shapeProblem(data, 0, undefined);
  if (problem?.why === TOO_DEEP) problem = shapeProblem(data, 0, new Set());
  if (problem) throw new InvalidInputError(`${path}${problem.at}`, problem.why);
}

const TOO_DEEP = `nests deeper than ${MAX_DEPTH} levels`;

/**
 * Object keys seen to be valid text. Template data repeats the same few dozen keys on every
 * render; remembering them saves a fifth of the walk. Bounded, so odd data cannot grow it.
 */
const KNOWN_KEYS = new Set<string>();
const MAX_KNOWN_KEYS = 4096;

/**
 * shapeProblem finds what JSON cannot carry or an email should not: depth, BigInt, functions, bad
 * strings, and, given `seen`, cycles.
 */
function shapeProblem(
  v: unknown,
  depth: number,
  seen: Set<object> | undefined,
): { at: string; why: string } | undefined {
  if (typeof v === 'string') {
    const why = textProblem(v, { lines: true, max: 20_000 });
    return why ? { at: '', why } : undefined;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : { at: '', why: 'must be a finite number' };
  if (typeof v === 'boolean' || v === null) return undefined;
  if (typeof v !== 'object') return { at: '', why: `cannot be a ${typeof v}` };
  if (seen?.has(v)) return { at: '', why: 'refers to itself (a cycle)' };
  if (depth >= MAX_DEPTH) return { at: '', why: TOO_DEEP };
  seen?.add(v);
  // No paths are built until a problem is found.
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const inner = shapeProblem(v[i], depth + 1, seen);
      if (inner) return { at: `[${i}]${inner.at}`, why: inner.why };
    }
  } else {
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (!KNOWN_KEYS.has(k)) {
        const keyProblem = textProblem(k, { lines: false, max: 100 });
        if (keyProblem) return { at: '', why: `has a key that ${keyProblem}` };
        if (KNOWN_KEYS.size < MAX_KNOWN_KEYS) KNOWN_KEYS.add(k);
      }
      const inner = shapeProblem((v as Record<string, unknown>)[k], depth + 1, seen);
      if (inner) return { at: `.${k}${inner.at}`, why: inner.why };
    }
  }
  seen?.delete(v);
  return undefined;
}
