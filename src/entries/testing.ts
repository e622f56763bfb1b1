/**
 * @module satnotify/testing
 * For a satellite's own tests and simulations: counters in memory, loggers that print nothing or
 * JSON lines, and the tally of what became of the notifications in an outbox.
 */
export { MemoryStatusStore } from '../notification/limits/memory-store.js';
export { silentLogger, jsonLinesLogger } from '../logger.js';
export { tallyChannel, outcomeOf } from '../notification/outbox/tally.js';
export type { ChannelTally, Outcome } from '../notification/outbox/tally.js';
export { Metrics } from '../notification/metrics.js';
