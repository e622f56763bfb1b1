/**
 * Builds a MailService against a sink or a folder, with test-friendly SMTP settings.
 */
import { resolveConfig, type Config } from '../../src/config.js';
import { createSender } from '../../src/mailservice/create-sender.js';
import { MailService } from '../../src/mailservice/service.js';
import { TemplateSet } from '../../src/mailservice/templates.js';
import { contentFor } from '../../src/notification/content/content.js';
import type { NodeView, Reader } from '../../src/notification/content/wording.js';
import { SAMPLE_NODE } from '../../src/notification/digest/sample-day.js';

/** TEMPLATES is the shipped template set, compiled once per test process. */
export const TEMPLATES = TemplateSet.load();

/** mailService builds a MailService from a partial config (smtp.url or mail.outboxDir). */
export function mailService(config: Config): MailService {
  const c = resolveConfig({
    smtp: { from: 'Test Satellite <noreply@sat.example>', ...config.smtp },
    mail: config.mail,
  });
  return new MailService({ templates: TEMPLATES, sender: createSender(c), from: c.smtp.from });
}

/** CONTENT words kinds as the service does (Europe/Berlin by default), for tests that render emails. */
const CONFIG = resolveConfig({ satellite: { name: 'us1.storj.io' }, limits: { timezone: 'Europe/Berlin' } });
export const CONTENT = contentFor(TEMPLATES, CONFIG);

/**
 * sampleEmail is a kind's email from its sample data, as an operator reading `locale` in `zone` gets it: the template
 * and its whole data.
 */
export function sampleEmail(
  kind: string,
  reader: Partial<Reader> = {},
  node: NodeView = SAMPLE_NODE,
): { template: string; data: Record<string, unknown> } {
  return CONTENT.emailFor(
    kind,
    TEMPLATES.sample(kind),
    node,
    'operator@example.com',
    new Date('2024-05-01T08:04:00Z'),
    { ...CONTENT.defaultReader, ...reader },
  );
}
