/**
 * @module channels/email/plugin
 * The `email` plugin: a notification's email, rendered from its template and sent by SMTP (or as
 * `.eml` files). The built-in instance `email` uses it with the `smtp` and `mail` sections; more
 * instances can send through other servers.
 */
import { z } from 'zod';
import { SMTP_CONFIG } from '../../mailservice/config.js';
import { createSender } from '../../mailservice/create-sender.js';
import { MailService } from '../../mailservice/service.js';
import type { ChannelPlugin, ChannelSender, Notification, PluginContext } from '../plugin.js';

const EMAIL_PARAMS = z.strictObject({
  smtp: SMTP_CONFIG,
  outboxDir: z.string().min(1).default('.satnotify/outbox').describe('Where `.eml` files go when `smtp.url` is empty.'),
});

export const EMAIL_PLUGIN: ChannelPlugin<typeof EMAIL_PARAMS> = {
  name: 'email',
  params: EMAIL_PARAMS,
  audience: 'operator',
  async create(params, context) {
    const mail = new MailService({
      templates: context.templates,
      sender: createSender({ smtp: params.smtp, mail: { outboxDir: params.outboxDir } }, context.logger),
      from: params.smtp.from,
    });
    // A server that refuses our login or certificate refuses every message; say so now, not per message.
    const verified = mail.sender.verify();
    if (params.smtp.verifyOnStart) await verified;
    else
      verified.catch((err: unknown) =>
        context.logger.error(
          {
            channel: context.instance,
            mail: mail.sender.description,
            err: err instanceof Error ? err.message : String(err),
          },
          'the mail server failed verification; emails will fail until it is fixed',
        ),
      );
    return emailSender(mail, context);
  },
};

function emailSender(mail: MailService, context: PluginContext): ChannelSender {
  return {
    description: mail.sender.description,
    async send(n: Notification): Promise<void> {
      if (!n.email) throw context.fail('the notification has no email to send', { permanent: true });
      const headers: Record<string, string> = { 'X-Satnotify-Kind': n.kind };
      if (n.node) headers['X-Satnotify-Node'] = n.node.id;
      if (n.links) {
        // RFC 8058: one POST to this URL unsubscribes, with no login and no page in between.
        headers['List-Unsubscribe'] = `<${n.links.unsubscribe}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      const rendered = mail.render(n.email.template, n.email.data);
      await mail.sender.send(
        mail.compose(n.email.to, rendered, { messageId: mail.messageIdFor(n.id), date: n.sentAt, headers }),
      );
    },
    close: () => mail.close(),
  };
}
