/**
 * Issue 34, item 3, the operator's side, on real parts (PGlite, the SMTP sink, HTTP on loopback):
 * every warning's email carries "I'm on it: snooze notifications for this node"; the link's GET offers the choices
 * and changes nothing, its POST snoozes (the node's next news is held), in the operator's language;
 * an altered link, a link whose node changed operator and a bad choice change nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Links } from '../../../src/links/links.js';
import { NodeId } from '../../../src/overlay/node-id.js';
import { WEB_SECRET, webHarness, type WebHarness } from '../../helpers/web.js';

describe('snooze link: "I\'m on it" from a warning email', () => {
  let w: WebHarness;
  before(async () => {
    w = await webHarness({
      grouping: { wait: '0s' },
      limits: { email: { minDelay: '0s', maxHr: 50, maxDay: 50 }, log: { minDelay: '0s' } },
    });
  });
  after(() => w?.close());

  /** The snooze link of the newest email to `to` (from its text part), if it has one. */
  const linkIn = (to: string): string | undefined => {
    const mail = w.h.sink.received.filter((m) => m.envelopeTo.includes(to)).at(-1)?.parsed;
    return /I'm on it: snooze notifications for this node: (\S+)/.exec(mail?.text ?? '')?.[1];
  };
  /** offline adds a node of `op` whose checks fail: its offline email (the `received`th) and that email's snooze link. */
  const offline = async (op: string, received: number): Promise<{ node: string; link: string | undefined }> => {
    const node = await w.h.addNode({ email: op });
    await w.h.svc.onUptimeCheck(node, { ok: false });
    await w.h.svc.dispatch();
    await w.h.sink.waitFor(received);
    return { node, link: linkIn(op) };
  };
  const heldReasons = async (node: string): Promise<string[]> =>
    (await w.h.svc.history({ nodeId: node })).entries
      .filter((e) => e.channel === 'email' && e.status === 'held')
      .map((e) => e.reason ?? '');

  it('a warning carries the link; GET changes nothing; POST until=24h holds the node’s next news', async () => {
    const op = 'mover@example.com';
    const { node, link } = await offline(op, 1);
    assert.ok(link?.startsWith(`${w.base}/snooze/`), 'the offline email has the snooze link');
    const html = String(w.h.sink.received.at(-1)?.parsed.html);
    assert.match(
      html,
      /<a href="[^"]*\/snooze\/[^"]+"[^>]*>I(&#x27;|&#39;|')m on it: snooze notifications for this node<\/a>/,
    );

    const page = await fetch(link as string);
    assert.equal(page.status, 200);
    const body = await page.text();
    for (const choice of ['12 hours', '24 hours', '72 hours', '168 hours']) assert.ok(body.includes(choice), choice);
    await w.h.svc.onUptimeCheck(node, { ok: true });
    await w.h.svc.dispatch();
    await w.h.sink.waitFor(2);
    assert.match(w.h.sink.received.at(-1)?.parsed.subject ?? '', /back online/, 'a GET snoozes nothing');
    assert.equal(linkIn(op), undefined, 'good news carries no snooze link');

    const done = await fetch(link as string, { method: 'POST', body: new URLSearchParams({ until: '24h' }) });
    assert.equal(done.status, 200);
    assert.match(await done.text(), /are held until .*; then you get them in one email/);
    await w.h.svc.onUptimeCheck(node, { ok: false });
    await w.h.svc.dispatch();
    assert.equal(w.h.sink.received.length, 2, 'the next offline notice waits');
    assert.equal((await heldReasons(node)).length, 1);
    assert.match((await heldReasons(node))[0] ?? '', /^snoozed until /);
  });

  it('in the operator’s language', async () => {
    const op = 'polski@example.com';
    const node = await w.h.addNode({ email: op });
    await w.h.svc.preferences.update(op, { language: 'pl' });
    await w.h.svc.onAuditResult(node, { passed: false, score: 0.97, dqThreshold: 0.96 });
    await w.h.svc.dispatch();
    await w.h.sink.waitFor(3);
    const mail = w.h.sink.received.at(-1)?.parsed.text ?? '';
    const link = /Zajmuję się tym: wstrzymaj powiadomienia: (\S+)/.exec(mail)?.[1];
    assert.ok(link, mail);
    const body = await (await fetch(link)).text();
    assert.match(body, /Wstrzymać powiadomienia o węźle/);
    assert.match(body, /24 godziny/);
    assert.match(body, /168 godzin/);
  });

  it('the preferences page offers the same link for each of the operator’s nodes', async () => {
    const op = 'page@example.com';
    const nodes = [await w.h.addNode({ email: op }), await w.h.addNode({ email: op })];
    const links = new Links({ baseUrl: w.base, secrets: [WEB_SECRET], linkLifetimeMs: 3_600_000 });
    const page = await (await fetch(links.preferences(op, new Date()))).text();
    const byNode = new Map(
      [...page.matchAll(/<code>(\w+)<\/code>[^<]*<a href="([^"]*\/snooze\/[^"]+)">snooze its notifications</g)].map(
        (m) => [m[1] ?? '', m[2] ?? ''],
      ),
    );
    assert.equal(byNode.size, 2, 'one per node');
    const href = byNode.get(NodeId.parse(nodes[1] as string).toString());
    assert.ok(href);
    const done = await fetch(href, { method: 'POST', body: new URLSearchParams({ until: '12h' }) });
    assert.equal(done.status, 200);
    await w.h.svc.onUptimeCheck(nodes[1] as string, { ok: false });
    await w.h.svc.dispatch();
    const held = (await w.h.svc.history({ nodeId: nodes[1] as string })).entries.filter((e) => e.channel === 'email');
    assert.deepEqual(
      held.map((e) => e.status),
      ['held'],
      'the node snoozed from the page holds its news',
    );
  });

  it('an altered link, a node whose operator changed, and a bad choice change nothing', async () => {
    const op = 'former@example.com';
    const { node, link = '' } = await offline(op, 4);
    const altered = `${link.slice(0, -3)}${link.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    assert.equal((await fetch(altered, { method: 'POST', body: new URLSearchParams({ until: '24h' }) })).status, 404);
    for (const until of ['', '0h', '-5h', '9000h', 'soon', '1970-01-01T00:00:00Z'])
      assert.equal(
        (await fetch(link, { method: 'POST', body: new URLSearchParams({ until }) })).status,
        400,
        `until=${until}`,
      );
    await w.h.svc.overlay.upsertNode({ id: node, address: w.h.nodeLogAddress, email: 'new-owner@example.com' });
    assert.equal((await fetch(link)).status, 409);
    assert.equal((await fetch(link, { method: 'POST', body: new URLSearchParams({ until: '12h' }) })).status, 409);
    await w.h.svc.onUptimeCheck(node, { ok: true });
    await w.h.svc.dispatch();
    await w.h.sink.waitFor(5);
    assert.match(w.h.sink.received.at(-1)?.parsed.subject ?? '', /back online/, 'not snoozed');
  });
});
