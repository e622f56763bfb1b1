import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatClock, formatDecimal, formatInstant, formatSpan, zoneAbbreviation } from '../../../src/i18n/format.js';

describe('format', () => {
  it('names the zone by its letters where English has them, else by its offset', () => {
    const cases: Array<[string, string, string]> = [
      ['2024-05-01T08:04:00Z', 'Europe/Berlin', 'CEST'],
      ['2024-01-15T08:04:00Z', 'Europe/Berlin', 'CET'],
      ['2024-10-27T00:30:00Z', 'Europe/Berlin', 'CEST'], // 02:30, first time (summer time)
      ['2024-10-27T01:30:00Z', 'Europe/Berlin', 'CET'], // 02:30, second time (winter time)
      ['2024-07-04T16:00:00Z', 'America/New_York', 'EDT'],
      ['2024-05-01T08:04:00Z', 'Europe/London', 'BST'],
      ['2024-05-01T08:04:00Z', 'Asia/Kathmandu', 'GMT+5:45'],
      ['2024-09-08T03:30:00Z', 'America/Santiago', 'GMT-4'],
    ];
    for (const [iso, zone, name] of cases)
      assert.equal(zoneAbbreviation(new Date(iso), zone), name, `${iso} in ${zone}`);
  });

  it('tells the two halves of the fall-back hour apart', () => {
    const first = formatInstant(new Date('2024-10-27T00:30:00Z'), 'Europe/Berlin');
    const second = formatInstant(new Date('2024-10-27T01:30:00Z'), 'Europe/Berlin');
    assert.match(first, /^Oct 27, 2024, 02:30 \S+ \(Europe\/Berlin\)$/);
    assert.match(second, /^Oct 27, 2024, 02:30 \S+ \(Europe\/Berlin\)$/);
    assert.notEqual(first, second);
  });

  it('reads an instant the same as its minute, however often it is asked, and changes name at the transition minute', () => {
    // Repeated and interleaved, so remembered readings are what is checked, not first formats.
    for (let round = 0; round < 2; round++) {
      assert.equal(
        formatInstant(new Date('2024-03-31T00:59:59Z'), 'Europe/Warsaw'),
        'Mar 31, 2024, 01:59 CET (Europe/Warsaw)',
      );
      assert.equal(
        formatInstant(new Date('2024-03-31T01:00:00Z'), 'Europe/Warsaw'),
        'Mar 31, 2024, 03:00 CEST (Europe/Warsaw)',
      );
      assert.equal(
        formatInstant(new Date('2024-03-31T01:00:00Z'), 'Europe/Warsaw', 'de'),
        '31.03.2024, 03:00 CEST (Europe/Warsaw)',
      );
      assert.equal(formatClock(new Date('2024-03-31T01:00:30Z'), 'Europe/Warsaw'), '03:00 CEST');
      assert.equal(formatClock(new Date('2024-03-31T01:00:30Z'), 'America/New_York'), '21:00 EDT');
      // Newfoundland changed at 00:01 local until 2011: one minute past the hour, not a quarter.
      assert.equal(formatClock(new Date('2010-03-14T03:30:59Z'), 'America/St_Johns'), '00:00 GMT-3:30');
      assert.equal(formatClock(new Date('2010-03-14T03:31:00Z'), 'America/St_Johns'), '01:01 GMT-2:30');
    }
    // Before 1980 an offset could carry seconds (Amsterdam's +00:19:32 until 1937): formatted each time.
    assert.equal(
      formatClock(new Date('1930-06-01T10:00:00Z'), 'Europe/Amsterdam', 'en'),
      formatClock(new Date('1930-06-01T10:00:00Z'), 'Europe/Amsterdam', 'en'),
    );
    assert.throws(() => formatClock(new Date(Number.NaN), 'UTC'), RangeError);
  });

  it('prints UTC plainly, and clock times with the zone', () => {
    assert.equal(formatInstant(new Date('2024-05-01T10:04:59Z'), 'UTC'), 'May 1, 2024, 10:04 UTC');
    assert.equal(formatClock(new Date('2024-05-01T10:04:00Z'), 'UTC'), '10:04 UTC');
    assert.equal(
      formatClock(new Date('2024-05-01T04:19:00Z'), 'Asia/Kathmandu'),
      `10:04 ${zoneAbbreviation(new Date('2024-05-01T04:19:00Z'), 'Asia/Kathmandu')}`,
    );
  });

  it('spans read in minutes, hours or days', () => {
    assert.equal(formatSpan(37 * 60_000), '37 minutes');
    assert.equal(formatSpan(60_000), '1 minute');
    assert.equal(formatSpan(125 * 60_000), '2 hr 5 min');
    assert.equal(formatSpan((3 * 24 + 4) * 3_600_000), '3 days 4 hr');
  });

  it("reads in the reader's language: dates, decimals and plural forms (Polish has four)", () => {
    const d = new Date('2024-05-01T08:04:00Z');
    assert.equal(formatInstant(d, 'Europe/Berlin', 'de'), '01.05.2024, 10:04 CEST (Europe/Berlin)');
    // The long form: its month in the genitive, as a date after a preposition needs (issue 42).
    assert.equal(formatInstant(d, 'Europe/Warsaw', 'pl'), '1 maja 2024, 10:04 CEST (Europe/Warsaw)');
    assert.equal(formatDecimal('0.961', 'de'), '0,961');
    assert.equal(formatDecimal('0.960', 'en'), '0.960', 'places as given');
    assert.deepEqual(
      [1, 2, 5, 22].map((n) => formatSpan(n * 60_000, 'pl')),
      ['1 minuta', '2 minuty', '5 minut', '22 minuty'],
    );
    assert.equal(formatSpan(37 * 60_000, 'de'), '37 Minuten');
  });
});
