/**
 * @module channels/nodelog/client
 * The NodeLogClient seam: put one notification into a node's log.
 */
import type { NotificationMessage, NotificationResponse } from './schema.js';

/** NodeLogClient delivers a message to the node at `address` (`host:port`); failures are DeliveryError. */
export interface NodeLogClient {
  send(address: string, message: NotificationMessage): Promise<NotificationResponse>;
  /** close waits for calls in flight and closes every channel. */
  close(): Promise<void>;
}
