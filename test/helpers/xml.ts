/**
 * Feeds read by a strict, independent XML parser: Python's xml.etree (expat), which refuses any
 * document that is not well-formed. Many documents go to one python3 process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** FeedItem is one item or entry as the parser read it: its text fields, and every link it has. */
export interface FeedItem {
  title: string;
  text: string;
  guid: string;
  links: string[];
}

/** ParsedFeed is a document's items, or why the parser refused it. */
export type ParsedFeed =
  { ok: true; items: FeedItem[]; links: Array<{ rel: string; href: string }> } | { ok: false; error: string };

const SCRIPT = String.raw`
import json, sys, xml.etree.ElementTree as ET
A = '{http://www.w3.org/2005/Atom}'
out = []
for doc in json.load(sys.stdin):
    try:
        root = ET.fromstring(doc.encode('utf-8'))
    except ET.ParseError as e:
        out.append({'ok': False, 'error': str(e)}); continue
    items, links = [], []
    if root.tag == 'rss':
        ch = root.find('channel')
        links = [{'rel': l.get('rel'), 'href': l.get('href')} for l in ch.findall(A + 'link')]
        for i in ch.findall('item'):
            items.append({'title': i.findtext('title') or '', 'text': i.findtext('description') or '', 'guid': i.findtext('guid') or '', 'links': [i.findtext('link') or '']})
    else:
        links = [{'rel': l.get('rel'), 'href': l.get('href')} for l in root.findall(A + 'link')]
        for e in root.findall(A + 'entry'):
            items.append({'title': e.findtext(A + 'title') or '', 'text': e.findtext(A + 'summary') or '', 'guid': e.findtext(A + 'id') or '', 'links': [l.get('href') for l in e.findall(A + 'link')]})
    out.append({'ok': True, 'items': items, 'links': links})
json.dump(out, sys.stdout)
`;

/** parseFeeds parses RSS or Atom documents strictly; each comes back parsed, or refused with the parser's reason. */
export async function parseFeeds(docs: readonly string[]): Promise<ParsedFeed[]> {
  const child = run('python3', ['-c', SCRIPT], { maxBuffer: 256 * 1024 * 1024 });
  child.child.stdin?.end(JSON.stringify(docs));
  return JSON.parse((await child).stdout) as ParsedFeed[];
}
