/**
 * Every shipped email, rendered from its sample data, in a real browser (Debian's chromium via
 * playwright-core) at 375 and 800 px, light and dark: nothing scrolls sideways. Screenshots go to
 * SATNOTIFY_TEST_ARTIFACTS when set (or a scratch folder).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { DEFAULT_TEMPLATES_DIR, TemplateSet } from '../../../src/mailservice/templates.js';
import { EVENT_KINDS } from '../../../src/notification/content/kinds.js';
import { scratchDir } from '../../helpers/scratch.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) || process.env['CI'] === 'true' ? undefined : `${CHROMIUM} is not installed (apt-get install chromium); CI installs it`;

describe('emails on narrow screens', { skip }, () => {
  let browser: Browser;
  const artifacts = process.env['SATNOTIFY_TEST_ARTIFACTS'] ?? scratchDir('email-screens');
  const pages = scratchDir('email-html');

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  });
  after(async () => {
    await browser?.close();
  });

  it('every template at 375 and 800 px, light and dark: no horizontal scroll', { timeout: 120_000 }, async () => {
    const templates = TemplateSet.load();
    const wide: string[] = [];
    for (const name of [...EVENT_KINDS, 'digest']) {
      const data = JSON.parse(readFileSync(join(DEFAULT_TEMPLATES_DIR, 'samples', `${name}.json`), 'utf8')) as Record<string, unknown>;
      const file = join(pages, `${name}.html`);
      writeFileSync(file, templates.render(name, { links: { preferences: 'https://sat.example/notify/preferences?token=eyJwIjoicHJlZmVyZW5jZXMifQ.abc', unsubscribe: 'https://sat.example/notify/unsubscribe/eyJwIjoidW5zdWJzY3JpYmUifQ.abc' }, ...data }).html);
      for (const width of [375, 800]) {
        for (const colorScheme of ['light', 'dark'] as const) {
          const page = await browser.newPage({ viewport: { width, height: 700 }, colorScheme });
          await page.goto(pathToFileURL(file).href);
          const [scroll, client] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
          if (scroll > client) wide.push(`${name} at ${width} px (${colorScheme}): ${scroll} > ${client}`);
          if (width === 375 || name === 'audit-failed') await page.screenshot({ path: join(artifacts, `${name}-${width}-${colorScheme}.png`), fullPage: true });
          await page.close();
        }
      }
    }
    assert.deepEqual(wide, []);
  });
});
