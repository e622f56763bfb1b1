import { resolveConfig } from 'satnotify';

// Defaults < a JSON file (`file: 'satnotify.json'`) < SATNOTIFY_… variables < this object.
const config = resolveConfig(
  { limits: { timezone: 'Europe/Berlin', email: { maxHr: 2, maxDay: 5, minDelay: '15m' } } },
  { env: process.env },
);
console.log(config.limits.email); // { maxHr: 2, maxDay: 5, minDelayMs: 900000 }
