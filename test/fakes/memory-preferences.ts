/**
 * A PreferenceStore in process memory: for unit tests.
 */
import type { PreferencesUpdate } from '../../src/preferences/preferences.js';
import type { PreferenceStore } from '../../src/preferences/store.js';

export class MemoryPreferenceStore implements PreferenceStore {
  readonly #stored = new Map<string, PreferencesUpdate>();

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
}
