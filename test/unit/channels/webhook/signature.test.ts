/**
 * Our Standard Webhooks signature, checked by the `standardwebhooks` package's own verifier: with
 * and without the `whsec_` prefix, and refused when the body, id or secret differ.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { webhookSigner } from '../../../../src/channels/webhook/signature.js';

const KEY = Buffer.from('satnotify-unit-secret-0123456789').toString('base64');

function headers(id: string, signed: ReturnType<ReturnType<typeof webhookSigner>>): Record<string, string> {
  return { 'webhook-id': id, ...signed };
}

describe('webhook signature', () => {
  const at = new Date();
  const body = JSON.stringify({ type: 'satnotify.node-offline', data: { text: 'Node 12Ea… is offline — ünïcode' } });

  it('verifies with standardwebhooks, whether the secret carries whsec_ or not', () => {
    for (const secret of [`whsec_${KEY}`, KEY]) {
      const signed = webhookSigner(secret)('msg_1', at, body);
      assert.equal(signed['webhook-timestamp'], String(Math.floor(at.getTime() / 1000)));
      assert.deepEqual(new Webhook(`whsec_${KEY}`).verify(body, headers('msg_1', signed)), JSON.parse(body));
    }
  });

  it('is the same as the package signs', () => {
    assert.equal(
      webhookSigner(`whsec_${KEY}`)('msg_2', at, body)['webhook-signature'],
      new Webhook(`whsec_${KEY}`).sign('msg_2', at, body),
    );
  });

  it('does not verify for another body, id or secret', () => {
    const signed = webhookSigner(`whsec_${KEY}`)('msg_3', at, body);
    const other = Buffer.from('somebody-else-entirely-987654321').toString('base64');
    assert.throws(() => new Webhook(`whsec_${KEY}`).verify(`${body} `, headers('msg_3', signed)));
    assert.throws(() => new Webhook(`whsec_${KEY}`).verify(body, headers('msg_4', signed)));
    assert.throws(() => new Webhook(`whsec_${other}`).verify(body, headers('msg_3', signed)));
  });
});
