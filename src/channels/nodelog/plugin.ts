/**
 * @module channels/nodelog/plugin
 * The `nodelog` plugin: a notification as a ProcessNotification call into the node's own log, over
 * gRPC. The built-in instance `log` uses it with the `nodeLog` section.
 */
import { NodeId } from '../../overlay/node-id.js';
import { DeliveryError } from '../../errors.js';
import { KIND_INFO, type EventKind, type LogType } from '../../kinds.js';
import type { ChannelPlugin, ChannelSender, Notification } from '../plugin.js';
import type { NodeLogClient } from './client.js';
import { NODELOG_CONFIG } from './config.js';
import { GrpcNodeLogClient } from './grpc-client.js';

export const NODELOG_PLUGIN: ChannelPlugin<typeof NODELOG_CONFIG> = {
  name: 'nodelog',
  params: NODELOG_CONFIG,
  create: (params, context) => nodeLogSender(new GrpcNodeLogClient(params), context.satellite.id, context.instance),
};

/** nodeLogSender sends through `client` (the gRPC one, or one a satellite built with its own credentials). */
export function nodeLogSender(client: NodeLogClient, satelliteId: string, instance: string): ChannelSender {
  // The satellite's id as sent in node-log messages, parsed once (config validated it).
  const satellite = satelliteId ? NodeId.parse(satelliteId).bytes : Buffer.alloc(0);
  return {
    description: 'gRPC into each node’s log',
    async send(n: Notification): Promise<void> {
      if (!n.node) throw new DeliveryError({ channel: instance, permanent: true }, 'a node-log message needs a node');
      const nodeId = NodeId.parse(n.node.id);
      await client.send(n.node.address, {
        nodeId: nodeId.bytes,
        type: logTypeOf(n.kind),
        level: n.level,
        title: n.title,
        message: n.text,
        createdAt: n.createdAt,
        satelliteId: satellite,
        notificationId: n.id,
      });
    },
    close: () => client.close(),
  };
}

/** logTypeOf names a kind as the node log knows it. */
function logTypeOf(kind: string): LogType {
  if (kind === 'digest') return 'DIGEST';
  return kind in KIND_INFO ? KIND_INFO[kind as EventKind].logType : 'CUSTOM';
}
