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
import { sampleReport } from '../../../src/notification/reports/sample.js';

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

  it(
    "an operator's report × en, de, pl at 375 and 1280 px, light and dark: no horizontal scroll, dark text on no light box",
    { timeout: 120_000 },
    async () => {
      const content = contentFor(TemplateSet.load(), resolveConfig({ satellite: { name: 'us1.storj.io' } }));
      const problems: string[] = [];
      for (const locale of LOCALES) {
        const html = content.renderReport(sampleReport(ZONES[locale]), 'operator@example.com', {
          locale,
          zone: ZONES[locale],
        }).html;
        const file = join(pages, `report-${locale}.html`);
        writeFileSync(file, html);
        for (const width of [375, 1280]) {
          for (const colorScheme of ['light', 'dark'] as const) {
            const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme });
            await page.goto(pathToFileURL(file).href);
            const [scroll, client] = await page.evaluate<[number, number]>(
              '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
            );
            if (scroll > client)
              problems.push(`report ${locale} at ${width} px (${colorScheme}): ${scroll} > ${client}`);
            // The first-thing-to-do box: its text must contrast with its background in either scheme.
            const [fg, bg] = await page.evaluate<[string, string]>(
              `(() => { const s = getComputedStyle(document.querySelector('.callout')); return [s.color, s.backgroundColor]; })()`,
            );
            if (luminance(fg) > 0.5 === luminance(bg) > 0.5)
              problems.push(`report ${locale} ${colorScheme}: callout text ${fg} on ${bg}`);
            // Every day has its bars: one row per day of the week.
            const rows = await page.evaluate<number>(`document.querySelectorAll('td.d').length`);
            if (rows !== 7) problems.push(`report ${locale}: ${rows} day rows`);
            await page.screenshot({
              path: join(artifacts, `report-${locale}-${width}-${colorScheme}.png`),
              fullPage: true,
            });
            await page.close();
          }
        }
      }
      assert.deepEqual(problems, []);
    },
  );
});

/** luminance is a CSS rgb() colour's relative lightness (0 black, 1 white), roughly. */
function luminance(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
