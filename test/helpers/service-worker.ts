/**
 * A child process running a NotificationService on a shared PostgreSQL, for the multi-process
 * fault tests. argv: mode url smtpUrl [args…]; SATNOTIFY_TEST_GUARD: JSON of the `guard` and
 * `channels` options (default: the guard's count off); SATNOTIFY_TEST_OPTIONS: JSON of further
 * options (a fleet's satellite: its `satellite`, `grouping`, `hooks` and `database.schema`)
 *   dispatch            run the background dispatcher until killed (prints "ready")
 *   dispatch-when-told  as dispatch, but passes start only on SIGUSR2: processes that start apart
 *                       (tsx, migrations) begin dispatching together
 *   inform NODE N START fire N concurrent informNodeEmail for NODE at START (epoch ms); print the tally of statuses and
 * retryAt
 */
import { createNotificationService } from '../../src/notification/create.js';

const [mode, url, smtpUrl, ...rest] = process.argv.slice(2) as [string, string, string, ...string[]];
const fixedNow = process.env['SATNOTIFY_TEST_NOW'];
const { database, ...options } = JSON.parse(process.env['SATNOTIFY_TEST_OPTIONS'] ?? '{}') as {
  database?: { schema?: string };
};
const svc = await createNotificationService({
  ...(fixedNow && { clock: () => new Date(fixedNow) }),
  database: { url, poolSize: 10, ...database },
  smtp: { url: smtpUrl, maxConnections: 4 },
  limits: JSON.parse(process.env['SATNOTIFY_TEST_LIMITS'] ?? '{}') as Record<string, never>,
  grouping: { wait: '0s' },
  dispatcher: { autoStart: mode === 'dispatch', interval: '10ms', lease: '3s', concurrency: 8 },
  // The storm guard (and the channel it alerts), for the test that runs it in several processes.
  ...(JSON.parse(process.env['SATNOTIFY_TEST_GUARD'] ?? '{"guard":{"enabled":false}}') as Record<string, never>),
  ...(options as Record<string, never>),
});

if (mode === 'dispatch') {
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void svc.close().then(() => process.exit(0)));
} else if (mode === 'dispatch-when-told') {
  let stopped = false;
  let passes: Promise<void> = Promise.resolve();
  process.once('SIGUSR2', () => {
    passes = (async () => {
      while (!stopped) {
        await svc.dispatch().catch((err: unknown) => process.stderr.write(`dispatch: ${String(err)}\n`));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
  });
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    stopped = true;
    void passes.then(() => svc.close()).then(() => process.exit(0));
  });
} else if (mode === 'inform') {
  const [node, n, start] = rest as [string, string, string];
  await new Promise((r) => setTimeout(r, Math.max(0, Number(start) - Date.now())));
  const results = await Promise.all(
    Array.from({ length: Number(n) }, (_, i) =>
      svc.informNodeEmail(node, {
        template: 'announcement',
        data: { title: `Concurrent ${process.pid}-${i}`, paragraphs: ['x'], action: 'none' },
      }),
    ),
  );
  // The tally counts statuses, and for held calls each retryAt they were told.
  const tally: Record<string, number> = {};
  for (const r of results) {
    tally[r.status] = (tally[r.status] ?? 0) + 1;
    if (r.retryAt) tally[`retryAt ${r.retryAt}`] = (tally[`retryAt ${r.retryAt}`] ?? 0) + 1;
  }
  await svc.close();
  process.stdout.write(JSON.stringify(tally));
}
