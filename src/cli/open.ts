/**
 * @module cli/open
 * How the commands that read a satellite's records (`status`, `history`, `operator`) open its
 * service: on the database the config names, or the embedded one in `--db DIR`, with no dispatcher
 * and no retention chore. A missing embedded database is an error that says where it looked; none
 * is created just to say that nothing is there.
 */
import { resolveConfig } from '../config.js';
import { embeddedDatabaseExists } from '../database/connect.js';
import { DatabaseError } from '../errors.js';
import { createNotificationService } from '../notification/create.js';
import type { NotificationService } from '../notification/service.js';

/** Where the demo writes its database; named in hints, since it is where a newcomer's nodes are. */
const DEMO_DB = '.satnotify/demo/db';

/** ReadOptions are the flags those commands share. */
export interface ReadOptions {
  env: NodeJS.ProcessEnv;
  /** An embedded database folder; database URLs in the environment are then ignored. */
  db?: string | undefined;
  config?: string | undefined;
}

/** withService opens the service, runs `use`, and closes it whatever happens; `where` names the database for hints. */
export async function withService<T>(
  o: ReadOptions,
  use: (svc: NotificationService, where: string) => Promise<T>,
): Promise<T> {
  const input = o.db ? { database: { dataDir: o.db, url: '' } } : {};
  const env = o.db ? withoutDatabaseUrls(o.env) : o.env;
  const { database } = resolveConfig(input, { env, ...(o.config && { file: o.config }) });
  const where = database.url ? 'the configured PostgreSQL' : `${database.dataDir}${hint(database.dataDir)}`;
  if (!database.url && !embeddedDatabaseExists(database.dataDir))
    throw new DatabaseError(`no database in ${database.dataDir}${hint(database.dataDir)}`);
  const svc = await createNotificationService({
    ...input,
    env,
    ...(o.config && { configFile: o.config }),
    dispatcher: { autoStart: false },
  });
  try {
    return await use(svc, where);
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
