/**
 * Every kind's email and a digest, in every shipped language, rendered from sample data in a real
 * browser (Debian's chromium via playwright-core) at 375 and 800 px, light and dark: nothing scrolls
 * sideways, the page is in the reader's language, and no message is missing. Screenshots go to
 * SATNOTIFY_TEST_ARTIFACTS when set (or a scratch folder).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../../helpers/browser.js';
import { resolveConfig } from '../../../src/config.js';
import { LOCALES } from '../../../src/i18n/locale.js';
import { TemplateSet } from '../../../src/mailservice/templates.js';
import { contentFor } from '../../../src/notification/content/content.js';
import { EVENT_KINDS } from '../../../src/kinds.js';
import { sampleDigest, SAMPLE_NODE } from '../../../src/notification/digest/sample-day.js';
import { scratchDir } from '../../helpers/scratch.js';

const skip = browserSkipReason;
const ZONES = { en: 'America/New_York', de: 'Europe/Berlin', pl: 'Europe/Warsaw' } as const;
const LINKS = {
  preferences: 'https://sat.example/notify/preferences?token=eyJwIjoicHJlZmVyZW5jZXMifQ.abc',
  unsubscribe: 'https://sat.example/notify/unsubscribe/eyJwIjoidW5zdWJzY3JpYmUifQ.abc',
};

describe('emails on narrow screens, in every language', { skip }, () => {
  let browser: Browser;
  const artifacts = process.env['SATNOTIFY_TEST_ARTIFACTS'] ?? scratchDir('email-screens');
  const pages = scratchDir('email-html');

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it(
    'every kind and a digest × en, de, pl at 375 and 800 px, light and dark: no horizontal scroll',
    { timeout: 300_000 },
    async () => {
      const templates = TemplateSet.load();
      const config = resolveConfig({
        satellite: { name: 'us1.storj.io' },
        links: {
          support: 'https://support.example/new',
          dashboard: 'https://dashboard.example/',
          docs: { disqualified: 'https://docs.example/node/disqualification#what-now' },
        },
      });
      const content = contentFor(templates, config);
      const wide: string[] = [];
      for (const locale of LOCALES) {
        const reader = { locale, zone: ZONES[locale] };
        for (const name of [...EVENT_KINDS, 'digest']) {
          const html =
            name === 'digest'
              ? sampleDigest(content, templates, reader).html
              : (() => {
                  const e = content.emailFor(
                    name,
                    templates.sample(name),
                    SAMPLE_NODE,
                    'operator@example.com',
                    new Date('2024-05-01T08:04:00Z'),
                    reader,
                  );
                  return templates.render(e.template, { ...e.data, links: LINKS }).html;
                })();
          assert.match(html, new RegExp(`<html lang="${locale}"`), `${name} ${locale}`);
          assert.doesNotMatch(html, /undefined|\[object|\{\w+\}/, `${name} ${locale}: every message filled in`);
          const file = join(pages, `${name}-${locale}.html`);
          writeFileSync(file, html);
          for (const width of [375, 800]) {
            for (const colorScheme of ['light', 'dark'] as const) {
              const page = await browser.newPage({ viewport: { width, height: 700 }, colorScheme });
              await page.goto(pathToFileURL(file).href);
              const [scroll, client] = await page.evaluate<[number, number]>(
                '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
              );
              if (scroll > client)
                wide.push(`${name} ${locale} at ${width} px (${colorScheme}): ${scroll} > ${client}`);
              if (width === 375 && colorScheme === 'light')
                await page.screenshot({
                  path: join(artifacts, `${name}-${locale}-${width}-${colorScheme}.png`),
                  fullPage: true,
                });
              if (width === 800 && (name === 'digest' || name === 'disqualified'))
                await page.screenshot({
                  path: join(artifacts, `${name}-${locale}-${width}-${colorScheme}.png`),
                  fullPage: true,
                });
              await page.close();
            }
          }
        }
      }
      assert.deepEqual(wide, []);
    },
  );
});
