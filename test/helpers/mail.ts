/**
 * Builds a MailService against a sink or a folder, with test-friendly SMTP settings.
 */
import { resolveConfig, type Config } from '../../src/config.js';
import { createSender } from '../../src/mailservice/create-sender.js';
import { MailService } from '../../src/mailservice/service.js';
import { TemplateSet } from '../../src/mailservice/templates.js';

/** TEMPLATES is the shipped template set, compiled once per test process. */
export const TEMPLATES = TemplateSet.load();

/** mailService builds a MailService from a partial config (smtp.url or mail.outboxDir). */
export function mailService(config: Config): MailService {
  const c = resolveConfig({ smtp: { from: 'Test Satellite <noreply@sat.example>', ...config.smtp }, mail: config.mail });
  return new MailService({ templates: TEMPLATES, sender: createSender(c), from: c.smtp.from });
}
