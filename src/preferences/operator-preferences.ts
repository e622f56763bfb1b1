/**
 * @module preferences/operator-preferences
 * `svc.preferences`: read and change an operator's preferences (their stored choices over the
 * config defaults), checked at the door and against the safety rule, and the verdict the
 * dispatcher asks for before it reserves any limit.
 */
import { EVENT_KINDS, REPORT_KIND, type EventKind } from '../kinds.js';
import type { PreferencesConfig } from './config.js';
import { InvalidInputError } from '../errors.js';
import { parseInput } from '../input/parse.js';
import { silenced, verdict, type Copy, type Rules, type Verdict } from './policy.js';
import {
  operatorKey,
  PREFERENCES,
  PREFERENCES_UPDATE,
  type Filter,
  type Preferences,
  type PreferencesUpdate,
  type ReportCadence,
} from './preferences.js';
import type { PreferenceStore } from './store.js';

/** How long the dispatcher reuses preferences it read: a change takes effect within this. */
const CACHE_MS = 2000;

/**
 * PreferenceSettings are what preferences are read against: the `preferences` section, the limits' zone (a new
 * operator's, unless set), and where the satellite routes each kind.
 */
export interface PreferenceSettings {
  preferences: PreferencesConfig;
  limits: { timezone: string };
  hooks: { channels: Readonly<Partial<Record<EventKind, readonly string[]>>> };
  reports: { operator: { cadence: ReportCadence } };
}

/** OperatorPreferences is `svc.preferences`. */
export class OperatorPreferences {
  readonly #store: PreferenceStore;
  readonly #config: PreferenceSettings;
  readonly #channels: readonly string[];
  /** Whether names are all the operator's own destinations (set when destinations are kept). */
  #owns: ((operator: string, names: readonly string[]) => Promise<boolean>) | undefined;
  readonly #rules: Rules;
  readonly #cache = new Map<string, { at: number; prefs: Preferences }>();

  /** `channels` are the instance names filters may name. */
  constructor(store: PreferenceStore, config: PreferenceSettings, channels: readonly string[]) {
    this.#store = store;
    this.#config = config;
    this.#channels = channels;
    const p = config.preferences;
    this.#rules = { critical: p.critical, urgent: p.urgent, urgentAuditDistance: p.urgentAuditDistance };
  }

  /** defaults are what an operator who changed nothing has: the config's template for new operators. */
  get defaults(): Preferences {
    const p = this.#config.preferences;
    return {
      timezone: p.timezone || this.#config.limits.timezone,
      language: p.language,
      quietHours: null,
      digest: p.digest,
      digestAt: p.digestAt,
      reports: this.#config.reports.operator.cadence,
      filters: p.filters,
    };
  }

  /** get is the operator's preferences in effect. */
  async get(operator: string): Promise<Preferences> {
    const key = operatorKey(operator);
    return this.#merge((await this.#store.getMany([key])).get(key));
  }

