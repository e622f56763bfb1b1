/**
 * @module notification/digest/build
 * A digest as one outbox item: the claimed items of one group (one channel, one node or one
 * operator) folded into one message, worded for its reader when it is made, with the email the
 * digest template renders and the text the node log and other plugins show.
 */
import { randomUUID } from 'node:crypto';
import { MAX_MESSAGE_CHARS, MAX_TITLE_CHARS } from '../../channels/nodelog/schema.js';
import type { EmailLinkMaker } from '../content/record.js';
import { sourceOf, type Reader, type Wording } from '../content/wording.js';
import type { NewItem, OutboxItem, StoredMessage } from '../outbox/outbox.js';
import { digestOf } from './select.js';
import { digestWords, type DigestText } from './words.js';

/** DigestParts are what a digest is made with: the words, and the operator's links when the web part is set up. */
export interface DigestParts {
  wording: Wording;
  links: EmailLinkMaker | null;
}

/**
 * buildDigest folds `items` into one item worded for `reader`: the most serious kinds first, each
 * with its why and what to do once. Its row keeps the words; the layout's shared labels and footer
 * are added as it leaves (Presenter.presentDigest).
 */
export function buildDigest(
  items: readonly OutboxItem[],
  now: Date,
  reader: Reader,
  parts: DigestParts,
  maxLines?: number,
): NewItem {
  const first = items[0] as OutboxItem;
  const d = digestOf(items, maxLines);
  const words = digestWords(parts.wording, d, reader, (i) => sourceOf(i.payload));
  const nodeIds = new Set(items.map((i) => i.nodeId));
  const message: StoredMessage = {
    level: d.level,
    title: words.title.slice(0, MAX_TITLE_CHARS),
    text: digestLogText(words, MAX_MESSAGE_CHARS),
    node: nodeIds.size === 1 ? first.payload.node : null,
    facts: {},
    actions: words.sections.map((s) => s.action).filter(Boolean),
    digest: { count: d.count, nodes: d.nodes },
  };
  const to = first.payload.email?.to;
  if (to) {
    const links = parts.links?.email(to.toLowerCase(), first.channel, 'all', now) ?? null;
    const data = {
      satellite: { name: parts.wording.satellite },
      recipient: to,
      timezone: reader.zone,
      locale: reader.locale,
      links,
      m: { subject: words.subject },
      preheader: words.preheader,
      d: words,
    };
    message.email = { to, template: 'digest', data };
    if (links) message.links = links;
  }
  return {
    id: randomUUID(),
    copyOf: null,
    channel: first.channel,
    groupKey: first.groupKey,
    nodeId: nodeIds.size === 1 ? first.nodeId : null,
    operator: first.operator,
    kind: 'digest',
    bypass: false,
    payload: message,
    title: 'Digest',
    summary: words.title,
    dueAt: now,
    occurredAt: (items.at(-1) as OutboxItem).occurredAt,
    createdAt: now,
  };
}

/**
 * digestLogText is a digest as the node log shows it: the header, then each kind with its lines
 * and what to do, within `maxChars` code points (the last lines give way first, and say so).
 */
function digestLogText(words: DigestText, maxChars: number): string {
  const blocks = words.sections.map((s) => [
    `${s.title} (${s.count}):`,
    ...s.lines.map((l) => `  ${l.when}  ${l.text}`),
    ...(s.action ? [`  → ${s.action}`] : []),
  ]);
  const all = [words.logHeader, ...(words.folded ? [words.folded] : []), ...blocks.flat()];
  let text = all.join('\n');
  for (let kept = all.length - 1; [...text].length > maxChars && kept > 1; kept--)
    text = `${all.slice(0, kept).join('\n')}\n… (${all.length - kept})`;
  return text;
}
