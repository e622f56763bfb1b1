/**
 * @module satnotify/mail
 * The mailservice on its own: templates (handlebars), rendering, and the senders behind one seam
 * (SMTP through a nodemailer pool, or `.eml` files).
 */
export { MailService } from '../mailservice/service.js';
export type { ComposeOptions } from '../mailservice/service.js';
export { TemplateSet } from '../mailservice/templates.js';
export type { RenderedEmail } from '../mailservice/templates.js';
export { createSender } from '../mailservice/create-sender.js';
export type { Sender, MailMessage, SendResult } from '../mailservice/sender.js';
export { SmtpSender } from '../mailservice/smtp-sender.js';
export { FileSender } from '../mailservice/file-sender.js';