  /** stored is what the operator chose themselves, as kept (null: they changed nothing). */
  async stored(operator: string): Promise<PreferencesUpdate | null> {
    const key = operatorKey(operator);
    return (await this.#store.getMany([key])).get(key) ?? null;
  }

  /** erase forgets the operator's choices and records that they were erased (PreferenceStore.erase). */
  async erase(operator: string, at: Date): Promise<void> {
    const key = operatorKey(operator);
    await this.#store.erase(key, at);
    this.#cache.delete(key);
  }

  /** allowOwn lets filters name the operator's own destinations, as `owns` tells them. */
  allowOwn(owns: (operator: string, names: readonly string[]) => Promise<boolean>): void {
    this.#owns = owns;
  }

  /** erasedAt is when the operator's data was last erased, or null. */
  erasedAt(operator: string): Promise<Date | null> {
    return this.#store.erasedAt(operatorKey(operator));
  }

  /**
   * update changes some of an operator's preferences; `filters` replaces the lists of the instances
   * it names (an empty list turns an instance off). Throws InvalidInputError naming each bad field,
   * and when the result would silence a critical kind on every channel; then nothing changes.
   */
  async update(operator: string, change: unknown): Promise<Preferences> {
    const key = operatorKey(operator);
    const parsed = parseInput(PREFERENCES_UPDATE, change, 'preferences');
    let unknown = Object.keys(parsed.filters ?? {}).filter((c) => !this.#channels.includes(c));
    // Filters may also name the operator's own destinations.
    if (unknown.length > 0 && this.#owns && (await this.#owns(key, unknown))) unknown = [];
    if (unknown.length > 0)
      throw new InvalidInputError(
        unknown.map((c) => ({
          path: `preferences.filters.${c}`,
          message: `names no channel instance (there are: ${this.#channels.join(', ')})`,
        })),
      );
    const stored = (await this.#store.getMany([key])).get(key) ?? {};
    const next: PreferencesUpdate = { ...stored, ...parsed, filters: { ...stored.filters, ...parsed.filters } };
    const merged = this.#merge(next);
    const lost = silenced(merged, this.#config.hooks.channels, this.#rules.critical);
    if (lost.length > 0) {
      throw new InvalidInputError(
        lost.map((k) => ({
          path: 'preferences.filters',
          message: `${k} would reach you on no channel; it is critical, so keep it on at least one (move it, do not turn it off)`,
        })),
      );
    }
    await this.#store.put(key, next);
    this.#remember(key, merged);
    return merged;
  }

  /**
   * unsubscribe takes `kind` (`all`: every kind, for a digest) off `channel` for the operator, keeping
   * what the safety rule keeps; idempotent. It stores that this kind is off, not which kinds are on,
   * so a kind added in a later version still reaches them. Returns the kinds kept for safety.
   */
  async unsubscribe(operator: string, channel: string, kind: string): Promise<string[]> {
    const current = await this.get(operator);
    // A report's one-click unsubscribe ends the reports (they come on email only).
    if (kind === REPORT_KIND) {
      await this.update(operator, { reports: 'none' });
      return [];
    }
    const off = EVENT_KINDS.find((k) => k === kind);
    if (!off && kind !== 'all') return []; // a kind this version does not know: nothing of it to turn off
    const base = current.filters[channel] ?? [{}];
    let next: Filter[] = !off
      ? []
      : base
          .map((f) =>
            f.kinds
              ? { ...f, kinds: f.kinds.filter((k) => k !== off) }
              : { ...f, exceptKinds: [...new Set([...(f.exceptKinds ?? []), off])] },
          )
          .filter((f) => !f.kinds || f.kinds.length > 0);
    const trial = { ...current, filters: { ...current.filters, [channel]: next } };
    const kept = silenced(trial, this.#config.hooks.channels, this.#rules.critical);
    if (kept.length > 0) next = [...next, { kinds: EVENT_KINDS.filter((k) => kept.includes(k)) }];
    await this.update(operator, { filters: { [channel]: next } });
    return kept;
  }

  /** verdictFor applies the operator's preferences to one copy (the dispatcher, before any limit). */
  async verdictFor(operator: string | null, copy: Copy, now: Date): Promise<Verdict> {
    return verdict(operator ? await this.#cached(operator) : this.defaults, copy, now, this.#rules);
  }

  /** readerFor is how the operator reads: their language and zone (the defaults for a node without an operator). */
  async readerFor(operator: string | null): Promise<Pick<Preferences, 'language' | 'timezone'>> {
    const p = operator ? await this.#cached(operator) : this.defaults;
    return { language: p.language, timezone: p.timezone };
  }

  /**
   * inEffectFor is many operators' preferences in effect, read in batches and left out of the
   * dispatcher's cache (a reports run reads every operator; it would push out the ones in use).
   */
  async inEffectFor(operators: readonly string[]): Promise<Map<string, Preferences>> {
    const out = new Map<string, Preferences>();
    for (let i = 0; i < operators.length; i += 1000) {
      const batch = operators.slice(i, i + 1000);
      const stored = await this.#store.getMany(batch);
      for (const o of batch) out.set(o, this.#merge(stored.get(o)));
    }
    return out;
  }

  /** prefetch reads the preferences of every operator not cached, in one query (a dispatch pass's claimed items). */
  async prefetch(operators: Iterable<string | null>): Promise<void> {
    const now = Date.now();
    const missing = [...new Set(operators)].filter(
      (o): o is string => o !== null && !((this.#cache.get(o)?.at ?? -Infinity) > now - CACHE_MS),
    );
    if (missing.length === 0) return;
    const stored = await this.#store.getMany(missing);
    for (const o of missing) this.#remember(o, this.#merge(stored.get(o)));
  }

  async #cached(operator: string): Promise<Preferences> {
    const hit = this.#cache.get(operator);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.prefs;
    const prefs = await this.get(operator);
    this.#remember(operator, prefs);
    return prefs;
  }

  #remember(operator: string, prefs: Preferences): void {
    this.#cache.delete(operator); // re-inserted last: the map's order is its age
    this.#cache.set(operator, { at: Date.now(), prefs });
    if (this.#cache.size > 10_000) this.#cache.delete(this.#cache.keys().next().value as string);
  }

  #merge(stored: PreferencesUpdate | undefined): Preferences {
    const d = this.defaults;
    // Most operators never chose anything; their preferences are the defaults, checked once.
    if (!stored) return d;
    return PREFERENCES.parse({ ...d, ...stored, filters: { ...d.filters, ...stored?.filters } });
  }
}
