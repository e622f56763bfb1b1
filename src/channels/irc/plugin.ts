/**
 * @module channels/irc/plugin
 * The `irc` plugin: notifications as PRIVMSG lines to a channel it joins, or to a nick, over one
 * connection per instance that stays up (`irc-framework`, loaded only when an instance is configured).
 */
import { z } from 'zod';
import { DAY, duration, MINUTE, section } from '../../config-schema.js';
import type { ChannelPlugin, Notification } from '../plugin.js';
import { IrcConnection, RefusedError, UnconfirmedError } from './connection.js';
import { ircLines, NICK } from './lines.js';

// RFC 2812 channel names, as servers accept them.
// eslint-disable-next-line no-control-regex -- BEL is one of the characters a channel name may not hold
const CHANNEL = /^[#&][^\s,\u0007]{1,49}$/;

const IRC_PARAMS = section(
  {
    host: z.string().min(1).describe('IRC server host.'),
    port: z.number().int().min(1).max(65535).default(6667).describe('IRC server port.'),
    tls: z.boolean().default(false).describe('Connect with TLS.'),
    password: z
      .string()
      .optional()
      .describe('Server password (PASS), if the server needs one; give it as `{ "env": … }` or `{ "secret": … }`.'),
    nick: z
      .string()
      .regex(NICK, 'must be an IRC nickname (a letter or one of []\\`_^{|}, then up to 29 of those, digits or -)')
      .default('satnotify')
      .describe('Nickname; `_` is appended while it is taken.'),
    target: z
      .string()
      .refine((t) => CHANNEL.test(t) || NICK.test(t), 'must be a channel (#name) or a nickname')
      .describe('Where messages go: a channel (joined) or a nick.'),
    maxLines: z
      .number()
      .int()
      .min(2)
      .max(100)
      .default(20)
      .describe('Lines one message may take at most (a digest is cut, saying how many lines were left out).'),
    connectWait: duration(
      '10s',
      100,
      10 * MINUTE,
      'How long a message waits for the connection (and the join) before the attempt counts as failed and is retried',
    ),
    confirmWait: duration(
      '10s',
      100,
      10 * MINUTE,
      'How long to wait for the server to confirm the lines (PONG); then the attempt counts as unconfirmed',
    ),
    reconnectMax: duration('1m', 1000, DAY, 'The longest wait between reconnection attempts'),
  },
  'An IRC channel or nick.',
);

export const IRC_PLUGIN: ChannelPlugin<typeof IRC_PARAMS> = {
  name: 'irc',
  params: IRC_PARAMS,
  async create(params, context) {
    const irc = await context.importOptional('irc-framework', '4.14.0', () => import('irc-framework'));
    const connection = new IrcConnection(irc.Client, {
      connect: {
        host: params.host,
        port: params.port,
        tls: params.tls,
        nick: params.nick,
        username: params.nick,
        gecos: `satnotify for ${context.satellite.name}`,
        version: 'satnotify',
        auto_reconnect: false, // the connection reconnects itself, with no limit on attempts
        ...(params.password !== undefined && { password: params.password }),
      },
      target: params.target,
      reconnectMaxMs: params.reconnectMaxMs,
      logger: context.logger,
      instance: context.instance,
    });
    const where = `irc://${params.host}:${params.port}/${params.target}`;
    return {
      description: where,
      async send(n: Notification): Promise<void> {
        try {
          await connection.say(ircLines(n, params.maxLines), params.connectWaitMs, params.confirmWaitMs);
        } catch (err) {
          const ambiguous = err instanceof UnconfirmedError;
          throw context.fail(
            `${where}: ${(err as Error).message}`,
            { permanent: false, ambiguous, command: 'PRIVMSG' },
            { cause: err },
          );
        }
      },
      // An operator's own nick, privately: the nick is theirs to keep private, so no error names it.
      async sendTo(nick: string, n: Notification): Promise<void> {
        if (!NICK.test(nick)) throw context.fail('not an IRC nickname', { permanent: true, command: 'PRIVMSG' });
        try {
          await connection.say(ircLines(n, params.maxLines), params.connectWaitMs, params.confirmWaitMs, nick);
        } catch (err) {
          const refused = err instanceof RefusedError;
          throw context.fail(
            refused ? 'the server has no such nick now' : (err as Error).message,
            {
              permanent: refused,
              ambiguous: err instanceof UnconfirmedError,
              command: 'PRIVMSG',
              ...(refused && { responseCode: 401 }),
            },
            { cause: err },
          );
        }
      },
      close: () => connection.close(),
    };
  },
};
