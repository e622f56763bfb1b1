/**
 * The operators' web side on real HTTP on loopback: a server whose handler is createWebHandler over
 * a harness's service, mounted at `/notify` on a free port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebHandler } from '../../src/web/handler.js';
import { harness, type Harness, type HarnessOptions } from './service.js';

/** The key web harnesses sign links with. */
export const WEB_SECRET = 'web-test-key-0123456789abcdef0123456789';

/** WebHarness is a harness whose service's pages and feeds are served at `base`. */
export interface WebHarness {
  h: Harness;
  base: string;
  close(): Promise<void>;
}

/** webHarness starts the server, then the service with `web.baseUrl` pointing at it. */
export async function webHarness(options: HarnessOptions = {}): Promise<WebHarness> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => void r.end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  const stop = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  let h: Harness;
  try {
    h = await harness({
      ...options,
      web: { baseUrl: base, allowInsecureBaseUrl: true, secrets: [WEB_SECRET], ...options.web },
    });
  } catch (err) {
    await stop();
    throw err;
  }
  handler = createWebHandler(h.svc);
  return {
    h,
    base,
    async close() {
      await h.close();
      await stop();
    },
  };
}
