/** The storm guard's rule: when a wave of nodes going offline is a storm, and from when they count. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertText, share, storm } from '../../../../src/notification/guard/policy.js';

const rule = { offlineShare: 0.1, offlineNodes: 500, minNodes: 100, windowMs: 600_000 };

describe('storm guard policy', () => {
  it('a storm is more than offlineNodes, or more than the share of the nodes checked', () => {
    assert.deepEqual(storm({ checked: 25_000, offline: 501 }, rule), { storm: true, cause: 'nodes' });
    assert.deepEqual(storm({ checked: 25_000, offline: 500 }, rule), { storm: false }, 'more than, not as many as');
    assert.deepEqual(storm({ checked: 1_000, offline: 101 }, rule), { storm: true, cause: 'share' });
    assert.deepEqual(storm({ checked: 1_000, offline: 100 }, rule), { storm: false });
  });

  it('the share applies from minNodes checked nodes: on a small satellite a few nodes are a large share', () => {
    assert.deepEqual(storm({ checked: 99, offline: 50 }, rule), { storm: false });
    assert.deepEqual(storm({ checked: 100, offline: 11 }, rule), { storm: true, cause: 'share' });
  });

  it('the alert gives the figures, or the satellite’s own reason', () => {
    assert.equal(share({ checked: 25_000, offline: 10_000 }), '40%');
    assert.equal(share({ checked: 0, offline: 3 }), '–');
    const storm1 = alertText({ checked: 25_000, offline: 10_000 }, 600_000, null);
    assert.match(
      storm1.text,
      /^10,000 of the 25,000 nodes checked in the last 10 min went offline within that time \(40%\)/,
    );
    const manual = alertText({ checked: 0, offline: 0 }, 600_000, 'moving racks');
    assert.match(manual.text, /moving racks/);
  });
});
