import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { windowsAt } from '../../../../src/notification/limits/windows.js';
import { at } from '../../../helpers/limits.js';

const iso = (d: Date): string => d.toISOString();

describe('windowsAt', () => {
  it('UTC hours and days', () => {
    const w = windowsAt(at('2024-03-05T10:41:07.123Z'), 'UTC');
    assert.equal(iso(w.hourStart), '2024-03-05T10:00:00.000Z');
    assert.equal(iso(w.hourEnd), '2024-03-05T11:00:00.000Z');
    assert.equal(iso(w.dayStart), '2024-03-05T00:00:00.000Z');
    assert.equal(iso(w.dayEnd), '2024-03-06T00:00:00.000Z');
  });

  it('Europe/Berlin spring forward: the day has 23 hours and 02:00 never starts', () => {
    const w = windowsAt(at('2024-03-31T01:30:00Z'), 'Europe/Berlin'); // 03:30 CEST
    assert.equal(iso(w.hourStart), '2024-03-31T01:00:00.000Z'); // 03:00 CEST
    assert.equal(iso(w.dayStart), '2024-03-30T23:00:00.000Z'); // 00:00 CET
    assert.equal(iso(w.dayEnd), '2024-03-31T22:00:00.000Z'); // 00:00 CEST
    assert.equal((w.dayEnd.getTime() - w.dayStart.getTime()) / 3_600_000, 23);
  });

  it('Europe/Berlin fall back: the repeated 02:00 hour is two distinct windows, the day has 25 hours', () => {
    const first = windowsAt(at('2024-10-27T00:30:00Z'), 'Europe/Berlin'); // 02:30 CEST
    const second = windowsAt(at('2024-10-27T01:30:00Z'), 'Europe/Berlin'); // 02:30 CET
    assert.equal(iso(first.hourStart), '2024-10-27T00:00:00.000Z');
    assert.equal(iso(second.hourStart), '2024-10-27T01:00:00.000Z');
    assert.equal(iso(first.hourEnd), iso(second.hourStart));
    assert.equal(iso(first.dayStart), iso(second.dayStart));
    assert.equal((second.dayEnd.getTime() - second.dayStart.getTime()) / 3_600_000, 25);
  });

  it('America/Santiago: midnight is skipped, the day starts at 01:00', () => {
    // 2024-09-08 clocks jump from 00:00 -04 to 01:00 -03.
    const w = windowsAt(at('2024-09-08T05:30:00Z'), 'America/Santiago');
    assert.equal(iso(w.dayStart), '2024-09-08T04:00:00.000Z');
    const eve = windowsAt(at('2024-09-08T03:59:59Z'), 'America/Santiago'); // 23:59:59 -04 on the 7th
    assert.equal(iso(eve.dayEnd), '2024-09-08T04:00:00.000Z');
    assert.equal((w.dayEnd.getTime() - w.dayStart.getTime()) / 3_600_000, 23);
  });

  it('Asia/Kathmandu (+05:45): hours start at :15 UTC, days at 18:15 UTC', () => {
    const w = windowsAt(at('2024-06-01T04:20:00Z'), 'Asia/Kathmandu'); // 10:05 local
    assert.equal(iso(w.hourStart), '2024-06-01T04:15:00.000Z');
    assert.equal(iso(w.hourEnd), '2024-06-01T05:15:00.000Z');
    assert.equal(iso(w.dayStart), '2024-05-31T18:15:00.000Z');
  });
});
