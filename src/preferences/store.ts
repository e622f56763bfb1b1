/**
 * @module preferences/store
 * The PreferenceStore seam: an operator's stored preferences (only what they changed), by address.
 */
import type { PreferencesUpdate } from './preferences.js';

/** PreferenceStore keeps each operator's own choices; absent keys fall back to the config defaults. */
export interface PreferenceStore {
  /** getMany reads the stored choices of several operators (lowercased addresses); missing ones are absent. */
  getMany(operators: readonly string[]): Promise<Map<string, PreferencesUpdate>>;
  /** put replaces an operator's stored choices. */
  put(operator: string, prefs: PreferencesUpdate): Promise<void>;
  /**
   * erase deletes an operator's stored choices and records, by a hash of the address (never the
   * address), that they were erased at `at`.
   */
  erase(operator: string, at: Date): Promise<void>;
  /** erasedAt is when the operator's data was last erased, or null. */
  erasedAt(operator: string): Promise<Date | null>;
}
