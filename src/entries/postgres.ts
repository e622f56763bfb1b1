/**
 * @module satnotify/postgres
 * The stores on PostgreSQL (or the embedded PGlite), for a satellite that wires its own service
 * or shares satnotify's database: opening and migrating it, and each store behind its seam.
 */
export { openDatabase } from '../database/connect.js';
export type { Database } from '../database/connect.js';
export type { StatementPools } from '../database/statements.js';
export { PgStatusStore } from '../notification/limits/pg-store.js';
export { PgOutbox } from '../notification/outbox/pg-outbox.js';
export { PgNodeStateStore } from '../notification/hooks/pg-node-state.js';
export { PgOverlay } from '../overlay/pg-overlay.js';
export { PgPreferenceStore } from '../preferences/pg-store.js';
