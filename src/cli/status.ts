/**
 * @module cli/status
 * `satnotify status <nodeId>`: a node's counters, read from the database the config names (or the
 * embedded one in `--db DIR`).
 */
import { UnknownNodeError } from '../errors.js';
import type { ChannelStatuses } from '../notification/service.js';
import { withService, type ReadOptions } from './open.js';

/** nodeStatus reads the counters of one node; an unknown node says where it looked. */
export function nodeStatus(nodeId: string, o: ReadOptions): Promise<ChannelStatuses> {
  return withService(o, async (svc, where) => {
    try {
      return await svc.status(nodeId);
    } catch (err) {
      throw err instanceof UnknownNodeError ? new UnknownNodeError(err.nodeId, where) : err;
    }
  });
}
