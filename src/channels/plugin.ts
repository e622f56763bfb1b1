/**
 * @module channels/plugin
 * The channel plugin seam (Tahoe-LAFS #1281's INotificationChannel): what a plugin declares, what
 * it is given, and the one content model every plugin renders from. A plugin never decides whether
 * to send (limits, digests, retries are the notification core's); it only delivers, or says why not.
 */
import type { z } from 'zod';
import type { DeliveryError, DeliveryFailure } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TemplateSet } from '../mailservice/templates.js';
import type { LogLevel } from '../kinds.js';

/**
 * Audience says who one copy of a notification is for, which decides how copies are grouped into
 * digests and which limits apply: `node` (one copy per node, limited per node: the node log, a
 * webhook, IRC, MQTT) or `operator` (one copy per operator address, limited per node and per
 * address, and it needs the node's email: the email plugin).
 */
export type Audience = 'node' | 'operator';

/** Fact is one value a notification reports (an audit score, a version), for channels that show fields. */
export type Fact = string | number | boolean;

/**
 * Message is the content of one notification, worded for its reader: the same for every channel,
 * rendered by each plugin in its own way. Plain text throughout; `email` is there only for
 * operator-audience copies.
 */
export interface Message {
  level: LogLevel;
  /** One line, e.g. "Node offline". */
  title: string;
  /** Plain text: what happened, then what to do; lines separated by `\n`. */
  text: string;
  /** The node it is about; null for a digest spanning several nodes. */
  node: { id: string; address: string } | null;
  /** Named values behind the text (score, threshold, version …). */
  facts: Record<string, Fact>;
  /** What the operator should do, one step per entry. */
  actions: string[];
  /** A digest's size: the notifications it folds, and how many nodes they are about. */
  digest?: { count: number; nodes: number };
  /** The email an operator-audience plugin renders: recipient, template and its data. */
  email?: { to: string; template: string; data: Record<string, unknown> };
  /** The operator's one-click unsubscribe (RFC 8058) and preferences links, when the web part is set up. */
  links?: { unsubscribe: string; preferences: string; snooze?: string };
}

/** Notification is what `send` gets: the message and where it stands among the others. */
export interface Notification extends Message {
  /** Stable across retries: the idempotency key a receiver may deduplicate on. */
  id: string;
  /** The channel instance sending it (`email`, `log`, or a configured name). */
  channel: string;
  /** The event kind (`node-offline` …), `digest`, or the template of a caller's email. */
  kind: string;
  satellite: { id: string; name: string };
  occurredAt: Date;
  createdAt: Date;
  /**
   * When this attempt leaves (the service's clock): the time a message that carries one says it was
   * sent (an email's Date header, MQTT's `sentAt`). A retry leaves with a later one.
   */
  sentAt: Date;
}

/** ChannelSender is one running instance of a plugin: its own destination and credentials. */
export interface ChannelSender {
  /** Where it sends, without secrets: for logs and the CLI. */
  readonly description: string;
  /**
   * send delivers one notification, resolving once the receiver accepted it. Failures are
   * DeliveryError: `permanent` when a retry cannot help, `ambiguous` when it may have arrived
   * unconfirmed, `retryAfterMs` when the receiver asked for a pause.
   */
  send(notification: Notification): Promise<void>;
  /**
   * sendTo, where a plugin offers it, delivers to someone other than the instance's own target over
   * the instance's connection: an IRC instance's private message to an operator's nick (their own
   * destination). A recipient the server does not know is a permanent DeliveryError.
   */
  sendTo?(recipient: string, notification: Notification): Promise<void>;
  /** close waits for sends in flight, then releases connections. */
  close(): Promise<void>;
}

/** PluginContext is what the core gives a plugin instance besides its params. */
export interface PluginContext {
  /** The instance's name in config. */
  instance: string;
  satellite: { id: string; name: string };
  /** The zone operators' times are shown in. */
  timezone: string;
  logger: Logger;
  /** The email templates, for plugins that render emails. */
  templates: TemplateSet;
  /**
   * importOptional loads an optional package the plugin needs, or throws an InvalidConfigError
   * naming the `npm install` to run; plugins load their libraries with it, so the core stays small.
   */
  importOptional<T>(pkg: string, version: string, load: () => Promise<T>): Promise<T>;
  /**
   * fail makes the DeliveryError `send` rejects with, naming this instance; a plugin need not
   * import satnotify for it (and cannot get a second copy of the class that the core does not know).
   */
  fail(message: string, failure: Omit<DeliveryFailure, 'channel'>, options?: { cause?: unknown }): DeliveryError;
}

/** ChannelPlugin is a kind of channel; config makes instances of it (`channels.<name>.plugin`). */
export interface ChannelPlugin<P extends z.ZodType = z.ZodType> {
  /** The name config uses (`plugin: 'webhook'`). */
  readonly name: string;
  /** Checks an instance's params (after `{ env }` and `{ secret }` values are filled in). */
  readonly params: P;
  /** Default `node`. */
  readonly audience?: Audience;
  create(params: z.output<P>, context: PluginContext): ChannelSender | Promise<ChannelSender>;
}

/**
 * notificationJson is a notification as JSON fields, for channels that carry JSON (webhook, MQTT); no email address in
 * it.
 */
export function notificationJson(n: Notification): Record<string, unknown> {
  return {
    id: n.id,
    satellite: n.satellite.name,
    nodeId: n.node?.id ?? null,
    address: n.node?.address ?? null,
    kind: n.kind,
    level: n.level,
    title: n.title,
    text: n.text,
    facts: n.facts,
    actions: n.actions,
    occurredAt: n.occurredAt.toISOString(),
    sentAt: n.sentAt.toISOString(),
    ...(n.digest && { digest: n.digest }),
  };
}
