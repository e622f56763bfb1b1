/**
 * @module cli/send-test
 * `satnotify send-test --to ADDRESS`: one sample announcement through the configured sender, to
 * check SMTP settings (or see the `.eml` the file sender writes) before a satellite relies on them.
 */
import { resolveConfig } from '../config.js';
import { createSender } from '../mailservice/create-sender.js';
import { MailService } from '../mailservice/service.js';
import { TemplateSet } from '../mailservice/templates.js';
import { contentFor } from '../notification/content/content.js';
import { SAMPLE_NODE } from '../notification/digest/sample-day.js';

/** sendTest sends the sample and returns the line to print: the Message-ID, where it went, the reply. */
export async function sendTest(to: string, o: { env: NodeJS.ProcessEnv; configFile?: string }): Promise<string> {
  const config = resolveConfig({}, { env: o.env, ...(o.configFile && { file: o.configFile }) });
  const templates = TemplateSet.load(config.mail.templatesDir || undefined);
  const mail = new MailService({ templates, sender: createSender(config), from: config.smtp.from });
  try {
    const content = contentFor(templates, config);
    const e = content.emailFor(
      'announcement',
      { ...templates.sample('announcement'), title: 'satnotify test message' },
      SAMPLE_NODE,
      to,
      new Date(),
      content.defaultReader,
    );
    const r = await mail.sendRendered(to, e.template, e.data);
    return `sent ${r.messageId} via ${mail.sender.description}: ${r.response}`;
  } finally {
    await mail.close();
  }
}
