/**
 * A PreferenceStore in process memory: for unit tests.
 */
import type { PreferencesUpdate } from '../../src/preferences/preferences.js';
import type { PreferenceStore } from '../../src/preferences/store.js';

export class MemoryPreferenceStore implements PreferenceStore {
  readonly #stored = new Map<string, PreferencesUpdate>();
  readonly #erased = new Map<string, Date>();

  getMany(operators: readonly string[]): Promise<Map<string, PreferencesUpdate>> {
    return Promise.resolve(
      new Map(
        operators.flatMap((o) =>
          this.#stored.has(o) ? [[o, structuredClone(this.#stored.get(o) as PreferencesUpdate)] as const] : [],
        ),
      ),
    );
  }

  put(operator: string, prefs: PreferencesUpdate): Promise<void> {
    this.#stored.set(operator, structuredClone(prefs));
    return Promise.resolve();
  }

  erase(operator: string, at: Date): Promise<void> {
    this.#stored.delete(operator);
    this.#erased.set(operator, at);
    return Promise.resolve();
  }

  erasedAt(operator: string): Promise<Date | null> {
    return Promise.resolve(this.#erased.get(operator) ?? null);
  }
}
