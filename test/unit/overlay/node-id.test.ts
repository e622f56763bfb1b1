import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidNodeIdError } from '../../../src/errors.js';
import { NodeId } from '../../../src/overlay/node-id.js';

const SATELLITE = '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S';

describe('NodeId', () => {
  it("parses the public satellite id (Storj's base58check form)", () => {
    const id = NodeId.parse(SATELLITE);
    assert.equal(id.bytes.length, 32);
    assert.equal(id.toString(), SATELLITE);
  });

  it('round-trips base58check ↔ bytes ↔ hex', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = crypto.getRandomValues(new Uint8Array(32));
      const id = NodeId.fromBytes(bytes);
      assert.deepEqual(NodeId.parse(id.toString()).bytes, Buffer.from(bytes));
      assert.deepEqual(NodeId.parse(id.hex).bytes, Buffer.from(bytes));
      assert.ok(NodeId.parse(id.hex.toUpperCase()).equals(id));
    }
  });

  it('rejects a changed character (checksum)', () => {
    const last = SATELLITE.at(-1) === 'S' ? 'T' : 'S';
    const changed = SATELLITE.slice(0, -1) + last;
    assert.throws(
      () => NodeId.parse(changed),
      (e: unknown) => e instanceof InvalidNodeIdError && /checksum/.test(e.message),
    );
    const middle = SATELLITE.slice(0, 20) + (SATELLITE[20] === 'a' ? 'b' : 'a') + SATELLITE.slice(21);
    assert.throws(() => NodeId.parse(middle), InvalidNodeIdError);
  });

  for (const bad of [
    '',
    'xyz',
    '0'.repeat(63),
    '0'.repeat(65),
    'g'.repeat(64),
    '1111111111111111111111111111111111',
    'IlO0',
    `${SATELLITE}\n`,
  ]) {
    it(`rejects ${JSON.stringify(bad.slice(0, 20))}… with InvalidNodeIdError`, () => {
      assert.throws(
        () => NodeId.parse(bad),
        (e: unknown) => e instanceof InvalidNodeIdError && e.code === 'ERR_INVALID_NODE_ID',
      );
    });
  }

  it('rejects base58check of the wrong length', () => {
    const short = NodeId.fromBytes(new Uint8Array(32)).toString();
    assert.equal(NodeId.parse(short).hex, '0'.repeat(64));
    assert.throws(() => NodeId.fromBytes(new Uint8Array(31)), InvalidNodeIdError);
  });
});
