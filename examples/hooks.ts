import { createNotificationService } from 'satnotify';

const svc = await createNotificationService({ database: { dataDir: 'memory://' } });
const node = { id: '1X1wN1fYnfG7sacLEaUpfUMaH9qLJG66yRNxiXLMZiBSeARq5w', version: '1.60.2' };
await svc.overlay.upsertNode({
  id: node.id,
  address: '127.0.0.1:28967',
  email: 'op@example.com',
  version: node.version,
});

// uptime chore: after each contact attempt
const reached = false;
await svc.onUptimeCheck(node.id, { ok: reached });

// audit worker: after each audit outcome (score and threshold in 0..1)
await svc.onAuditResult(node.id, { passed: false, score: 0.962, dqThreshold: 0.96 });

// containment: when a node enters or leaves it
await svc.onContainment(node.id, { contained: true });

// disqualification: once, when it happens
await svc.onDisqualified(node.id, { reason: 'audit failure' });

// version check: every time the node reports its version
await svc.onVersionCheck(node.id, { version: node.version, minimum: '1.68.0' });

// reputation: when a suspension (low online score, or unknown audit errors) starts or is lifted
await svc.onSuspension(node.id, { reason: 'unknown-audit', suspended: true });

// announcements to a group, streamed from the overlay in pages, at broadcast.ratePerSecond
const sent = await svc.broadcast(
  { versionBelow: '1.68.0' },
  {
    template: 'announcement',
    data: {
      title: 'Please update to 1.68',
      paragraphs: ['Versions below 1.68.0 stop receiving data on 2024-05-15.'],
      action: 'Update the node software.',
    },
  },
);
console.log(sent); // { nodes: 1, enqueued: 1, skipped: [] }
await svc.close();
