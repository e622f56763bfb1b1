import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createNotificationService, registerChannelPlugin } from 'satnotify';
import { z } from 'zod';

// The ops team's receiver: it checks the Standard Webhooks signature, then acts on the event.
const secret = process.env.OPS_SECRET ?? `whsec_${Buffer.from('an example secret of 32 bytes!!!').toString('base64')}`;
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const event = new Webhook(secret).verify(body, req.headers as Record<string, string>) as {
      type: string;
      data: { title: string };
    };
    console.log('ops webhook:', event.type, '-', event.data.title);
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const { port } = receiver.address() as AddressInfo;

// A plugin of your own: a name, a params schema, and create(params, context) → { send, close }.
registerChannelPlugin({
  name: 'console',
  params: z.strictObject({ prefix: z.string().default('>') }),
  create: (params) => ({
    description: 'standard output',
    send: (n) => Promise.resolve(console.log(params.prefix, `[${n.level}] ${n.title}: ${n.text}`)),
    close: () => Promise.resolve(),
  }),
});

const svc = await createNotificationService({
  database: { dataDir: 'memory://' },
  env: { ...process.env, OPS_SECRET: secret }, // where { env: … } params are read
  channels: {
    ops: { plugin: 'webhook', params: { url: `http://127.0.0.1:${port}/hook`, secret: { env: 'OPS_SECRET' } } },
    console: { plugin: 'console', params: { prefix: 'pager>' }, limits: { maxHr: 20, maxDay: 100, minDelay: '0s' } },
  },
  hooks: { channels: { 'node-offline': ['email', 'ops', 'console'] }, offlineAfter: '0s' }, // report at the first failed check
  grouping: { wait: '0s' },
});
const nodeId = '1X1wN1fYnfG7sacLEaUpfUMaH9qLJG66yRNxiXLMZiBSeARq5w';
await svc.overlay.upsertNode({ id: nodeId, address: '127.0.0.1:28967', email: 'op@example.com', version: '1.70.1' });

const { ids } = await svc.onUptimeCheck(nodeId, { ok: false }); // one notification per instance
await svc.dispatch();
for (const id of ids) console.log(id, (await svc.delivery(id))?.status);
console.log('counters:', await svc.status(nodeId)); // { email: …, log: …, ops: …, console: … }
await svc.close();
receiver.close();
