/**
 * @module notification/digest/sample-day
 * One operator's mixed day on three nodes, as held notifications: what `satnotify preview digest`
 * renders and what the digest tests read. Built through Content.event, so it is worded exactly as
 * real events are.
 */
import type { RenderedEmail, TemplateSet } from '../../mailservice/templates.js';
import { nodeInfo, type NodeInfo } from '../../overlay/db.js';
import { NodeId } from '../../overlay/node-id.js';
import type { Message } from '../../channels/plugin.js';
import type { NewItem, OutboxItem, StoredMessage } from '../outbox/outbox.js';
import type { EventKind } from '../../kinds.js';
import type { Reader } from '../content/wording.js';
export { SAMPLE_NODE } from '../content/wording.js';

/**
 * SampleDayContent is what the sample day needs of Content; structural, so Content can check its digest on it at
 * startup.
 */
export interface SampleDayContent {
  event(node: NodeInfo, kind: EventKind, data: Record<string, unknown>, at: Date): NewItem[];
  digest(items: readonly OutboxItem[], now: Date, reader: Reader): NewItem;
  presentDigest(p: StoredMessage): Message;
}

const OPERATOR = 'operator@example.com';
const NODES = [
  '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S',
  '1SeLqn3UAUoRymWmwW7axrzJK7JfNaBR2cHCryA6cFsgARhLa',
  '1tHggZ5wKxbrxY2Yt1EAviybdDcKk9Mq4DZQiwKCDWkGtEUXp',
];

/** The day: [node, minutes after 08:00 UTC, kind, data]. */
const DAY: ReadonlyArray<[number, number, EventKind, Record<string, unknown>]> = [
  [0, -6, 'node-offline', { lastContact: '2024-05-01T07:52:00Z' }],
  [0, 35, 'node-online', { offlineSince: '2024-05-01T07:54:00Z', offlineFor: 41 * 60_000 }],
  [1, 70, 'node-offline', { lastContact: '2024-05-01T09:08:00Z' }],
  [2, 100, 'node-offline', { lastContact: '2024-05-01T09:38:00Z' }],
  [0, 172, 'audit-failed', { score: '0.961', threshold: '0.960', distance: '0.001' }],
  [0, 210, 'containment-entered', {}],
  [0, 228, 'containment-released', {}],
  [
    2,
    240,
    'version-outdated',
    { version: '1.60.0', minimum: '1.68.0', latest: '1.70.2', deadline: '2024-05-15T00:00:00Z' },
  ],
];

/** sampleDay is the day's held email notifications for one operator. */
export function sampleDay(content: SampleDayContent): OutboxItem[] {
  return DAY.flatMap(([n, minutes, kind, data]) => {
    const at = new Date(Date.UTC(2024, 4, 1, 8, minutes));
    return content
      .event(sampleNode(NODES[n] as string, n), kind, data, at)
      .filter((i) => i.channel === 'email')
      .map(asHeld);
  });
}

/** asHeld is a new item as a row held by a limit reads, before any attempt: what a digest folds. */
export function asHeld(item: NewItem): OutboxItem {
  const { suppressed: _s, held: _h, ...rest } = item;
  return {
    ...rest,
    status: 'held',
    reason: null,
    attempts: 0,
    ambiguousAttempts: 0,
    sentAt: null,
    digestId: null,
    reservations: null,
  };
}

/**
 * sampleDigest renders the day's digest for `reader` (the day made once by a caller rendering it in several languages).
 */
export function sampleDigest(
  content: SampleDayContent,
  templates: TemplateSet,
  reader: Reader,
  day: readonly OutboxItem[] = sampleDay(content),
): RenderedEmail {
  const item = content.digest(day, new Date(Date.UTC(2024, 4, 1, 13)), reader);
  const email = content.presentDigest(item.payload).email;
  if (!email) throw new Error('a digest of emails has an email');
  return templates.render(email.template, email.data);
}

function sampleNode(id: string, n: number): NodeInfo {
  return nodeInfo({ id: NodeId.parse(id), address: `node${n + 1}.example.com:28967`, email: OPERATOR });
}
