import { resolveConfig } from '../src/config.js';
import { openDatabase } from '../src/database/connect.js';
import { limitBenchmarks } from './limits.js';
const db = await openDatabase(resolveConfig({ database: { url: 'postgres://postgres@127.0.0.1:5432/test', poolSize: 10 } }).database);
for (const c of await limitBenchmarks({ name: 'postgres', pool: db.pool }, 3000)) console.log(c.name, c.peerName, c.ours, c.peer, c.ratio);
await db.close();
const lite = await openDatabase(resolveConfig({ database: { dataDir: 'memory://' } }).database);
for (const c of await limitBenchmarks({ name: 'pglite', pool: lite.pool }, 2000)) console.log(c.name, c.peerName, c.ours, c.peer, c.ratio);
await lite.close();
