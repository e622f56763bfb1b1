/**
 * @module cli/serve
 * `satnotify serve`: the operator pages and feeds (createWebHandler) on a port, and with `--api`
 * (or `api.listen`) the gRPC API a satellite calls, with the dispatcher running, until SIGINT or SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotificationService } from '../notification/create.js';
import { createWebHandler } from '../web/handler.js';
import { startApi } from '../api/open.js';
import type { ApiServer } from '../api/server.js';

/** serve runs until a signal; `ready` is told the address once it listens. */
export async function serve(
  o: { port: number; host: string; env: NodeJS.ProcessEnv; configFile?: string; api?: string },
  ready: (line: string) => void,
): Promise<void> {
  const svc = await createNotificationService({
    env: o.env,
    ...(o.configFile && { configFile: o.configFile }),
    ...(o.api && { api: { listen: o.api } }),
  });
  const server = createServer(createWebHandler(svc));
  let api: ApiServer | null = null;
  try {
    api = await startApi(svc, o.env);
    if (api) ready(`serving the gRPC API on ${svc.config.api.listen.replace(/:\d+$/, '')}:${api.port}`);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, o.host, resolve));
    const { port } = server.address() as AddressInfo;
    const base = svc.config.web.baseUrl;
    ready(
      `serving operator pages on http://${o.host}:${port}/${base ? ` (links in emails point to ${base})` : ' (set web.baseUrl and web.secrets so that emails link here)'}`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await api?.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await svc.close();
  }
}
