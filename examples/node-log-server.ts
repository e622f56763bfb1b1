import { NodeLogServer, createNotificationService } from 'satnotify';

// On the storage node: receive notifications into the node's log (one JSON line each on stdout).
const myNodeId = '1X1wN1fYnfG7sacLEaUpfUMaH9qLJG66yRNxiXLMZiBSeARq5w';
const server = new NodeLogServer({ nodeId: myNodeId });
const port = await server.listen('127.0.0.1:0'); // a node listens on e.g. 0.0.0.0:28968

// On the satellite: the node's overlay address is where its log server listens.
const svc = await createNotificationService({ database: { dataDir: 'memory://' }, dispatcher: { autoStart: false } });
await svc.overlay.upsertNode({ id: myNodeId, address: `127.0.0.1:${port}`, email: 'op@example.com' });
console.log(await svc.informNodeLog(myNodeId, { type: 'UPTIME_FAILED', level: 'warn', text: 'Your node is offline.' }));

await svc.close();
await server.close();
