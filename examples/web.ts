import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotificationService, createWebHandler } from 'satnotify';

// In production baseUrl is the public address the handler is mounted at; here a free local port.
let handle: RequestListener = (_req, res) => void res.end();
const server = createServer((req, res) => handle(req, res));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;

const svc = await createNotificationService({
  database: { dataDir: 'memory://' },
  // The first key signs every link; list the previous one after it while its links are still around.
  web: {
    baseUrl, // https:// in production: one-click unsubscribe needs it
    allowInsecureBaseUrl: true, // only because this example serves itself on http://127.0.0.1
    secrets: [process.env.SATNOTIFY_WEB_KEY ?? 'an example key, at least 32 characters long'],
  },
  preferences: { critical: ['disqualified', 'audit-failed'] }, // may move, never be silenced everywhere
});
handle = createWebHandler(svc);

const operator = 'op@example.com';
await svc.preferences.update(operator, {
  timezone: 'Europe/Berlin',
  quietHours: { start: '22:00', end: '07:00' },
  digest: 'daily',
  digestAt: '08:00',
});
console.log(await svc.preferences.get(operator));

const feed = await fetch(await svc.feedUrl(operator)); // the operator's private RSS feed
console.log(feed.status, feed.headers.get('content-type'));
console.log('their page:', svc.links?.preferences(operator, new Date()).replace(/token=.*/, 'token=…'));

await svc.close();
server.close();
