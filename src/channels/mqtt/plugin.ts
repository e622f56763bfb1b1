/**
 * @module channels/mqtt/plugin
 * The `mqtt` plugin: each notification published once at QoS 1 as JSON to
 * `<topicPrefix>/<satellite>/<nodeId>/<kind>`, so a Home Assistant-style consumer can subscribe to
 * one node, one kind, or everything (`satnotify/#`). The `mqtt` package is loaded only when an
 * instance is configured.
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import { duration, MINUTE, section } from '../../config-schema.js';
import type { DeliveryError } from '../../errors.js';
import { redactUrl } from '../../redact.js';
import { notificationJson, type ChannelPlugin, type Notification } from '../plugin.js';

const MQTT_PARAMS = section(
  {
    url: z
      .string()
      .refine(
        (u) => URL.canParse(u) && ['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(new URL(u).protocol),
        'must be a URL starting with mqtt://, mqtts://, ws:// or wss://',
      )
      .describe('The broker.'),
    topicPrefix: z
      .string()
      .regex(/^[^#+]{1,200}$/, 'must be 1–200 characters without # or +')
      .refine((p) => !p.includes('\u0000'), 'must not hold a NUL character')
      .default('satnotify')
      .describe('The first topic levels; messages go to `<topicPrefix>/<satellite>/<nodeId>/<kind>`.'),
    username: z.string().optional().describe('Broker login.'),
    password: z.string().optional().describe('Broker password; give it as `{ "env": … }` or `{ "secret": … }`.'),
    retain: z
      .boolean()
      .default(false)
      .describe('Publish with the retain flag, so a new subscriber sees the latest message per topic.'),
    connectWait: duration(
      '10s',
      100,
      10 * MINUTE,
      'How long a message waits for the broker connection before the attempt counts as failed and is retried',
    ),
    confirmWait: duration(
      '10s',
      100,
      10 * MINUTE,
      'How long to wait for the broker to acknowledge (PUBACK); then the attempt counts as unconfirmed',
    ),
  },
  'An MQTT broker.',
);

export const MQTT_PLUGIN: ChannelPlugin<typeof MQTT_PARAMS> = {
  name: 'mqtt',
  params: MQTT_PARAMS,
  async create(params, context) {
    const mqtt = await context.importOptional('mqtt', '5.16.0', () => import('mqtt'));
    const where = redactUrl(params.url);
    const client = mqtt.connect(params.url, {
      clientId: `satnotify-${topicLevel(context.instance)}-${randomBytes(4).toString('hex')}`,
      reconnectPeriod: 1000,
      connectTimeout: params.connectWaitMs,
      ...(params.username !== undefined && { username: params.username }),
      ...(params.password !== undefined && { password: params.password }),
    });
    // Connection trouble is reported per message; logged here once per change, without the URL's password.
    client.on('error', (err) =>
      context.logger.warn(
        { channel: context.instance, broker: where, err: redactUrl(err.message) },
        'mqtt connection error',
      ),
    );
    const fail = (why: string, ambiguous: boolean): DeliveryError =>
      context.fail(`${where}: ${why}`, { permanent: false, ambiguous, command: 'PUBLISH' });
    const satelliteTopic = `${params.topicPrefix}/${topicLevel(context.satellite.name)}`;
    return {
      description: `mqtt ${where}`,
      async send(n: Notification): Promise<void> {
        // Connected is the usual case: no promise to wait for then.
        if (!client.connected && !(await connected(client, params.connectWaitMs)))
          throw fail(`not connected to the broker within ${params.connectWaitMs} ms`, false);
        const topic = `${satelliteTopic}/${n.node ? n.node.id : 'all'}/${topicLevel(n.kind)}`;
        await publishConfirmed(
          client,
          topic,
          JSON.stringify(notificationJson(n)),
          params.retain,
          params.confirmWaitMs,
        ).catch((err: unknown) => {
          throw fail((err as Error).message, true);
        });
      },
      async close(): Promise<void> {
        await client.endAsync();
      },
    };
  },
};

/** topicLevel makes a name safe as one topic level: no separators or wildcards. */
function topicLevel(name: string): string {
  return name.replace(/[/#+]/g, '_').replaceAll('\u0000', '_') || '_';
}

/** connected resolves true once the client, not connected now, connects, or false after `waitMs`. */
function connected(client: MqttClient, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const on = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      client.off('connect', on);
      resolve(false);
    }, waitMs);
    client.once('connect', on);
  });
}

/**
 * publishConfirmed publishes at QoS 1 and resolves on the broker's PUBACK. When none comes in time,
 * the message is taken out of the client's store, so the client does not resend it later on its own
 * while the dispatcher retries it: one notification, one copy in flight.
 */
function publishConfirmed(
  client: MqttClient,
  topic: string,
  payload: string,
  retain: boolean,
  waitMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const pending = Object.entries(client.outgoing).find(([, o]) => o.cb === done);
      if (pending) client.removeOutgoingMessage(Number(pending[0]));
      reject(new Error(`the broker did not acknowledge within ${waitMs} ms`));
    }, waitMs);
    function done(err?: Error): void {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    }
    client.publish(topic, payload, { qos: 1, retain }, done);
  });
}
