import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, TemplateError } from '../../../src/errors.js';
import { CONTENT, mailService, sampleEmail, TEMPLATES } from '../../helpers/mail.js';
import { scratchDir } from '../../helpers/scratch.js';
import { EVENT_KINDS } from '../../../src/kinds.js';
import { SAMPLE_NODE } from '../../../src/notification/digest/sample-day.js';

const mail = mailService({ mail: { outboxDir: scratchDir('render') } });

/** An email whose node shows `value` in `field`, through the mail service's own checks. */
function withNode(field: 'shortId' | 'address', value: string): () => unknown {
  const e = sampleEmail('node-offline', {}, { ...SAMPLE_NODE, [field]: value });
  return () => mail.render(e.template, e.data);
}

describe('templates', () => {
  it('ships the event, digest, report and destination templates; every kind renders subject, HTML and text from its sample', () => {
    assert.deepEqual(TEMPLATES.names(), ['destination', 'digest', 'event', 'report']);
    for (const kind of EVENT_KINDS) {
      const e = sampleEmail(kind);
      const r = mail.render(e.template, e.data);
      assert.ok(r.subject.length > 10 && !/[\r\n]/.test(r.subject), kind);
      assert.match(r.html, /<html lang="en"/);
      assert.match(r.text, /12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S/, `${kind} text names the node`);
      if (kind !== 'announcement')
        assert.match(
          r.text,
          /When: May 1, 2024, 10:04 CEST \(Europe\/Berlin\)/,
          `${kind} says when, in the reader's zone`,
        );
      assert.match(r.text, /What to do:\n\S/, `${kind} says what to do`);
      assert.doesNotMatch(r.text, /\{\{|undefined|\[object/, kind);
    }
  });

  it('audit-failed states score, threshold and distance, with "below" in subject and body alike', () => {
    const e = sampleEmail('audit-failed');
    const r = mail.render(e.template, e.data);
    for (const s of ['0.961', '0.960', '0.001']) assert.ok(r.text.includes(s) && r.html.includes(s), s);
    assert.match(r.subject, /disqualification below 0\.960/);
    assert.match(r.text, /Disqualified below: 0\.960/);
    assert.doesNotMatch(`${r.subject}${r.text}`, /disqualification at/i);
  });

  it('a disqualification without a reason says plainly that none was given, and names the score and support', () => {
    const e = CONTENT.emailFor(
      'disqualified',
      { reason: '', score: '0.958' },
      SAMPLE_NODE,
      'operator@example.com',
      new Date(0),
      CONTENT.defaultReader,
    );
    const r = mail.render(e.template, e.data);
    assert.doesNotMatch(r.text, /Reason:|not given/);
    assert.match(r.text, /the satellite gave no reason/);
    assert.match(r.text, /Audit score at the time: 0\.958/);
    assert.match(r.text, /contact support/);
  });

  it('an announcement has no per-node "When"', () => {
    const e = sampleEmail('announcement');
    assert.doesNotMatch(mail.render(e.template, e.data).text, /^When:/m);
  });

  it('a missing variable is a TemplateError naming the template and the variable', () => {
    const e = sampleEmail('audit-failed');
    delete (e.data['m'] as Record<string, unknown>)['heading'];
    assert.throws(
      () => mail.render(e.template, e.data),
      (err: unknown) => err instanceof TemplateError && /event\.\w+/.test(err.message) && /"heading"/.test(err.message),
    );
  });

  it('an unknown template is a TemplateError listing the known ones', () => {
    assert.throws(
      () => mail.render('nope', {}),
      (e: unknown) => e instanceof TemplateError && /unknown template.*event/.test(e.message),
    );
  });

  it('escapes <script> and leaves {{ handlebars }} in node data inert', () => {
    const e = sampleEmail(
      'node-offline',
      {},
      { ...SAMPLE_NODE, address: '<script>alert(1)</script>{{satellite.name}}:1' },
    );
    const r = mail.render(e.template, e.data);
    assert.ok(!r.html.includes('<script>'));
    assert.ok(r.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(r.text.includes('{{satellite.name}}:1'), 'text shows the braces literally, not the satellite name');
  });

  it('keeps non-ASCII names intact', () => {
    const e = sampleEmail('node-offline');
    (e.data['satellite'] as Record<string, unknown>)['name'] = 'Sätellit Ωmega 東京';
    assert.match(mail.render(e.template, e.data).subject, /^\[Sätellit Ωmega 東京\]/);
  });

  const online = (): { template: string; data: Record<string, unknown> } => sampleEmail('node-online');
  const rejected: Array<[string, () => unknown, RegExp]> = [
    [
      'CR/LF in a subject-bound value',
      withNode('shortId', 'abc\r\nBcc: victim@example.com'),
      /data\.node\.shortId.*control character/,
    ],
    [
      'LF alone in a subject-bound value',
      withNode('shortId', 'abc\nBcc: victim@example.com'),
      /event subject.*line break/,
    ],
    [
      'CR/LF in the recipient',
      () => mail.compose('op@example.com\r\nBcc: x@example.com', mail.render(online().template, online().data)),
      /recipient/,
    ],
    [
      'an invalid recipient',
      () => mail.compose('not-an-address', mail.render(online().template, online().data)),
      /recipient.*not an email address/,
    ],
    ['an unpaired surrogate', withNode('address', 'bad\uD800'), /data\.node\.address.*UTF-8/],
    ['a failed decode (U+FFFD)', withNode('address', 'bad\uFFFD'), /UTF-8/],
    ['an over-long field', withNode('address', 'x'.repeat(20_001)), /at most 20000/],
    [
      'CR/LF in a header',
      () =>
        mail.compose('op@example.com', mail.render(online().template, online().data), {
          headers: { 'X-A': 'b\r\nBcc: c@d.e' },
        }),
      /header X-A/,
    ],
  ];
  for (const [name, fn, message] of rejected) {
    it(`rejects ${name} with InvalidInputError`, () => {
      assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test(e.message));
    });
  }
});
