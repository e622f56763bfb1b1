import { createNotificationService } from 'satnotify';

const svc = await createNotificationService({
  database: { url: process.env.DATABASE_URL }, // unset: embedded PGlite in .satnotify/db
  smtp: { url: process.env.SATNOTIFY_SMTP_URL, from: 'Sat <noreply@sat.example>' }, // unset: .eml files in .satnotify/outbox
  limits: { timezone: 'Europe/Berlin', email: { maxHr: 2, maxDay: 5, minDelay: '15m' } },
  satellite: { name: 'us1.storj.io', id: '12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S' },
});

const nodeId = '1X1wN1fYnfG7sacLEaUpfUMaH9qLJG66yRNxiXLMZiBSeARq5w';
await svc.overlay.upsertNode({ id: nodeId, address: '127.0.0.1:28967', email: 'op@example.com', version: '1.70.1' });

const email = await svc.informNodeEmail(nodeId, {
  template: 'audit-failed',
  data: { score: '0.962', threshold: '0.960', distance: '0.002' },
});
console.log('email:', email); // { id, status: 'sent' | 'held' | 'failed', reason?, retryAt? }

// No node listens on 127.0.0.1:28967 here: the first attempt fails, so it is held for a retry (reason says why).
const log = await svc.informNodeLog(nodeId, { type: 'UPTIME_FAILED', level: 'warn', text: 'Your node is offline.' });
console.log('node log:', log);

console.log('counters:', await svc.status(nodeId));
await svc.close();
