/**
 * @module cli/show-config
 * `satnotify config`: the configuration in effect, in the input form (durations as written), every
 * password masked, so a user sees what a file or variable changed without reading code.
 */
import { mergeConfig, resolveConfig, type ConfigSources } from '../config.js';
import { redactSecrets } from '../redact.js';

/** showConfig validates the merged configuration (bad values fail, named) and returns it for printing. */
export function showConfig(o: { env: NodeJS.ProcessEnv; configFile?: string }): unknown {
  const sources: ConfigSources = { env: o.env, ...(o.configFile && { file: o.configFile }) };
  resolveConfig({}, sources);
  return redactSecrets(mergeConfig({}, sources));
}
