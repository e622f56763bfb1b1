/**
 * Issue 35 on the operator's page, in a real browser (Debian's chromium, driven by playwright-core):
 * the operator adds their own webhook (a real receiver on loopback, every request checked with
 * the `standardwebhooks` package), sends it a code, reads the code where it arrived, enters it,
 * sends a test, and later adds a second address whose code goes into their node's log. At 1280 and
 * 375 px, with screenshots in SATNOTIFY_TEST_ARTIFACTS (or a scratch folder).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { browserSkipReason, launchBrowser } from '../../helpers/browser.js';
import { scratchDir } from '../../helpers/scratch.js';
import { webHarness, type WebHarness } from '../../helpers/web.js';

describe("the operator's own destinations on their page, in chromium", { skip: browserSkipReason }, () => {
  let w: WebHarness;
  let browser: Browser;
  let receiver: Server;
  let hookUrl: string;
  const requests: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const artifacts = process.env['SATNOTIFY_TEST_ARTIFACTS'] ?? scratchDir('screens');

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/home`;
    w = await webHarness({
      env: { DEST_KEY: 'page-destinations-key-0123456789abcdef' },
      destinations: { kinds: ['webhook', 'email'], allowPrivate: true, encryptionKey: { env: 'DEST_KEY' } },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await w?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('add a webhook, confirm it with the code it received, test it; a second address confirmed through the node log', async () => {
    const op = 'page-owner@example.com';
    const node = await w.h.addNode({ email: op });
    const link = w.h.svc.links?.preferences(op, new Date());
    assert.ok(link);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(link);
    await page.getByText('You have added no destination of your own.').waitFor();

    await page.getByLabel('Kind').selectOption('webhook');
    await page.getByLabel('URL, address or nick').fill(hookUrl);
    await page.getByLabel('Name (optional)').fill('home assistant');
    await page.getByRole('button', { name: 'Add' }).click();
    const added = await page.getByRole('status').innerText();
    const secret = /(whsec_[A-Za-z0-9+/=]+)/.exec(added)?.[1];
    assert.ok(secret, added);
    assert.equal(requests.length, 0, 'nothing is sent on adding');

    await page.getByRole('button', { name: 'Send a code' }).click();
    assert.match(await page.getByRole('status').innerText(), /A code was sent\. It is valid until/);
    assert.equal(requests.length, 1);
    const req = requests[0] as (typeof requests)[number];
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const body = new Webhook(secret).verify(req.body, headers) as { data: { text: string } };
    const code = /\b(\d{6})\b/.exec(body.data.text)?.[1];
    assert.ok(code, body.data.text);

    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    assert.match(await page.getByRole('status').innerText(), /Confirmed/);
    assert.equal(await page.locator('fieldset.dest').getAttribute('data-status'), 'active');
    await page.getByRole('button', { name: 'Send a test' }).click();
    assert.match(await page.getByRole('status').innerText(), /The test was sent/);
    assert.equal(requests.length, 2);
    await page.screenshot({ path: join(artifacts, 'destinations-1280.png'), fullPage: true });

    // A second address, its code read from the node's log.
    await page.getByLabel('Kind').selectOption('email');
    await page.getByLabel('URL, address or nick').fill('pager@example.net');
    await page.getByRole('button', { name: 'Add' }).click();
    const second = page.locator('fieldset.dest[data-status="unverified"]');
    await second.getByLabel('Send the code').selectOption({ index: 1 });
    await second.getByRole('button', { name: 'Send a code' }).click();
    await page.getByRole('status').waitFor();
    const line = w.h.logLines.at(-1) ?? '';
    const fromLog = /\b(\d{6})\b/.exec(line)?.[1];
    assert.ok(fromLog, line);
    assert.equal(w.h.sink.received.length, 0, 'nothing by email: the code went to the node');
    await page.locator('fieldset.dest[data-status="unverified"]').getByLabel('Code', { exact: true }).fill(fromLog);
    await page.locator('fieldset.dest[data-status="unverified"]').getByRole('button', { name: 'Confirm' }).click();
    assert.match(await page.getByRole('status').innerText(), /Confirmed/);
    assert.equal(await page.locator('fieldset.dest[data-status="active"]').count(), 2);
    const listed = await w.h.svc.destinations?.list(op);
    assert.deepEqual(
      listed?.map((d) => [d.kind, d.status]),
      [
        ['webhook', 'active'],
        ['email', 'active'],
      ],
    );
    void node;

    // A wrong code on a fresh destination is refused in place and says why.
    await page.getByLabel('Kind').selectOption('webhook');
    await page.getByLabel('URL, address or nick').fill('http://10.0.0.1/');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('status').waitFor();
    const third = page.locator('fieldset.dest[data-status="unverified"]');
    await third.getByLabel('Code', { exact: true }).fill('123');
    await third.getByRole('button', { name: 'Confirm' }).click();
    assert.match(await page.getByRole('alert').innerText(), /code: none was sent/);

    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(link);
    assert.ok(
      Number(await page.evaluate('document.documentElement.scrollWidth')) <= 375,
      'no horizontal scroll at 375 px',
    );
    await page.screenshot({ path: join(artifacts, 'destinations-375.png'), fullPage: true });
    await page.close();
  });
});
