/**
 * Issue 35, an operator's own IRC nick, on a real IRC server (Debian's ngircd): the satellite's irc
 * instance, connected to its channel, messages the operator's nick privately over the same
 * connection — first the code (read there by the operator's own client), then, once confirmed,
 * their node's outage. A nick the server does not know fails for good, without naming the nick.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'irc-framework';
import { DeliveryError } from '../../../src/errors.js';
import { daemonSkipReason, NGIRCD, startNgircd, type Daemon } from '../../helpers/daemons.js';
import { harness, type Harness } from '../../helpers/service.js';
import { until } from '../../helpers/wait.js';

const NICK = 'opnick';

describe("an operator's own IRC nick, on ngircd", { skip: daemonSkipReason(NGIRCD, 'ngircd') }, () => {
  let irc: Daemon;
  let h: Harness;
  let client: Client;
  const privately: string[] = [];

  before(async () => {
    irc = await startNgircd();
    // The operator, on the network under their own nick, reading what is sent to them alone.
    client = new Client({ nick: NICK, username: NICK, gecos: 'the operator', auto_reconnect: false });
    client.on('privmsg', (e: { target: string; message: string }) => {
      if (e.target.toLowerCase() === NICK) privately.push(e.message);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the operator could not connect')), 10_000);
      client.on('registered', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect({ host: '127.0.0.1', port: irc.port, nick: NICK, auto_reconnect: false });
    });
    h = await harness({
      env: { DEST_KEY: 'irc-destinations-key-0123456789abcdef' },
      channels: {
        irc: { plugin: 'irc', params: { host: '127.0.0.1', port: irc.port, target: '#ops', connectWait: '5s' } },
      },
      grouping: { wait: '0s' },
      destinations: { kinds: ['irc'], irc: { instance: 'irc' }, encryptionKey: { env: 'DEST_KEY' } },
    });
  });
  after(async () => {
    await h?.close();
    await new Promise<void>((resolve) => {
      if (!client?.connected) return resolve();
      client.once('close', () => resolve());
      client.quit('bye');
    });
    await irc?.stop();
  });

  it('the code, then the outage, reach the nick privately; an unknown nick fails for good', async () => {
    const d = h.svc.destinations;
    assert.ok(d);
    const op = 'irc-op@example.com';
    const node = await h.addNode({ email: op });
    const added = await d.add(op, { kind: 'irc', params: { nick: NICK } });
    await d.sendCode(op, added.id);
    await until(() => privately.some((l) => /\b\d{6}\b/.test(l)), 10_000, 'the code, privately');
    const code = /\b(\d{6})\b/.exec(privately.find((l) => /\b\d{6}\b/.test(l)) ?? '')?.[1] ?? '';
    assert.equal((await d.verify(op, added.id, code)).status, 'active');

    await h.svc.onUptimeCheck(node, { ok: false });
    await h.svc.dispatch();
    await until(() => privately.some((l) => /WARN Node offline/.test(l)), 10_000, 'the outage, privately');
    const history = await h.svc.history({ address: op });
    assert.ok(history.entries.some((e) => e.channel === added.id && e.status === 'sent'));

    const nobody = await d.add(op, { kind: 'irc', params: { nick: 'nobody42' } });
    await assert.rejects(d.sendCode(op, nobody.id), (err: unknown) => {
      assert.ok(err instanceof DeliveryError, String(err));
      assert.equal(err.permanent, true);
      assert.match(err.message, /no such nick/);
      assert.ok(!err.message.includes('nobody42'), 'the nick is private delivery data');
      return true;
    });
    await assert.rejects(d.add(op, { kind: 'irc', params: { nick: 'bad nick\r\nQUIT' } }), /params\.nick/);
  });
});
