/**
 * @module database/config
 * The `database` section: where counters, the outbox and the overlay live.
 */
import { z } from 'zod';
import { count, duration, MINUTE, section } from '../config-schema.js';
import { parsePostgresUrl, PostgresUrlError } from './postgres-url.js';

/** DATABASE_CONFIG is the `database` section of the configuration. */
export const DATABASE_CONFIG = section(
  {
    url: z
      .string()
      .default('')
      .superRefine((u, ctx) => {
        if (u === '') return;
        try {
          parsePostgresUrl(u);
        } catch (err) {
          if (!(err instanceof PostgresUrlError)) throw err;
          ctx.addIssue({ code: 'custom', message: err.message });
        }
      })
      .describe(
        'PostgreSQL URL as libpq reads it, host lists and `target_session_attrs=read-write` included (see docs/high-availability.md); empty: the embedded PGlite in `dataDir` (`DATABASE_URL` also sets it).',
      ),
    dataDir: z
      .string()
      .min(1)
      .default('.satnotify/db')
      .describe('Embedded database folder; `memory://` keeps it in memory.'),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (letters, digits, _)')
      .default('satnotify')
      .describe(
        "PostgreSQL schema satnotify's tables live in, created if missing, so they never clash with a satellite's own (a `nodes` table).",
      ),
    poolSize: count(
      10,
      1,
      1000,
      'Connections to a PostgreSQL server in each of two pools: one for batch statements, one for the rest (PGlite has one)',
    ),
    connectTimeout: duration('5s', 100, 10 * MINUTE, 'How long to wait for a connection before failing'),
  },
  'Where counters, the outbox and the overlay live.',
);

/** DatabaseConfig is the resolved `database` section. */
export type DatabaseConfig = z.output<typeof DATABASE_CONFIG>;
