/**
 * @module web/feeds
 * Feeds as documents: RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1, with RFC 5005's `next` link to
 * the next page; and BOINC's list of an operator's feeds. XML is built as a DOM and serialized by
 * @xmldom/xmldom, which escapes every text node and attribute as text (no CDATA, and `&` always:
 * xmlbuilder2 and the `feed` package's xml-js were tried and each let crafted text through as
 * markup); every string passes through feedText first, so the three formats carry the same text
 * and no character XML forbids. Plain text is declared as text (Atom `type="text"`), or escaped
 * into HTML where a format calls for HTML (RSS `description`).
 */
import { DOMImplementation, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { feedHtml, feedText } from './feed-text.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

/** FeedEntry is one notification as a feed lists it. */
export interface FeedEntry {
  /** The guid: a stable URL of the notification. */
  id: string;
  title: string;
  /** The entry's text, a paragraph per line (what happened, what to do, what became of it). */
  lines: readonly string[];
  category: string;
  date: Date;
}

/** FeedDocument is one page of a feed, in any format. */
export interface FeedDocument {
  title: string;
  description: string;
  /** The language the entries are worded in (BCP 47). */
  language: string;
  /** Who writes the feed: the satellite. */
  author: string;
  /** This page's own URL, and the site's. */
  self: string;
  home: string;
  /** The next page, or null on the last. */
  next: string | null;
  /** How often a reader should look again, in minutes. */
  ttlMinutes: number;
  entries: readonly FeedEntry[];
}

/** renderFeed writes `doc` as one feed document of `format`. */
export function renderFeed(format: FeedFormat, doc: FeedDocument): string {
  if (format === 'json') return jsonFeed(doc);
  return format === 'rss' ? rss(doc) : atom(doc);
}

function rss(doc: FeedDocument): string {
  const root = document('rss', {
    version: '2.0',
    'xmlns:atom': 'http://www.w3.org/2005/Atom',
    'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
  });
  const channel = ele(root, 'channel');
  text(channel, 'title', doc.title);
  text(channel, 'link', doc.home);
  text(channel, 'description', doc.description);
  text(channel, 'language', doc.language);
  text(channel, 'lastBuildDate', (doc.entries[0]?.date ?? new Date(0)).toUTCString());
  text(channel, 'ttl', String(doc.ttlMinutes));
  ele(channel, 'atom:link', { rel: 'self', type: 'application/rss+xml', href: doc.self });
  if (doc.next) ele(channel, 'atom:link', { rel: 'next', type: 'application/rss+xml', href: doc.next });
  for (const e of doc.entries) {
    const item = ele(channel, 'item');
    text(item, 'title', e.title);
    text(item, 'link', e.id);
    text(item, 'guid', e.id, { isPermaLink: 'true' });
    text(item, 'pubDate', e.date.toUTCString());
    text(item, 'category', e.category);
    // RSS readers render a description as HTML: the text goes in escaped, so it reads as text.
    text(item, 'description', feedHtml(e.lines));
    text(item, 'content:encoded', feedHtml(e.lines));
  }
  return serialize(root);
}

function atom(doc: FeedDocument): string {
  const feed = document('feed', { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': doc.language });
  text(feed, 'id', doc.self.replace(/[?].*$/, ''));
  text(feed, 'title', doc.title, { type: 'text' });
  text(feed, 'subtitle', doc.description, { type: 'text' });
  text(feed, 'updated', (doc.entries[0]?.date ?? new Date(0)).toISOString());
  text(ele(feed, 'author'), 'name', doc.author);
  ele(feed, 'link', { rel: 'self', type: 'application/atom+xml', href: doc.self });
  ele(feed, 'link', { rel: 'alternate', href: doc.home });
  if (doc.next) ele(feed, 'link', { rel: 'next', type: 'application/atom+xml', href: doc.next });
  for (const e of doc.entries) {
    const entry = ele(feed, 'entry');
    text(entry, 'id', e.id);
    text(entry, 'title', e.title, { type: 'text' });
    text(entry, 'updated', e.date.toISOString());
    text(entry, 'published', e.date.toISOString());
    ele(entry, 'link', { rel: 'alternate', href: e.id });
    ele(entry, 'category', { term: e.category });
    text(entry, 'summary', e.lines.join('\n'), { type: 'text' });
    text(entry, 'content', feedHtml(e.lines), { type: 'html' });
  }
  return serialize(feed);
}

function jsonFeed(doc: FeedDocument): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: feedText(doc.title),
    description: feedText(doc.description),
    home_page_url: doc.home,
    feed_url: doc.self,
    ...(doc.next && { next_url: doc.next }),
    language: doc.language,
    authors: [{ name: feedText(doc.author) }],
    items: doc.entries.map((e) => ({
      id: e.id,
      url: e.id,
      title: feedText(e.title),
      content_text: feedText(e.lines.join('\n')),
      content_html: feedHtml(e.lines),
      date_published: e.date.toISOString(),
      tags: [feedText(e.category)],
    })),
  });
}

/** document starts an XML document with its root element. */
function document(root: string, attributes: Record<string, string>): Element {
  const doc = new DOMImplementation().createDocument(null, root, null);
  const el = doc.documentElement as Element;
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, feedText(v));
  return el;
}

/** ele adds an element, with attributes (text, escaped by the serializer). */
function ele(parent: Element, name: string, attributes: Record<string, string> = {}): Element {
  const el = (parent.ownerDocument as Document).createElement(name);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, feedText(v));
  parent.appendChild(el);
  return el;
}

/** text adds an element holding `value` as text. */
function text(parent: Element, name: string, value: string, attributes: Record<string, string> = {}): void {
  ele(parent, name, attributes).appendChild((parent.ownerDocument as Document).createTextNode(feedText(value)));
}

/** serialize writes the document `root` is in, with its declaration. */
function serialize(root: Element): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(root.ownerDocument as Document)}\n`;
}

/** feedList is BOINC's `<notification_feeds>`: each feed's URL, name, how often to poll, and whether it is private. */
export function feedList(feeds: ReadonlyArray<{ url: string; name: string; private: boolean }>): string {
  const root = document('notification_feeds', {});
  for (const f of feeds) {
    const feed = ele(root, 'feed');
    text(feed, 'url', f.url);
    text(feed, 'name', f.name);
    text(feed, 'update_interval', '900');
    text(feed, 'private', f.private ? '1' : '0');
  }
  return serialize(root);
}
