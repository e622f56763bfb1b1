/**
 * The preferences page in a real browser (Debian's chromium, driven by playwright-core): an
 * operator opens the link from their email, routes "Audit failed" to IRC only (a real ngircd, read
 * by a second IRC user), sets quiet hours and their zone with the keyboard and mouse, saves, and the
 * next audit failure follows the new choices. Screenshots at 1280 and 375 px go to
 * SATNOTIFY_TEST_ARTIFACTS (or a scratch folder).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createWebHandler } from '../../../src/web/handler.js';
import { daemonSkipReason, NGIRCD, startNgircd, type Daemon } from '../../helpers/daemons.js';
import { ircObserver, type IrcObserver } from '../../helpers/irc-observer.js';
import { browserSkipReason, launchBrowser } from '../../helpers/browser.js';
import { until } from '../../helpers/wait.js';
import { harness, type Harness } from '../../helpers/service.js';
import { scratchDir } from '../../helpers/scratch.js';

const skip = browserSkipReason ?? daemonSkipReason(NGIRCD, 'ngircd');

describe('the preferences page in chromium', { skip }, () => {
  let server: Server;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => void r.end();
  let h: Harness;
  let browser: Browser;
  let irc: Daemon;
  let watcher: IrcObserver;
  const artifacts = process.env['SATNOTIFY_TEST_ARTIFACTS'] ?? scratchDir('screens');

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    irc = await startNgircd();
    watcher = await ircObserver(irc.port, '#ops');
    const routes = ['email', 'log', 'irc'];
    h = await harness({
      web: { baseUrl: base, allowInsecureBaseUrl: true, secrets: ['page-test-key-0123456789abcdef012345'] },
      channels: {
        irc: {
          plugin: 'irc',
          params: { host: '127.0.0.1', port: irc.port, target: '#ops', connectWait: '5s' },
          limits: { maxHr: 10, maxDay: 10, minDelay: '0s' },
        },
      },
      hooks: { channels: { 'audit-failed': routes, disqualified: routes, 'node-offline': ['email', 'log'] } },
      grouping: { wait: '0s' },
    });
    handler = createWebHandler(h.svc);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await watcher?.close();
    await irc?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('from the email link: route audit-failed to IRC only, quiet hours in Berlin, saved and applied', async () => {
    const op = 'clicker@example.com';
    const node = await h.addNode({ email: op });
    await h.addNode({ email: op });
    await h.svc.onUptimeCheck(node, { ok: false });
    await h.svc.dispatch();
    const mail = h.sink.received.at(-1)?.parsed;
    // The href as a browser reads it: handlebars escapes = and & as entities.
    const link = /href="([^"]+\/preferences\?token[^"]+)"/
      .exec(String(mail?.html))?.[1]
      ?.replaceAll('&#x3D;', '=')
      .replaceAll('&amp;', '&');
    assert.ok(
      link,
      `the email links to the page: ${h.sink.received.length} received; ${String(mail?.html).slice(-900)}`,
    );

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(link);
    assert.equal(await page.title(), `Notifications for ${op}`);
    assert.equal((await page.locator('ul.nodes li').count()) >= 2, true, 'both nodes listed');
    await page.screenshot({ path: join(artifacts, 'preferences-1280.png'), fullPage: true });

    await page.getByRole('checkbox', { name: 'Audit failed by email' }).uncheck();
    await page.getByRole('checkbox', { name: 'Audit failed by node log' }).uncheck();
    await page.getByRole('checkbox', { name: 'Audit failed by irc' }).check();
    await page.getByLabel('Quiet hours').check();
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('radio', { name: 'once an hour' }).check();
    await page.getByRole('button', { name: 'Save' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').waitFor();
    assert.match(await page.getByRole('status').innerText(), /Saved/);
    assert.equal(
      await page.getByRole('checkbox', { name: 'Audit failed by irc' }).isChecked(),
      true,
      'the page shows what was saved',
    );

    const prefs = await h.svc.preferences.get(op);
    assert.equal(prefs.timezone, 'Europe/Berlin');
    assert.deepEqual(prefs.quietHours, { start: '22:00', end: '07:00' });
    assert.equal(prefs.digest, 'hourly');

    // The next audit failure, close to the bar (urgent: no quiet hours, no cadence), reaches IRC only.
    const emails = h.sink.received.length;
    const r = await h.svc.onAuditResult(node, { passed: false, score: 0.605, dqThreshold: 0.6 });
    await h.svc.dispatch();
    const outcomes = await Promise.all(r.ids.map((id) => h.svc.delivery(id)));
    assert.deepEqual(outcomes.map((d) => d?.status).sort(), ['sent', 'suppressed', 'suppressed']);
    await until(
      () => watcher.lines.some((l) => l.startsWith('[test-sat] WARN Audit failed')),
      10_000,
      'the audit failure on IRC',
    );
    assert.equal(h.sink.received.length, emails, 'no email');
    assert.equal(h.logLines.filter((l) => l.includes('AUDIT_FAILED')).length, 0, 'nothing in the node log');

    // Turning a critical kind off everywhere is refused, in place, and says why.
    await page.getByRole('checkbox', { name: 'Audit failed by irc' }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /audit-failed would reach you on no channel/);

    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(link);
    assert.ok(
      Number(await page.evaluate('document.documentElement.scrollWidth')) <= 375,
      'no horizontal scroll at 375 px',
    );
    await page.screenshot({ path: join(artifacts, 'preferences-375.png'), fullPage: true });
    await page.close();
  });
});
