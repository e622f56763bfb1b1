/**
 * Debian's chromium, driven by playwright-core, for the tests that look at pages and emails as a
 * reader would. Without it the suites skip with the package to install; under CI=true they run,
 * so the failure shows.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** browserSkipReason is why the browser suites are skipped, or undefined to run them. */
export const browserSkipReason: string | undefined =
  existsSync(CHROMIUM) || process.env['CI'] === 'true'
    ? undefined
    : `${CHROMIUM} is not installed (apt-get install chromium); CI installs it`;

/** launchBrowser starts headless chromium with nothing reaching out to the network on its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
