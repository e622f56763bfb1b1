/**
 * @module channels/registry
 * Which plugin a `plugin` name means: one registered in code, a built-in (loaded on first use, so an
 * unused plugin costs nothing), or an npm module exporting one.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidConfigError } from '../errors.js';
import type { z } from 'zod';
import type { ChannelPlugin } from './plugin.js';

const BUILT_IN: Readonly<Record<string, () => Promise<ChannelPlugin>>> = {
  email: async () => (await import('./email/plugin.js')).EMAIL_PLUGIN,
  nodelog: async () => (await import('./nodelog/plugin.js')).NODELOG_PLUGIN,
  webhook: async () => (await import('./webhook/plugin.js')).WEBHOOK_PLUGIN,
  irc: async () => (await import('./irc/plugin.js')).IRC_PLUGIN,
  mqtt: async () => (await import('./mqtt/plugin.js')).MQTT_PLUGIN,
};

/** BUILT_IN_PLUGINS are the plugins that ship with satnotify. */
export const BUILT_IN_PLUGINS: readonly string[] = Object.keys(BUILT_IN);

const registered = new Map<string, ChannelPlugin>();

/**
 * registerChannelPlugin makes `plugin` available by its name to every service created afterwards.
 * Throws InvalidConfigError for a malformed plugin or a name a built-in plugin has.
 */
export function registerChannelPlugin<P extends z.ZodType>(plugin: ChannelPlugin<P>): void {
  const problem = pluginProblem(plugin);
  if (problem) throw new InvalidConfigError([{ path: 'plugin', message: problem }]);
  if (plugin.name in BUILT_IN)
    throw new InvalidConfigError([
      { path: 'plugin.name', message: `${plugin.name} is a built-in plugin; register yours under another name` },
    ]);
  registered.set(plugin.name, plugin);
}

/**
 * loadChannelPlugin finds the plugin `name` for the instance at `path` (`channels.ops.plugin`):
 * registered, built in, or the default (or `plugin`) export of the npm module of that name,
 * resolved from satnotify's own location and then from the working directory.
 */
export async function loadChannelPlugin(name: string, path: string): Promise<ChannelPlugin> {
  const known = registered.get(name) ?? (await BUILT_IN[name]?.());
  if (known) return known;
  const mod = await importModule(name).catch((err: unknown) => {
    const message = isModuleNotFound(err)
      ? `no plugin ${JSON.stringify(name)}: not built in (${BUILT_IN_PLUGINS.join(', ')}), not registered, and no npm module of that name is installed (npm install ${name})`
      : `the module ${name} failed to load: ${(err as Error).message}`;
    throw new InvalidConfigError([{ path, message }], { cause: err });
  });
  const exported = mod.default ?? mod.plugin;
  const plugin = (exported as { default?: unknown } | undefined)?.default ?? exported; // a CommonJS module's exports arrive as default
  const problem = pluginProblem(plugin);
  if (problem)
    throw new InvalidConfigError([
      { path, message: `the module ${name} does not export a channel plugin as default or \`plugin\`: ${problem}` },
    ]);
  return plugin as ChannelPlugin;
}

async function importModule(name: string): Promise<Record<string, unknown>> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    // Not beside satnotify: try the application's own node_modules.
    const resolved = createRequire(join(process.cwd(), 'package.json')).resolve(name);
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  }
}

/**
 * isModuleNotFound tells an import (ESM or CommonJS) that found no such module, as opposed to one that failed while
 * loading.
 */
export function isModuleNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** pluginProblem says what is wrong with a would-be plugin, or nothing. */
function pluginProblem(p: unknown): string | undefined {
  if (typeof p !== 'object' || p === null) return 'must be an object with name, params and create';
  const o = p as Record<string, unknown>;
  if (typeof o['name'] !== 'string' || !/^[a-z0-9@][a-z0-9@/._-]{0,213}$/.test(o['name']))
    return 'name must be a lowercase name (letters, digits, @ / . _ -)';
  if (typeof (o['params'] as { safeParse?: unknown } | undefined)?.safeParse !== 'function')
    return 'params must be a zod schema';
  if (typeof o['create'] !== 'function') return 'create must be a function (params, context) => { send, close }';
  if (o['audience'] !== undefined && o['audience'] !== 'node' && o['audience'] !== 'operator')
    return "audience must be 'node' or 'operator'";
  return undefined;
}
