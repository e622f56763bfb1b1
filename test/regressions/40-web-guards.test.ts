/**
 * Issue 40, items 4 and 5: no answer of the operators' web side may be kept by a cache (the page
 * holds feed keys and a form token, the feed list its authenticators), and a body the server
 * cannot parse is the client's mistake (400), not the server's (500).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webHarness, type WebHarness } from '../helpers/web.js';

describe('issue 40: the web side caches nothing and answers a broken form with 400', () => {
  let w: WebHarness;
  const op = 'guarded@example.com';
  before(async () => {
    w = await webHarness({ grouping: { wait: '0s' } });
    await w.h.addNode({ email: op });
  });
  after(() => w?.close());

  it('every page and feed says Cache-Control: private, no-store', async () => {
    const links = w.h.svc.links;
    assert.ok(links);
    const page = links.preferences(op, new Date());
    const unsubscribe = links.email(op, 'email', 'node-offline', new Date()).unsubscribe;
    for (const url of [
      page,
      unsubscribe,
      links.feedList(op),
      await w.h.svc.feedUrl(op),
      `${w.base}/n/none`,
      `${w.base}/nowhere`,
    ]) {
      const r = await fetch(url);
      assert.equal(
        r.headers.get('cache-control'),
        'private, no-store',
        url.replace(/(token=|auth=|unsubscribe\/).*/, '$1…'),
      );
    }
    const posted = await fetch(unsubscribe, {
      method: 'POST',
      body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
    });
    assert.equal(posted.headers.get('cache-control'), 'private, no-store');
  });

  it('a broken multipart body, or a multipart type without its boundary, is 400 on both POST routes', async () => {
    const links = w.h.svc.links;
    assert.ok(links);
    const routes = [
      links.preferences(op, new Date()),
      links.email(op, 'email', 'audit-failed', new Date()).unsubscribe,
    ];
    const before = await w.h.svc.preferences.get(op);
    for (const url of routes) {
      for (const [type, body] of [
        ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'],
        ['multipart/form-data', '--x\r\n\r\n'],
        ['multipart/form-data; boundary=', ''],
      ] as const) {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
        assert.equal(r.status, 400, `${type} → ${r.status}`);
        assert.doesNotMatch(await r.text(), /token|guarded/, 'nothing private echoed');
      }
    }
    assert.deepEqual(await w.h.svc.preferences.get(op), before, 'nothing changed');
  });
});
