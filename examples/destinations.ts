import { randomBytes } from 'node:crypto';
import { createNotificationService } from 'satnotify';

const svc = await createNotificationService({
  database: { dataDir: 'memory://' },
  // The key destinations' delivery data is sealed with: from the environment or the secrets file,
  // never inline (generated here for the example).
  env: { ...process.env, DESTINATIONS_KEY: process.env['DESTINATIONS_KEY'] ?? randomBytes(32).toString('hex') },
  destinations: { kinds: ['webhook', 'email'], encryptionKey: { env: 'DESTINATIONS_KEY' } },
});
const destinations = svc.destinations;
if (!destinations) throw new Error('destinations live on the service database');

// The operator adds a second address; it gets nothing but its code until they enter it.
const d = await destinations.add('op@example.com', { kind: 'email', params: { address: 'op-phone@example.net' } });
await destinations.sendCode('op@example.com', d.id); // here: an .eml file in .satnotify/outbox
// or into the log of one of their nodes: { via: 'node-log', nodeId }
// then, with the code they read there: await destinations.verify('op@example.com', d.id, code);

const [listed] = await destinations.list('op@example.com');
console.log(listed?.status, listed?.params); // unverified { address: 'op-phone@example.net' }
console.log(listed); // its delivery data prints as [private] in logs
await svc.close();
