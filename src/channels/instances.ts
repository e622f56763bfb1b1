/**
 * @module channels/instances
 * The channel instances of one service: the built-in `email` and `log`, and every one in `channels`,
 * each a plugin created with its own params (secrets filled in), limits and audience.
 */
import type { Limit } from '../config-schema.js';
import { DeliveryError, InvalidConfigError, type ConfigIssue } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MailConfig, SmtpConfig } from '../mailservice/config.js';
import type { TemplateSet } from '../mailservice/templates.js';
import type { SatelliteConfig } from '../satellite.js';
import type { ChannelsConfig } from './config.js';
import type { NodeLogConfig } from './nodelog/config.js';
import { redactSecrets } from '../redact.js';
import type { NodeLogClient } from './nodelog/client.js';
import { nodeLogSender } from './nodelog/plugin.js';
import type { Audience, ChannelPlugin, ChannelSender, PluginContext } from './plugin.js';
import { isModuleNotFound, loadChannelPlugin } from './registry.js';
import { fillSecrets, type Secrets } from '../secrets.js';

/** ChannelInstance is one named channel: its plugin's sender, its audience and its per-node limits. */
export interface ChannelInstance {
  name: string;
  plugin: string;
  audience: Audience;
  limits: Limit;
  sender: ChannelSender;
}

/**
 * OwnInstances are channel instances that are not in config: the destinations operators add of
 * their own, each an instance named by its id, made when first asked for.
 */
export interface OwnInstances {
  /** instanceFor is the instance `name` names, or undefined when it names none of these. */
  instanceFor(name: string): ChannelInstance | undefined;
}

/** ChannelSet holds a service's channel instances by name. */
export class ChannelSet {
  readonly #byName: ReadonlyMap<string, ChannelInstance>;
  #own: OwnInstances | undefined;

  constructor(instances: readonly ChannelInstance[]) {
    this.#byName = new Map(instances.map((i) => [i.name, i]));
  }

  /** addOwn adds the operators' own instances (their destinations), which `names` does not list. */
  addOwn(own: OwnInstances): void {
    this.#own = own;
  }

  /** names lists the instances, built-in ones first. */
  get names(): string[] {
    return [...this.#byName.keys()];
  }

  /**
   * get is the instance `name`: a configured one (config validation guarantees hooks only name
   * existing ones) or an operator's own destination.
   */
  get(name: string): ChannelInstance {
    const i = this.#byName.get(name) ?? this.#own?.instanceFor(name);
    if (!i) throw new Error(`no channel instance ${JSON.stringify(name)}`);
    return i;
  }

  /** close closes every instance, all of them even when one fails; the first failure is rethrown. */
  async close(): Promise<void> {
    const results = await Promise.allSettled([...this.#byName.values()].map((i) => i.sender.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/**
 * ChannelSettings are the sections instances are made from: the built-in two's own, the configured ones, their limits
 * and secrets.
 */
export interface ChannelSettings {
  satellite: SatelliteConfig;
  limits: { timezone: string; email: Limit; log: Limit; default: Limit };
  smtp: SmtpConfig;
  mail: Pick<MailConfig, 'outboxDir'>;
  nodeLog: NodeLogConfig;
  channels: ChannelsConfig;
}

/** OpenChannelsOptions are what instances are built with besides config. */
export interface OpenChannelsOptions {
  templates: TemplateSet;
  logger: Logger;
  /** Where `{ env }` and `{ secret }` values come from (the environment, `secretsFile`). */
  secrets: Secrets;
  /** Replaces the built-in `log` instance's gRPC client (e.g. one with a private CA). */
  nodeLogClient?: NodeLogClient;
}

/**
 * openChannels creates every instance. A plugin that cannot be found or loaded, params its schema
 * refuses, a secret that names nothing or an unsafe secrets file: InvalidConfigError naming the
 * key. If any instance fails, those already created are closed before the error leaves.
 */
export async function openChannels(config: ChannelSettings, options: OpenChannelsOptions): Promise<ChannelSet> {
  const opened: ChannelInstance[] = [];
  const context = (instance: string): PluginContext => ({
    instance,
    satellite: { id: config.satellite.id, name: config.satellite.name },
    timezone: config.limits.timezone,
    logger: options.logger,
    templates: options.templates,
    importOptional: (pkg, version, load) => importOptional(pkg, version, load, `channels.${instance}.plugin`),
    fail: (message, failure, o) => new DeliveryError({ ...failure, channel: instance }, message, o),
  });
  try {
    const email = await loadChannelPlugin('email', 'channels.email.plugin');
    opened.push({
      name: 'email',
      plugin: 'email',
      audience: 'operator',
      limits: config.limits.email,
      sender: await email.create(
        { smtp: fillSecrets(config.smtp, 'smtp', options.secrets) as SmtpConfig, outboxDir: config.mail.outboxDir },
        context('email'),
      ),
    });
    const log = options.nodeLogClient
      ? nodeLogSender(options.nodeLogClient, config.satellite.id, 'log')
      : await (await loadChannelPlugin('nodelog', 'channels.log.plugin')).create(config.nodeLog, context('log'));
    opened.push({ name: 'log', plugin: 'nodelog', audience: 'node', limits: config.limits.log, sender: log });
    for (const [name, spec] of Object.entries(config.channels)) {
      const plugin = await loadChannelPlugin(spec.plugin, `channels.${name}.plugin`);
      const params = checkParams(
        plugin,
        fillSecrets(spec.params, `channels.${name}.params`, options.secrets),
        spec.params,
        `channels.${name}.params`,
      );
      const sender = await plugin.create(params, context(name));
      opened.push({
        name,
        plugin: plugin.name,
        audience: plugin.audience ?? 'node',
        limits: spec.limits ?? config.limits.default,
        sender,
      });
    }
  } catch (err) {
    await Promise.allSettled(opened.map((i) => i.sender.close()));
    throw err;
  }
  return new ChannelSet(opened);
}

/**
 * checkParams parses filled-in params with the plugin's schema; issues quote the params as written (references, not
 * secrets).
 */
function checkParams(
  plugin: ChannelPlugin,
  filled: Record<string, unknown>,
  written: Record<string, unknown>,
  where: string,
): unknown {
  const parsed = plugin.params.safeParse(filled);
  if (parsed.success) return parsed.data;
  const issues: ConfigIssue[] = parsed.error.issues.map((i) => {
    const path = i.path.map(String);
    const value = path.reduce<unknown>(
      (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
      written,
    );
    return {
      path: [where, ...path].join('.'),
      message: i.code === 'unrecognized_keys' ? `unknown keys ${i.keys.join(', ')}` : i.message,
      value: redactSecrets(value, path.at(-1)),
    };
  });
  throw new InvalidConfigError(issues);
}

/** importOptional loads a plugin's optional package, or says which `npm install` it needs. */
async function importOptional<T>(pkg: string, version: string, load: () => Promise<T>, path: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (isModuleNotFound(err) && String((err as Error).message).includes(pkg)) {
      throw new InvalidConfigError(
        [{ path, message: `needs the optional package ${pkg}, which is not installed: npm install ${pkg}@${version}` }],
        { cause: err },
      );
    }
    throw err;
  }
}
