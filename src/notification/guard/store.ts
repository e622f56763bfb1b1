/**
 * @module notification/guard/store
 * The GuardStore seam: the guard's one row (on or off, since when, why) and what turning it on or
 * off does to the outbox, each in one statement, so several satellite processes on one database
 * turn it on once, alert once and end it once.
 */
import type { NewItem } from '../outbox/outbox.js';
import type { GuardFigures } from './policy.js';

/** GuardRow is the guard's own row. */
export interface GuardRow {
  /** Since when the guard is on; null when off. */
  activeSince: Date | null;
  /** The satellite's own reason when it holds by hand (`svc.guard.hold`); null for a storm, or when off. */
  manual: string | null;
  /** When the guard last went off; null if never. */
  lastEnded: Date | null;
}

/** GuardReading is the guard's row with a fresh count. */
export interface GuardReading extends GuardRow, GuardFigures {}

/** ChannelKind names what one row was (for the metrics). */
export interface ChannelKind {
  channel: string;
  kind: string;
}

/** GuardEnd is what ending the guard did. */
export interface GuardEnd {
  /** Held notices of nodes that are back: suppressed (satellite-side outage). */
  suppressed: ChannelKind[];
  /** Held notices of nodes still down: due `offlineAfter` after the end, sent if still offline then. */
  waiting: number;
}

/** EndOptions: the guard to end (the one read; null: whichever is on), its kinds and window. */
export interface EndOptions {
  seen: Date | null;
  kinds: readonly string[];
  windowMs: number;
}

/** GuardStore keeps the guard's state and moves what it holds. */
export interface GuardStore {
  /** row reads the guard's row alone (no count). */
  row(): Promise<GuardRow>;
  /**
   * read counts the nodes checked within the window before `now`, and those gone offline since the
   * window before `now` (or, while the guard is on, before it began).
   */
  read(now: Date, windowMs: number): Promise<GuardReading>;
  /**
   * begin turns the guard on, unless it is, with `alert` (if any) recorded in the same statement;
   * resolves true if this call turned it on.
   */
  begin(at: Date, figures: GuardFigures, manual: string | null, alert: NewItem | null): Promise<boolean>;
  /** holdByHand marks an active guard as the satellite's own, with its reason (unless it already was): only release() ends it. */
  holdByHand(reason: string): Promise<void>;
  /**
   * hold marks the storm's open, unleased rows of `kinds` (pending, or held by a limit; recorded
   * since the window before `since`) held with `reason` until `until`, if the guard is still the
   * one on since `since`; returns the rows newly held.
   */
  hold(kinds: readonly string[], reason: string, until: Date, since: Date, windowMs: number): Promise<ChannelKind[]>;
  /**
   * end turns the guard off (only the one on since `seen` and not held by hand, when given): what
   * it held (and its storm's news not yet held) of nodes that are back ends suppressed, the rest
   * waits until `due` with `reason`; null when it was off already, or not the one seen.
   */
  end(at: Date, due: Date, reason: string, options: EndOptions): Promise<GuardEnd | null>;
  /** sweep moves, as end did, anything still held by the guard while it is off (a hold that raced its end). */
  sweep(due: Date, reason: string, options: EndOptions): Promise<GuardEnd>;
  /**
   * cameBack suppresses what the guard holds (or held past its end) of a node that is back, and
   * says whether the guard held this outage's news (suppressed now, or before, since `since`).
   */
  cameBack(nodeId: string, since: Date): Promise<{ suppressed: ChannelKind[]; held: boolean }>;
}
