import { createNotificationService } from 'satnotify';

const svc = await createNotificationService({
  database: { dataDir: 'memory://' },
  reports: {
    operator: { cadence: 'weekly', weekday: 'mon', at: '09:00' }, // the default; each operator may choose theirs
    network: { instances: [], cadence: 'daily', at: '09:00' }, // name an IRC, MQTT or webhook instance of your own
  },
});
const nodeId = '1X1wN1fYnfG7sacLEaUpfUMaH9qLJG66yRNxiXLMZiBSeARq5w';
await svc.overlay.upsertNode({ id: nodeId, address: '127.0.0.1:28967', email: 'op@example.com' });

// what a report is made of: usage per day and the latest scores
await svc.onUsage(nodeId, { storedBytes: 4.2e12, freeBytes: 0.8e12, egressBytes: 1.1e11, ingressBytes: 3e10 });
await svc.onScores(nodeId, { audit: 0.998, online: 0.97, suspension: 1, vetted: true });

// an operator's own choice: none, daily, weekly or monthly
await svc.preferences.update('op@example.com', { reports: 'daily', timezone: 'Europe/Berlin' });

// a running dispatcher looks for ended periods every reports.every (5m); this records them now
const run = await svc.runReports();
console.log(run); // { operators, empty, network }
await svc.close();
