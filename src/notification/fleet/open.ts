/**
 * @module notification/fleet/open
 * Opens a satellite's way into its fleet's mail: the fleet's schema on the satellite's own
 * PostgreSQL (migrated like any satnotify schema: its outbox holds the fleet's mail, its counters
 * the per-address limits the fleet shares), on a small pool of its own.
 */
import { openDatabase, type Database } from '../../database/connect.js';
import { InvalidConfigError } from '../../errors.js';
import type { DatabaseConfig } from '../../database/config.js';
import type { SatelliteConfig } from '../../satellite.js';
import type { GroupingConfig } from '../hooks/config.js';
import { PgStatusStore } from '../limits/pg-store.js';
import { PgOutbox } from '../outbox/pg-outbox.js';
import { FleetMail, type FleetMailDeps } from './mail-room.js';
import { PgFleetStore } from './pg-store.js';
import { Retention } from '../retention/retention.js';
import type { RetentionConfig } from '../retention/config.js';

/** FleetSettings are the sections a fleet is opened with. */
export interface FleetSettings {
  grouping: GroupingConfig;
  database: DatabaseConfig;
  satellite: SatelliteConfig;
  retention: RetentionConfig;
}

/** Connections the fleet's mail needs: a claim and a settle at a time. */
const FLEET_POOL_SIZE = 2;

/** fleetSchemaOf is where a fleet's mail lives. */
export function fleetSchemaOf(fleet: string): string {
  return `satnotify_fleet_${fleet}`;
}

/** FleetParts are the satellite's parts the fleet's mail is made with. */
export type FleetParts = Omit<FleetMailDeps, 'fleet' | 'satellite' | 'store' | 'outbox' | 'status'>;

/** OpenFleet is a satellite's way into its fleet: the mail room, the fleet's retention, and how to close both. */
export interface OpenFleet {
  mail: FleetMail;
  retention: Retention;
  close(): Promise<void>;
}

/**
 * openFleetMail opens the fleet named in `grouping.fleet`, on the satellite's database `db`, or
 * returns null when none is named. A fleet needs PostgreSQL (its satellites are processes apart)
 * and a schema of the satellite's own.
 */
export async function openFleetMail(
  config: FleetSettings,
  db: Database | null,
  parts: FleetParts,
): Promise<OpenFleet | null> {
  const name = config.grouping.fleet;
  if (name === undefined) return null;
  const schema = fleetSchemaOf(name);
  const refuse = (message: string): never => {
    throw new InvalidConfigError([{ path: 'grouping.fleet', message }]);
  };
  if (db?.kind !== 'postgres')
    refuse("needs database.url: a fleet's satellites share one PostgreSQL, and the outbox on it");
  if (config.database.schema === schema) refuse(`is the fleet's own schema; give database.schema another name`);
  const fleetDb = await openDatabase({ ...config.database, schema, poolSize: FLEET_POOL_SIZE });
  const outbox = new PgOutbox(fleetDb.pool, fleetDb.statements);
  const mail = new FleetMail({
    ...parts,
    fleet: { name, schema, waitMs: config.grouping.fleetWaitMs },
    satellite: { id: config.satellite.id, name: config.satellite.name, schema: config.database.schema },
    store: new PgFleetStore((db as Database).pool, fleetDb.pool, schema),
    outbox,
    status: new PgStatusStore(fleetDb.pool, fleetDb.statements),
  });
  // The fleet's mail is pruned like a satellite's own outbox, by every satellite that runs retention.
  const retention = new Retention({
    outbox,
    config: config.retention,
    clock: parts.clock,
    ...(parts.logger && { logger: parts.logger }),
  });
  return {
    mail,
    retention,
    async close() {
      await retention.stop();
      await fleetDb.close();
    },
  };
}
