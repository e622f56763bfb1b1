/**
 * @module notification/content/config
 * The `links` and `reputation` sections: where a message sends the operator for help, and the
 * satellite's reputation rules its messages quote, so "suspended below 0.600 online score" is the
 * satellite's real bar and not a guess.
 */
import { z } from 'zod';
import { DAY, duration, section, url } from '../../config-schema.js';
import { EVENT_KINDS } from '../../kinds.js';

const WEB = ['http', 'https'];

/** LINKS_CONFIG is the `links` section; every link is optional, and a message shows the ones set. */
export const LINKS_CONFIG = section(
  {
    docs: z
      .partialRecord(
        z.enum(EVENT_KINDS),
        url(WEB, 'A guide').refine((u) => u !== '', 'must be a URL'),
      )
      .default({})
      .describe(
        'A guide per kind, with its anchor, e.g. `{ "node-offline": "https://docs.example/node/troubleshoot#offline" }`; shown as a button and in text.',
      ),
    support: url(
      [...WEB, 'mailto'],
      'Where operators ask for help (https:// or mailto:); shown on disqualifications and suspensions',
    ),
    dashboard: url(WEB, "The operators' dashboard; shown on every message"),
  },
  'Links a message offers: the guide for its kind, support, the dashboard.',
);

const score = (def: number, text: string) => z.number().min(0).max(1).default(def).describe(`${text}.`);

/** REPUTATION_CONFIG is the `reputation` section: Storj's rules by default. */
export const REPUTATION_CONFIG = section(
  {
    auditDisqualificationBelow: score(
      0.96,
      'A node whose audit score falls below this is disqualified (quoted when a signal does not carry its own threshold)',
    ),
    onlineSuspensionBelow: score(0.6, 'A node whose online score falls below this is suspended'),
    onlineWindow: duration('30d', DAY, 365 * DAY, 'The span the online score counts'),
    reviewPeriod: duration(
      '30d',
      DAY,
      365 * DAY,
      'How long a node suspended for downtime has to recover before it is disqualified',
    ),
    unknownAuditSuspensionBelow: score(0.6, 'A node whose unknown-audit score falls below this is suspended'),
    unknownAuditGrace: duration(
      '7d',
      DAY,
      365 * DAY,
      'How long a node suspended for unknown audit errors has before it is disqualified',
    ),
  },
  "The satellite's reputation rules, as its messages quote them.",
);

/** HelpLinksConfig is the resolved `links` section: the help a message offers. */
export type HelpLinksConfig = z.output<typeof LINKS_CONFIG>;
/** ReputationConfig is the resolved `reputation` section. */
export type ReputationConfig = z.output<typeof REPUTATION_CONFIG>;
