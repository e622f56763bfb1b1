/**
 * @module notification/broadcast
 * An announcement to every node a filter selects: one email item per node with an operator
 * address, recorded page by page as the overlay streams them, due one after another at
 * `broadcast.ratePerSecond`; per-node limits apply as always when they leave. And what a broadcast
 * said, read back by the id of any copy (its public page).
 */
import type { Locale } from '../i18n/locale.js';
import type { NodeFilter, NodeInfo } from '../overlay/db.js';
import type { Content } from './content/content.js';
import type { NewItem, Outbox } from './outbox/outbox.js';

/** BroadcastResult counts what a broadcast recorded. */
export interface BroadcastResult {
  nodes: number;
  enqueued: number;
  skipped: Array<{ nodeId: string; reason: string }>;
}

/** BroadcastParts are what a broadcast reads and writes. */
export interface BroadcastParts {
  select(filter: NodeFilter): AsyncIterable<NodeInfo[]>;
  content: Pick<Content, 'email'>;
  outbox: Pick<Outbox, 'insert'>;
  ratePerSecond: number;
}

/**
 * recordBroadcast records the email `template` with `data` (checked at the door) for every node `filter` selects, from
 * `start` on.
 */
export async function recordBroadcast(
  parts: BroadcastParts,
  filter: NodeFilter,
  template: string,
  data: Record<string, unknown>,
  start: Date,
): Promise<BroadcastResult> {
  const result: BroadcastResult = { nodes: 0, enqueued: 0, skipped: [] };
  const gapMs = 1000 / parts.ratePerSecond;
  for await (const page of parts.select(filter)) {
    const items: NewItem[] = [];
    for (const node of page) {
      result.nodes++;
      if (!node.email) {
        result.skipped.push({ nodeId: node.id.toString(), reason: 'no operator email' });
        continue;
      }
      const due = new Date(start.getTime() + Math.floor(result.enqueued * gapMs));
      try {
        items.push(parts.content.email(node, template, data, start, due));
        result.enqueued++;
      } catch (err) {
        result.skipped.push({ nodeId: node.id.toString(), reason: (err as Error).message });
      }
    }
    if (items.length) await parts.outbox.insert(items);
  }
  return result;
}

/** Announcement is what a broadcast said, in one of the languages it was given in (`languages`). */
export interface Announcement {
  title: string;
  lines: string[];
  occurredAt: Date;
  language: Locale;
  languages: Locale[];
}

/**
 * announcementOf is what a broadcast said, by the id of any copy of it: the same words for everyone
 * it reached, so its guid may show it without a login; in `language` when it was given in that
 * one, else in the default language. Null for an id that is not an announcement's.
 */
export async function announcementOf(
  parts: { outbox: Pick<Outbox, 'get'>; content: Pick<Content, 'defaultReader' | 'present'> },
  id: string,
  language?: string,
): Promise<Announcement | null> {
  const item = await parts.outbox.get(id);
  if (!item || item.kind !== 'announcement') return null;
  const { defaultReader } = parts.content;
  const translations = Object.keys(item.payload.source?.data['translations'] ?? {}) as Locale[];
  const languages = [...new Set([defaultReader.locale, ...translations])];
  const locale = languages.find((l) => l === language) ?? defaultReader.locale;
  const m = parts.content.present(item, { ...defaultReader, locale });
  const [, ...lines] = m.text.split('\n');
  return { title: m.title, lines, occurredAt: item.occurredAt, language: locale, languages };
}
