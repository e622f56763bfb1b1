/**
 * @module satnotify/limits
 * MaxHr, MaxDay and MinDelay on their own: the pure decision, the calendar windows in a zone, the
 * StatusStore seam and its in-memory implementation (one process, tests, simulations).
 */
export { decide, EMPTY_STATUS } from '../notification/limits/policy.js';
export type { Decision, DenyReason, LimitOptions, Status } from '../notification/limits/policy.js';
export { windowsAt } from '../notification/limits/windows.js';
export type { Windows } from '../notification/limits/windows.js';
export { MemoryStatusStore } from '../notification/limits/memory-store.js';
export type { StatusStore, StatusKey, Reservation, ReserveResult } from '../notification/limits/store.js';
