/**
 * @module cli/status
 * `satnotify status <nodeId>`: a node's counters, read from the database the config names (or the
 * embedded one in `--db DIR`). It never creates a database just to say a node is unknown.
 */
import { resolveConfig } from '../config.js';
import { embeddedDatabaseExists } from '../database/connect.js';
import { DatabaseError, UnknownNodeError } from '../errors.js';
import { createNotificationService } from '../notification/create.js';
import type { ChannelStatuses } from '../notification/service.js';

/** Where the demo writes its database; named in hints, since it is where a newcomer's nodes are. */
const DEMO_DB = '.satnotify/demo/db';

/**
 * nodeStatus reads the counters of one node. `db` picks the embedded database in that folder (and
 * ignores database URLs in the environment); a missing database or an unknown node says where it looked.
 */
export async function nodeStatus(
  nodeId: string,
  o: { env: NodeJS.ProcessEnv; db?: string; config?: string },
): Promise<ChannelStatuses> {
  const input = o.db ? { database: { dataDir: o.db, url: '' } } : {};
  const env = o.db ? withoutDatabaseUrls(o.env) : o.env;
  const { database } = resolveConfig(input, { env, ...(o.config && { file: o.config }) });
  if (!database.url && !embeddedDatabaseExists(database.dataDir))
    throw new DatabaseError(`no database in ${database.dataDir}${hint(database.dataDir)}`);
  const svc = await createNotificationService({
    ...input,
    env,
    ...(o.config && { configFile: o.config }),
    dispatcher: { autoStart: false },
  });
  try {
    return await svc.status(nodeId);
  } catch (err) {
    if (err instanceof UnknownNodeError)
      throw new UnknownNodeError(
        err.nodeId,
        database.url ? 'the configured PostgreSQL' : `${database.dataDir}${hint(database.dataDir)}`,
      );
    throw err;
  } finally {
    await svc.close();
  }
}

function hint(dataDir: string): string {
  return dataDir === DEMO_DB
    ? ''
    : ` — the demo's database is ${DEMO_DB}; pass --db ${DEMO_DB}, or --config FILE for another database`;
}

function withoutDatabaseUrls(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _a, SATNOTIFY_DATABASE_URL: _b, ...rest } = env;
  return rest;
}
