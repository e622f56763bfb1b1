/**
 * @module web/feeds
 * An operator's private feeds (BOINC): every notification, sent, held or suppressed, as RSS 2.0,
 * Atom or JSON Feed (the `feed` package), each item saying what happened and what to do; and the
 * BOINC-style list of an operator's feeds.
 */
import { Feed } from 'feed';
import Handlebars from 'handlebars';
import type { OutboxItem } from '../notification/outbox/outbox.js';
import type { Links } from '../links/links.js';

/** escape makes text safe inside HTML and XML (handlebars' own escaping, as the emails use). */
const escape = (text: string): string => Handlebars.Utils.escapeExpression(text);

export type FeedFormat = 'rss' | 'atom' | 'json';

/** What each outbox status means to a reader. */
const FATE: Record<string, string> = {
  sent: 'Sent.',
  digested: 'Sent in a summary.',
  held: 'Waiting: held by a limit, quiet hours or your digest setting.',
  retry: 'Waiting: the channel failed; it is retried.',
  pending: 'Being sent.',
  failed: 'Could not be delivered.',
  suppressed: 'Not sent.',
};

/** renderFeed writes `items` (newest first) as one feed document. */
export function renderFeed(
  format: FeedFormat,
  operator: string,
  satellite: string,
  items: readonly OutboxItem[],
  links: Links,
): string {
  const feed = new Feed({
    title: `${satellite}: notifications for ${operator}`,
    description: `Everything ${satellite} recorded about your storage nodes, whether or not it was sent to you.`,
    id: links.feed(operator, format),
    link: links.base,
    updated: items[0]?.createdAt ?? new Date(0),
    copyright: '',
    feedLinks: {
      rss: links.feed(operator, 'rss'),
      atom: links.feed(operator, 'atom'),
      json: links.feed(operator, 'json'),
    },
    ttl: 15,
  });
  for (const i of items) {
    const p = i.payload;
    const fate = `${FATE[i.status] ?? i.status}${i.reason && (i.status === 'suppressed' || i.status === 'failed') ? ` (${i.reason})` : ''}`;
    const lines = [
      p.text,
      ...(p.actions.length > 0 && !p.text.includes(p.actions[0] as string)
        ? [`What to do: ${p.actions.join(' ')}`]
        : []),
      fate,
    ];
    feed.addItem({
      title: `${p.title}${p.node ? ` · ${p.node.id.slice(0, 12)}` : ''}`,
      id: links.guid(i.id),
      link: links.guid(i.id),
      guid: links.guid(i.id),
      description: lines.join('\n'),
      content: lines.map((l) => `<p>${escape(l)}</p>`).join(''),
      date: i.createdAt,
      category: [{ name: i.kind }],
    });
  }
  return format === 'rss' ? feed.rss2() : format === 'atom' ? feed.atom1() : feed.json1();
}

/** feedList is BOINC's `<notification_feeds>`: each feed's URL, name, how often to poll, and that it is private. */
export function feedList(operator: string, satellite: string, links: Links): string {
  const feeds = (['rss', 'atom', 'json'] as const)
    .map(
      (f) =>
        `  <feed>\n    <url>${escape(links.feed(operator, f))}</url>\n    <name>${escape(`${satellite} notifications (${f})`)}</name>\n    <update_interval>900</update_interval>\n    <private>1</private>\n  </feed>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<notification_feeds>\n${feeds}\n</notification_feeds>\n`;
}
