/**
 * @module database/migrations
 * The schema, as an append-only list of versioned migrations. Never edit a released one; add a new one.
 */
import { FINAL_STATUSES, NOTIFICATION_STATUSES } from '../kinds.js';

/** Migration is one schema step; `version` orders them and is recorded once applied. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** MIGRATIONS in version order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'status',
    // One row per subject (a node id in hex, or `addr:` + an email address) and channel.
    // prev_last_sent lets a refund restore last_sent; granted is replaced by version 11.
    sql: `
      CREATE TABLE satnotify_status (
        subject        text        NOT NULL,
        channel        text        NOT NULL,
        hr_start       timestamptz,
        hr_count       integer     NOT NULL DEFAULT 0,
        day_start      timestamptz,
        day_count      integer     NOT NULL DEFAULT 0,
        last_sent      timestamptz,
        prev_last_sent timestamptz,
        granted        boolean     NOT NULL DEFAULT false,
        PRIMARY KEY (subject, channel)
      );`,
  },
  {
    version: 2,
    name: 'nodes',
    // Column names follow Storj's satellite `nodes` table where one exists.
    sql: `
      CREATE TABLE nodes (
        id                       bytea       PRIMARY KEY,
        address                  text        NOT NULL,
        email                    text        NOT NULL DEFAULT '',
        wallet                   text        NOT NULL DEFAULT '',
        version                  text        NOT NULL DEFAULT '',
        major                    integer,
        minor                    integer,
        patch                    integer,
        last_contact_success     timestamptz,
        last_contact_failure     timestamptz,
        disqualified             timestamptz,
        disqualification_reason  text,
        contained                timestamptz,
        audit_score              double precision,
        unknown_audit_suspended  timestamptz,
        offline_suspended        timestamptz,
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX nodes_email_idx ON nodes (email);`,
  },
  {
    version: 3,
    name: 'outbox',
    // One row per notification (and per digest). group_key is what is delivered together:
    // 'addr:<email>' for email (operator grouping), 'node:<hex>' for the node log (since 6:
    // prefixed with the channel instance).
    // leased_until marks a row being worked on; an expired lease (a crashed worker) frees it again.
    // reservations holds the limit reservations a send owns, so a permanent failure can refund them.
    sql: `
      CREATE TABLE satnotify_outbox (
        id            text        PRIMARY KEY,
        channel       text        NOT NULL,
        group_key     text        NOT NULL,
        node_id       bytea,
        kind          text        NOT NULL,
        bypass        boolean     NOT NULL DEFAULT false,
        payload       jsonb       NOT NULL,
        title         text        NOT NULL,
        summary       text        NOT NULL,
        status        text        NOT NULL,
        reason        text,
        attempts      integer     NOT NULL DEFAULT 0,
        due_at        timestamptz NOT NULL,
        occurred_at   timestamptz NOT NULL,
        created_at    timestamptz NOT NULL,
        sent_at       timestamptz,
        leased_until  timestamptz,
        digest_id     text,
        reservations  jsonb
      );
      CREATE INDEX satnotify_outbox_due_idx ON satnotify_outbox (due_at) WHERE status IN ('pending', 'held', 'retry');
      CREATE INDEX satnotify_outbox_group_idx ON satnotify_outbox (group_key, due_at) WHERE status IN ('pending', 'held', 'retry');
      CREATE INDEX satnotify_outbox_node_idx ON satnotify_outbox (node_id);

      -- What the hooks last saw of each node, so they notify on transitions, not repeats.
      CREATE TABLE satnotify_node_state (
        node_id              bytea       PRIMARY KEY,
        offline_since        timestamptz,
        contained_since      timestamptz,
        audit_failing        boolean     NOT NULL DEFAULT false,
        disqualified_at      timestamptz,
        version_notified_at  timestamptz
      );`,
  },
  {
    version: 4,
    name: 'ambiguous attempts',
    // Attempts whose bytes may have reached the receiver although it never confirmed them (the
    // connection broke after the message was handed over). They count against limits (no refund)
    // and are retried only dispatcher.maxAmbiguousAttempts times.
    sql: `ALTER TABLE satnotify_outbox ADD COLUMN ambiguous_attempts integer NOT NULL DEFAULT 0;`,
  },
  {
    version: 5,
    name: 'uptime memory',
    // offlineAfter and flapping: the start of an unreported failure streak, the offline/online
    // changes counted in the current flap window, and since when a node is reported flapping.
    sql: `
      ALTER TABLE satnotify_node_state
        ADD COLUMN failing_since     timestamptz,
        ADD COLUMN flap_count        integer     NOT NULL DEFAULT 0,
        ADD COLUMN flap_window_start timestamptz,
        ADD COLUMN flapping_since    timestamptz,
        ADD COLUMN last_change_at    timestamptz;`,
  },
  {
    version: 6,
    name: 'channel instances',
    // Channels became named plugin instances sharing one content model. Group keys gain the
    // instance name (two instances may group by the same node), and payloads become that model:
    // an email keeps its template and data under 'email'; a node-log row's node id stays hex,
    // which the nodelog plugin reads as well as base58.
    sql: `
      UPDATE satnotify_outbox SET group_key = channel || ':' || group_key;
      UPDATE satnotify_outbox SET payload = jsonb_build_object(
          'level', CASE WHEN kind = 'disqualified' THEN 'error'
                        WHEN kind IN ('node-offline', 'node-flapping', 'audit-failed', 'containment-entered', 'version-outdated') THEN 'warn'
                        ELSE 'info' END,
          'title', title,
          'text', summary,
          'node', CASE WHEN payload->'data'->'node'->>'id' IS NULL THEN 'null'::jsonb
                       ELSE jsonb_build_object('id', payload->'data'->'node'->>'id', 'address', payload->'data'->'node'->>'address') END,
          'facts', '{}'::jsonb,
          'actions', '[]'::jsonb,
          'email', payload)
        WHERE channel = 'email';
      UPDATE satnotify_outbox SET payload = jsonb_build_object(
          'level', payload->>'level',
          'title', payload->>'title',
          'text', payload->>'text',
          'node', CASE WHEN node_id IS NULL THEN 'null'::jsonb
                       ELSE jsonb_build_object('id', encode(node_id, 'hex'), 'address', payload->>'address') END,
          'facts', '{}'::jsonb,
          'actions', '[]'::jsonb)
        WHERE channel = 'log';`,
  },
  {
    version: 7,
    name: 'operator preferences',
    // An operator's own choices (only what they changed; the rest comes from config), and who each
    // notification is for, so the dispatcher applies their preferences and their feed lists it.
    sql: `
      CREATE TABLE satnotify_preferences (
        operator    text        PRIMARY KEY,
        prefs       jsonb       NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE satnotify_outbox ADD COLUMN operator text;
      CREATE INDEX satnotify_outbox_operator_idx ON satnotify_outbox (operator, created_at) WHERE operator IS NOT NULL;
      CREATE INDEX nodes_email_lower_idx ON nodes (lower(email));`,
  },
  {
    version: 8,
    name: 'suspensions',
    // Storj's two suspensions (a low online score; unknown audit errors), each notified when it
    // starts and when it is lifted.
    sql: `
      ALTER TABLE satnotify_node_state
        ADD COLUMN offline_suspended_at       timestamptz,
        ADD COLUMN unknown_audit_suspended_at timestamptz;`,
  },
  {
    version: 9,
    name: 'words at send time',
    // A kind's message is now worded for its reader when it leaves, from what it was made of
    // (payload.source: the kind and its data). Emails recorded before carry that as their template
    // and data beside satnotify's own fields; lift it out, and drop the old placeholder reason
    // 'not given' (an empty reason is now simply not shown).
    sql: `
      UPDATE satnotify_outbox o
         SET payload = jsonb_set(o.payload, '{source}', jsonb_build_object(
               'kind', o.payload->'email'->>'template',
               'data', CASE WHEN s.data->>'reason' = 'not given' THEN jsonb_set(s.data, '{reason}', '""') ELSE s.data END))
        FROM (SELECT id, (payload->'email'->'data') - ARRAY['satellite', 'recipient', 'timezone', 'node', 'occurredAt', 'links'] AS data
                FROM satnotify_outbox) s
       WHERE s.id = o.id
         AND o.payload->'source' IS NULL
         AND o.payload->'email'->>'template' IN ('node-offline', 'node-online', 'node-flapping', 'audit-failed', 'containment-entered',
               'containment-released', 'disqualified', 'version-outdated', 'offline-suspended', 'offline-unsuspended',
               'unknown-audit-suspended', 'unknown-audit-unsuspended', 'announcement');`,
  },
  {
    version: 10,
    name: 'record order',
    // Notifications recorded at one instant (a frozen clock, hooks within a millisecond) keep the
    // order they were recorded in: a digest pairs "contained" with the "released" that came after it.
    sql: `ALTER TABLE satnotify_outbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;`,
  },
  {
    version: 11,
    name: 'status: reserved_for replaces granted',
    // A reservation reads its outcome from RETURNING (a row denied under the lock is not written),
    // so granted is never read. reserved_for names the outbox item the latest reservation was made
    // for, so a process taking over that item after a crash adopts it instead of counting again.
    sql: `ALTER TABLE satnotify_status DROP COLUMN granted, ADD COLUMN reserved_for text;`,
  },
  {
    version: 12,
    name: 'outbox: room for leases',
    // A notification's row is updated while it is delivered (its lease, its reservations). With a
    // quarter of each page left free, those updates stay on the page and touch no index
    // (heap-only tuples); a full page made each one a new entry in all five indexes, which cost a
    // storm's claims a fifth of their time. Pages written from now on keep the room.
    sql: `ALTER TABLE satnotify_outbox SET (fillfactor = 75);`,
  },
  {
    version: 13,
    name: 'outbox: status check',
    // A row's status is one of the statuses kinds.ts lists, and nothing else: a typo in a query
    // fails there instead of leaving a row no claim or tally knows. Made from that list; a later
    // status needs a migration that makes the CHECK again.
    sql: `ALTER TABLE satnotify_outbox ADD CONSTRAINT satnotify_outbox_status_check
            CHECK (status IN (${NOTIFICATION_STATUSES.map((s) => `'${s}'`).join(', ')}));`,
  },
  {
    version: 14,
    name: 'retention',
    // A notification's copies on other channels name it (copy_of), so its operator's feed lists it
    // once and retention knows what no feed shows. Before, copies were told by sharing operator,
    // instant, node and kind, which also merged two notices of one kind recorded in one
    // millisecond; existing rows are marked by that rule, except rows on the same channel.
    // Retention deletes finished rows oldest first through indexes that hold only finished rows,
    // so recording a notification never touches them (a row enters when it finishes, an update
    // that already writes index entries, status being in the partial indexes' predicates). What was
    // deleted is still counted: per channel, kind and fate for the tallies, and per operator for
    // their feed. Autovacuum comes sooner than its default 20% of dead rows, so the space of
    // deleted rows is reused rather than added to.
    sql: `
      ALTER TABLE satnotify_outbox ADD COLUMN copy_of text;
      UPDATE satnotify_outbox o SET copy_of = f.id
        FROM (SELECT DISTINCT ON (operator, created_at, node_id, kind) id, channel, operator, created_at, node_id, kind
                FROM satnotify_outbox WHERE operator IS NOT NULL AND kind <> 'digest'
               ORDER BY operator, created_at, node_id, kind, channel) f
       WHERE o.operator = f.operator AND o.created_at = f.created_at AND o.node_id IS NOT DISTINCT FROM f.node_id
         AND o.kind = f.kind AND o.channel <> f.channel;
      CREATE INDEX satnotify_outbox_final_idx ON satnotify_outbox (created_at)
        WHERE status IN (${FINAL_STATUSES.map((s) => `'${s}'`).join(', ')});
      CREATE INDEX satnotify_outbox_copies_idx ON satnotify_outbox (created_at)
        WHERE status IN (${FINAL_STATUSES.map((s) => `'${s}'`).join(', ')})
          AND kind <> 'digest' AND (copy_of IS NOT NULL OR operator IS NULL);
      CREATE TABLE satnotify_pruned_counts (
        channel        text   NOT NULL,
        kind           text   NOT NULL,
        status         text   NOT NULL,
        digest_status  text   NOT NULL DEFAULT '',
        count          bigint NOT NULL,
        PRIMARY KEY (channel, kind, status, digest_status)
      );
      CREATE TABLE satnotify_pruned_feed (
        operator  text        PRIMARY KEY,
        items     bigint      NOT NULL,
        through   timestamptz NOT NULL
      );
      ALTER TABLE satnotify_outbox SET (autovacuum_vacuum_scale_factor = 0.05);`,
  },
  {
    version: 15,
    name: 'erased operators',
    // An operator whose data was erased, by a hash of the address (never the address): links made
    // for them before are refused until the satellite notifies that address again.
    sql: `
      CREATE TABLE satnotify_erased (
        address_hash  text        PRIMARY KEY,
        erased_at     timestamptz NOT NULL
      );`,
  },
  {
    version: 16,
    name: 'offline reminders',
    // How many reminders a node still offline has been sent; back to 0 when it is online again.
    sql: `ALTER TABLE satnotify_node_state ADD COLUMN offline_reminders integer NOT NULL DEFAULT 0;`,
  },
  {
    version: 17,
    name: 'snooze',
    // Until when a node's news waits: its operator knows (a planned move, a disk being replaced).
    sql: `ALTER TABLE satnotify_node_state ADD COLUMN snoozed_until timestamptz;`,
  },
  {
    version: 18,
    name: 'storm guard',
    // The storm guard's one row: on since when (null: off), the satellite's reason when it holds by
    // hand, the figures that turned it on, and when it last went off.
    sql: `
      CREATE TABLE satnotify_guard (
        one           boolean     PRIMARY KEY DEFAULT true CHECK (one),
        active_since  timestamptz,
        manual        text,
        checked       integer,
        offline       integer,
        last_ended    timestamptz
      );
      INSERT INTO satnotify_guard DEFAULT VALUES;
      -- The guard counts nodes gone offline since an instant: only nodes down are in this index.
      CREATE INDEX satnotify_node_state_down_idx ON satnotify_node_state ((coalesce(failing_since, offline_since)))
        WHERE failing_since IS NOT NULL OR offline_since IS NOT NULL;`,
  },
  {
    version: 19,
    name: 'scores and milestones',
    // Each reputation score's last report while near its bar, and whether its warning was given
    // (until it is clear again); when the node was first reported unvetted (welcomed), and vetted.
    sql: `
      ALTER TABLE satnotify_node_state
        ADD COLUMN audit_score              double precision,
        ADD COLUMN audit_degrading          boolean NOT NULL DEFAULT false,
        ADD COLUMN unknown_audit_score      double precision,
        ADD COLUMN unknown_audit_degrading  boolean NOT NULL DEFAULT false,
        ADD COLUMN online_score             double precision,
        ADD COLUMN online_degrading         boolean NOT NULL DEFAULT false,
        ADD COLUMN welcomed_at              timestamptz,
        ADD COLUMN vetted_at                timestamptz;
      -- The nodes known before are not new: none is welcomed as if it had just checked in, nor told
      -- of a vetting that may have ended long ago (a node still in vetting then is not told either).
      INSERT INTO satnotify_node_state (node_id, welcomed_at, vetted_at) SELECT id, now(), now() FROM nodes
        ON CONFLICT (node_id) DO UPDATE SET welcomed_at = now(), vetted_at = now();`,
  },
  {
    version: 20,
    name: 'snooze until back',
    // A snooze that ends when the node is back online (at most at snoozed_until).
    sql: `ALTER TABLE satnotify_node_state ADD COLUMN snooze_until_back boolean NOT NULL DEFAULT false;`,
  },
  {
    version: 21,
    name: 'suspension reminders',
    // How many reminders each suspension has been sent; back to 0 when it is lifted.
    sql: `
      ALTER TABLE satnotify_node_state
        ADD COLUMN offline_suspension_reminders        integer NOT NULL DEFAULT 0,
        ADD COLUMN unknown_audit_suspension_reminders  integer NOT NULL DEFAULT 0;`,
  },
  {
    version: 22,
    name: 'usage per node and day',
    // What the satellite reports of each node's usage: per calendar day in its zone, the last
    // stored and free values and the summed traffic (reports read them; retention prunes by day).
    sql: `
      CREATE TABLE satnotify_usage (
        node_id        bytea       NOT NULL,
        day            date        NOT NULL,
        stored_bytes   bigint      NOT NULL,
        free_bytes     bigint,
        egress_bytes   bigint      NOT NULL DEFAULT 0,
        ingress_bytes  bigint      NOT NULL DEFAULT 0,
        reported_at    timestamptz NOT NULL,
        PRIMARY KEY (node_id, day)
      );
      CREATE INDEX satnotify_usage_day_idx ON satnotify_usage (day);`,
  },
  {
    version: 23,
    name: 'public news',
    // Announcements made public (the public news feed): the same words for everyone, nothing private.
    sql: `
      CREATE TABLE satnotify_news (
        id           text        PRIMARY KEY,
        recorded_at  timestamptz NOT NULL,
        data         jsonb       NOT NULL
      );
      CREATE INDEX satnotify_news_recent_idx ON satnotify_news (recorded_at DESC);`,
  },
  {
    version: 24,
    name: 'reports',
    // Each node's latest reputation scores as the satellite reported them (a report shows them
    // against their bars), and the periods already reported: one row per subject (a hash of the
    // operator's address, or 'network') and period, written with the report's outbox row, so a
    // period is reported once whatever the number of processes.
    sql: `
      CREATE TABLE satnotify_scores (
        node_id        bytea             PRIMARY KEY,
        audit          double precision,
        unknown_audit  double precision,
        online         double precision,
        vetted         boolean,
        reported_at    timestamptz       NOT NULL
      );
      CREATE TABLE satnotify_report_periods (
        subject      text        NOT NULL,
        period       text        NOT NULL,
        item_id      text        NOT NULL,
        recorded_at  timestamptz NOT NULL,
        PRIMARY KEY (subject, period)
      );
      CREATE INDEX satnotify_outbox_node_occurred_idx ON satnotify_outbox (node_id, occurred_at) WHERE copy_of IS NULL;`,
  },
  {
    version: 25,
    name: "operators' destinations",
    // Destinations operators add of their own: their delivery data sealed (never stored in the
    // clear), a pending verification code only as its MAC, and their health.
    sql: `
      CREATE TABLE satnotify_destinations (
        id               text        PRIMARY KEY,
        operator         text        NOT NULL,
        kind             text        NOT NULL,
        label            text        NOT NULL,
        sealed           text        NOT NULL,
        status           text        NOT NULL,
        code_mac         text,
        code_expires_at  timestamptz,
        code_attempts    integer     NOT NULL DEFAULT 0,
        failures         integer     NOT NULL DEFAULT 0,
        last_error       text,
        created_at       timestamptz NOT NULL,
        verified_at      timestamptz
      );
      CREATE INDEX satnotify_destinations_operator_idx ON satnotify_destinations (operator);`,
  },
];
