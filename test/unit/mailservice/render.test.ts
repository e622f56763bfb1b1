import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, TemplateError } from '../../../src/errors.js';
import { mailService, TEMPLATES } from '../../helpers/mail.js';
import { scratchDir } from '../../helpers/scratch.js';
import { EVENT_KINDS } from '../../../src/notification/content/kinds.js';

const mail = mailService({ mail: { outboxDir: scratchDir('render') } });
const KINDS = [...EVENT_KINDS, 'digest'];

function sampleWithNode(field: string, value: string): Record<string, unknown> {
  const d = TEMPLATES.sample('node-offline');
  (d['node'] as Record<string, unknown>)[field] = value;
  return d;
}

describe('templates', () => {
  it('ships every kind, each rendering subject, HTML and text from its sample', () => {
    assert.deepEqual(TEMPLATES.names(), [...KINDS].sort());
    for (const name of KINDS) {
      const r = mail.render(name, TEMPLATES.sample(name));
      assert.ok(r.subject.length > 10 && !/[\r\n]/.test(r.subject), name);
      assert.match(r.html, /<html/);
      assert.match(r.text, /12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S/, `${name} text names the node`);
      assert.match(r.text, /Europe\/Berlin/, `${name} names the zone`);
      if (name !== 'digest' && name !== 'announcement') assert.match(r.text, /What to do/i, `${name} says what to do`);
    }
  });

  it('audit-failed states score, threshold and distance', () => {
    const r = mail.render('audit-failed', TEMPLATES.sample('audit-failed'));
    for (const s of ['0.962', '0.96', '0.002']) assert.ok(r.text.includes(s) && r.html.includes(s), s);
  });

  it('a missing variable is a TemplateError naming the template and the variable', () => {
    const d = TEMPLATES.sample('audit-failed');
    delete d['distance'];
    assert.throws(() => mail.render('audit-failed', d), (e: unknown) => e instanceof TemplateError && /audit-failed\.\w+/.test(e.message) && /"distance"/.test(e.message));
  });

  it('an unknown template is a TemplateError listing the known ones', () => {
    assert.throws(() => mail.render('nope', {}), (e: unknown) => e instanceof TemplateError && /unknown template.*node-offline/.test(e.message));
  });

  it('escapes <script> and leaves {{ handlebars }} in node data inert', () => {
    const r = mail.render('node-offline', sampleWithNode('address', '<script>alert(1)</script>{{satellite.name}}:1'));
    assert.ok(!r.html.includes('<script>'));
    assert.ok(r.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(r.text.includes('{{satellite.name}}:1'), 'text shows the braces literally, not the satellite name');
  });

  it('keeps non-ASCII names intact', () => {
    const d = TEMPLATES.sample('node-offline');
    (d['satellite'] as Record<string, unknown>)['name'] = 'Sätellit Ωmega 東京';
    const r = mail.render('node-offline', d);
    assert.match(r.subject, /^\[Sätellit Ωmega 東京\]/);
  });

  const rejected: Array<[string, () => unknown, RegExp]> = [
    ['CR/LF in a subject-bound value', () => mail.render('node-offline', sampleWithNode('shortId', 'abc\r\nBcc: victim@example.com')), /data\.node\.shortId.*control character/],
    ['LF alone in a subject-bound value', () => mail.render('node-offline', sampleWithNode('shortId', 'abc\nBcc: victim@example.com')), /node-offline subject.*line break/],
    ['CR/LF in the recipient', () => mail.compose('op@example.com\r\nBcc: x@example.com', mail.render('node-online', TEMPLATES.sample('node-online'))), /recipient/],
    ['an invalid recipient', () => mail.compose('not-an-address', mail.render('node-online', TEMPLATES.sample('node-online'))), /recipient.*not an email address/],
    ['an unpaired surrogate', () => mail.render('node-offline', sampleWithNode('address', 'bad\uD800')), /data\.node\.address.*UTF-8/],
    ['a failed decode (U+FFFD)', () => mail.render('node-offline', sampleWithNode('address', 'bad\uFFFD')), /UTF-8/],
    ['an over-long field', () => mail.render('node-offline', sampleWithNode('address', 'x'.repeat(20_001))), /at most 20000/],
    ['CR/LF in a header', () => mail.compose('op@example.com', mail.render('node-online', TEMPLATES.sample('node-online')), { headers: { 'X-A': 'b\r\nBcc: c@d.e' } }), /header X-A/],
  ];
  for (const [name, fn, message] of rejected) {
    it(`rejects ${name} with InvalidInputError`, () => {
      assert.throws(fn, (e: unknown) => e instanceof InvalidInputError && message.test(e.message));
    });
  }
});
