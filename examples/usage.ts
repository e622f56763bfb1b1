import { createNotificationService } from 'satnotify';

const svc = await createNotificationService({ database: { dataDir: 'memory://' } });
const nodeId = '1X1wN1fYnfG7sacLEaUpfUMaH9qLJG66yRNxiXLMZiBSeARq5w';
await svc.overlay.upsertNode({ id: nodeId, address: '127.0.0.1:28967', email: 'op@example.com' });

// the tally loop: stored and free now, traffic since the last report (decimal bytes: 1 TB = 10^12)
await svc.onUsage(nodeId, { storedBytes: 4.2e12, freeBytes: 0.8e12, egressBytes: 1.1e11, ingressBytes: 3e10 });
// many nodes at once: one statement; a bad report refuses the batch, naming reports[i].field
await svc.onUsages([{ nodeId, storedBytes: 4.3e12, egressBytes: 2e9, at: new Date() }]);

// the node's days, oldest first: each keeps its latest stored and free values and its summed traffic
for (const day of await svc.usage(nodeId)) console.log(day.day, day.storedBytes, day.freeBytes, day.egressBytes);
await svc.close();
