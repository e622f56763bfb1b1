/**
 * @module satnotify/config
 * The configuration beyond resolveConfig: every default, the sources it merges (a JSON file,
 * `SATNOTIFY_…` variables), and URL redaction for printing.
 */
export { DEFAULTS, resolveConfig, readConfigFile, configFromEnv, redactUrl } from '../config.js';
export type { Config, ConfigSources, ResolvedConfig, Limit } from '../config.js';
