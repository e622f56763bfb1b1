import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Signer } from '../../../src/links/tokens.js';

const OLD = 'old-key-0123456789abcdef0123456789abcdef';
const NEW = 'new-key-fedcba9876543210fedcba9876543210';

describe('signed tokens', () => {
  it('verify what was signed, for its purpose only', () => {
    const s = new Signer([NEW]);
    const t = s.sign({ p: 'unsubscribe', o: 'op@example.com', k: 'node-offline', c: 'email' });
    assert.deepEqual(s.verify(t, 'unsubscribe'), {
      p: 'unsubscribe',
      o: 'op@example.com',
      k: 'node-offline',
      c: 'email',
    });
    assert.equal(s.verify(t, 'feed'), null, 'an unsubscribe token opens no feed');
  });

  it('refuse tampering: another operator in the claims, a changed or shortened MAC, junk', () => {
    const s = new Signer([NEW]);
    const t = s.sign({ p: 'feed', o: 'a@example.com' });
    const [body, mac] = t.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ p: 'feed', o: 'b@example.com' })).toString('base64url')}.${mac}`;
    for (const bad of [
      forged,
      `${body}.${mac.slice(0, -2)}`,
      `${body}.`,
      body,
      '',
      'x'.repeat(5000),
      `${body}.${'A'.repeat(mac.length)}`,
    ])
      assert.equal(s.verify(bad, 'feed'), null, bad.slice(0, 40));
    assert.equal(s.verify(undefined, 'feed'), null);
  });

  it('rotate: a new key signs, the old one still verifies while it is listed, and no longer once removed', () => {
    const before = new Signer([OLD]).sign({ p: 'unsubscribe', o: 'op@example.com', k: 'all', c: 'email' });
    const rotated = new Signer([NEW, OLD]);
    assert.ok(rotated.verify(before, 'unsubscribe'), 'old links keep working during the rotation');
    assert.notEqual(
      rotated.sign({ p: 'feed', o: 'x@example.com' }).split('.')[1],
      new Signer([OLD]).sign({ p: 'feed', o: 'x@example.com' }).split('.')[1],
      'the new key signs',
    );
    assert.equal(new Signer([NEW]).verify(before, 'unsubscribe'), null, 'replay after the old key is retired fails');
  });

  it('expire', () => {
    const s = new Signer([NEW]);
    const t = s.sign({ p: 'preferences', o: 'op@example.com', x: 1000 });
    assert.ok(s.verify(t, 'preferences', 999_000));
    assert.equal(s.verify(t, 'preferences', 1_000_001), null);
  });

  it('have one spelling: padding, junk appended, a space, standard base64 or an equivalent last character are refused (issue 40)', () => {
    const s = new Signer([NEW]);
    const t = s.sign({ p: 'feed', o: 'a@example.com' });
    assert.ok(s.verify(t, 'feed'));
    const [body, mac] = t.split('.') as [string, string];
    // The MAC's last character carries 2 spare bits: another character with the same 4 leading bits decodes alike.
    const last = mac.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string;
    assert.deepEqual(
      Buffer.from(`${mac.slice(0, -1)}${sibling}`, 'base64url'),
      Buffer.from(mac, 'base64url'),
      'the sibling decodes to the same bytes',
    );
    const standard = (x: string): string => x.replace(/-/g, '+').replace(/_/g, '/');
    for (const spelling of [
      `${t}=`,
      `${t}!!`,
      `${body}.${mac.slice(0, 10)} ${mac.slice(10)}`,
      `${standard(body)}.${standard(mac)}`,
      `${body}.${mac.slice(0, -1)}${sibling}`,
      `${body}=.${mac}`,
    ]) {
      if (spelling === t) continue;
      assert.equal(s.verify(spelling, 'feed'), null, spelling);
    }
  });
});
