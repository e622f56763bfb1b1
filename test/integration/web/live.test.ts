/**
 * Issue 35, the live page (Server-Sent Events), in a real browser (Debian's chromium, driven by
 * playwright-core): with the operator's page open, a notification recorded for them appears in
 * its live list without a reload — a hostile title shown as text, never as markup — and a stream
 * needs the page's token and is bounded per operator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../../helpers/browser.js';
import { until } from '../../helpers/wait.js';
import { webHarness, type WebHarness } from '../../helpers/web.js';

const HOSTILE = '<img src=x onerror="window.pwned=1">Maintenance & "repairs"';

describe("the operator's page shows new notifications live, in chromium", { skip: browserSkipReason }, () => {
  let w: WebHarness;
  let browser: Browser;
  before(async () => {
    w = await webHarness();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await w?.close();
  });

  it('a notification recorded while the page is open appears in its live list, as text', async () => {
    const op = 'live@example.com';
    const node = await w.h.addNode({ email: op });
    const link = w.h.svc.links?.preferences(op, new Date());
    assert.ok(link);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    // The stream opens with the page; wait until the server holds it.
    const streaming = page.waitForResponse((r) => r.url().includes('/events?'));
    await page.goto(link);
    assert.equal((await streaming).status(), 200);
    assert.equal(await page.locator('#live li').count(), 0);

    await w.h.svc.onUptimeCheck(node, { ok: false });
    await page.locator('#live li').first().waitFor({ timeout: 15_000 });
    assert.match(await page.locator('#live li').first().innerText(), /offline/i);

    await w.h.svc.broadcast(
      { operator: op },
      { template: 'announcement', data: { title: HOSTILE, paragraphs: ['p'], action: 'none' } },
    );
    await until(async () => (await page.locator('#live li').count()) >= 2, 15_000, 'the announcement, live');
    assert.ok((await page.locator('#live li').first().innerText()).includes(HOSTILE), 'shown as written');
    assert.equal(await page.locator('#live img').count(), 0, 'never read as markup');
    assert.equal(await page.evaluate('window.pwned'), undefined);
    assert.deepEqual(errors, [], 'no script or policy errors');
    await page.close();
  });

  it('a stream needs the page token, and an operator holds at most three at once', async () => {
    const op = 'streams@example.com';
    await w.h.addNode({ email: op });
    const link = new URL(w.h.svc.links?.preferences(op, new Date()) ?? '');
    const events = new URL(link);
    events.pathname = link.pathname.replace(/preferences$/, 'events');
    const bad = new URL(events);
    bad.searchParams.set('token', 'x');
    assert.equal((await fetch(bad)).status, 404);
    const held = new AbortController();
    const open = await Promise.all([1, 2, 3].map(() => fetch(events, { signal: held.signal })));
    assert.deepEqual(
      open.map((r) => [r.status, r.headers.get('content-type')]),
      Array.from({ length: 3 }, () => [200, 'text/event-stream']),
    );
    const fourth = await fetch(events);
    assert.equal(fourth.status, 429);
    held.abort();
    // Once closed, a stream's place is free again.
    await until(
      async () => {
        const again = await fetch(events, { signal: AbortSignal.timeout(3_000) }).catch(() => null);
        const ok = again?.status === 200;
        await again?.body?.cancel().catch(() => undefined);
        return ok;
      },
      10_000,
      'a freed stream',
    );
  });
});
