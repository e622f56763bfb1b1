/**
 * @module cli/operator
 * `satnotify operator export|erase ADDRESS`: an operator's data rights from the command line. Export
 * prints everything kept about them as JSON; erase removes their address from everything satnotify
 * holds and prints what it did (with sends in flight, it says to run it again).
 */
import { withService, type ReadOptions } from './open.js';

/** operator runs `export` or `erase` for `address` and returns what to print. */
export async function operator(action: 'export' | 'erase', address: string, o: ReadOptions): Promise<string> {
  if (action === 'export')
    return `${JSON.stringify(await withService(o, (svc) => svc.operators.export(address)), null, 2)}\n`;
  const report = await withService(o, (svc) => svc.operators.erase(address));
  const again =
    report.inFlight > 0
      ? `\n${report.inFlight} notification(s) were being sent and were left as they are: run this again in a few minutes.`
      : '';
  return `${JSON.stringify(report, null, 2)}${again}\n`;
}
