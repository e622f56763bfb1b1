/**
 * @module channels/nodelog/schema
 * The protobuf types of `proto/notification.proto`, loaded with protobufjs, and the gRPC service
 * definition built from them (no @grpc/proto-loader: one protobufjs, one source of truth).
 */
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { LOG_LEVELS, LOG_TYPES, type LogLevel, type LogType } from '../../kinds.js';

/** PROTO_PATH is the schema shipped with the package. */
export const PROTO_PATH = fileURLToPath(new URL('../../../proto/notification.proto', import.meta.url));

/** Bounds on what a node accepts (the server answers INVALID_ARGUMENT beyond them); the satellite checks them first. */
export const MAX_TITLE_CHARS = 200;
export const MAX_MESSAGE_CHARS = 16_384;

/** NotificationMessage is the decoded message, with enums as names and the timestamp as a Date. */
export interface NotificationMessage {
  nodeId: Buffer;
  type: LogType;
  level: LogLevel;
  title: string;
  message: string;
  createdAt: Date;
  satelliteId: Buffer;
  notificationId: string;
}

/**
 * ReceivedMessage is a message as a receiver decodes it: `createdAt` is null when the sender left it
 * out or it lies outside what a Date holds (the receiver refuses both).
 */
export type ReceivedMessage = Omit<NotificationMessage, 'createdAt'> & { createdAt: Date | null };

/** NotificationResponse is the node's answer. */
export interface NotificationResponse {
  accepted: boolean;
  duplicate: boolean;
}

const root = protobuf.loadSync(PROTO_PATH);
const MessageType = root.lookupType('satnotify.v1.NotificationMessage');
const ResponseType = root.lookupType('satnotify.v1.NotificationResponse');

/** METHOD_PATH is the gRPC path of ProcessNotification. */
export const METHOD_PATH = '/satnotify.v1.Notification/ProcessNotification';

/** encodeMessage serialises a message for the wire. */
export function encodeMessage(m: NotificationMessage): Buffer {
  const ms = m.createdAt.getTime();
  return Buffer.from(
    MessageType.encode(
      MessageType.fromObject({
        nodeId: m.nodeId,
        type: LOG_TYPES.indexOf(m.type),
        level: LOG_LEVELS.indexOf(m.level),
        title: m.title,
        message: m.message,
        // A Timestamp's nanos are 0..999,999,999 also before 1970: -0.001 s is seconds -1, nanos 999,000,000.
        createdAt: { seconds: Math.floor(ms / 1000), nanos: (ms - Math.floor(ms / 1000) * 1000) * 1e6 },
        satelliteId: m.satelliteId,
        notificationId: m.notificationId,
      }),
    ).finish(),
  );
}

/** decodeMessage parses wire bytes; an unknown enum value reads as CUSTOM / info, as the proto says. */
export function decodeMessage(b: Buffer): ReceivedMessage {
  const o = MessageType.toObject(MessageType.decode(b), {
    longs: Number,
    enums: Number,
    bytes: Buffer,
    defaults: true,
  }) as {
    nodeId: Buffer;
    type: number;
    level: number;
    title: string;
    message: string;
    createdAt?: { seconds: number; nanos: number };
    satelliteId: Buffer;
    notificationId: string;
  };
  return {
    nodeId: Buffer.from(o.nodeId),
    type: LOG_TYPES[o.type] ?? 'CUSTOM',
    level: LOG_LEVELS[o.level] ?? 'info',
    title: o.title,
    message: o.message,
    createdAt: o.createdAt ? toDate(o.createdAt) : null,
    satelliteId: Buffer.from(o.satelliteId),
    notificationId: o.notificationId,
  };
}

function toDate(t: { seconds: number; nanos: number }): Date | null {
  if (!Number.isSafeInteger(t.seconds) || !Number.isInteger(t.nanos) || t.nanos < 0 || t.nanos > 999_999_999)
    return null;
  const d = new Date(t.seconds * 1000 + Math.floor(t.nanos / 1e6));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** encodeResponse / decodeResponse serialise the answer. */
export function encodeResponse(r: NotificationResponse): Buffer {
  return Buffer.from(ResponseType.encode(ResponseType.fromObject(r)).finish());
}
export function decodeResponse(b: Buffer): NotificationResponse {
  return ResponseType.toObject(ResponseType.decode(b), { defaults: true }) as NotificationResponse;
}

/** NOTIFICATION_SERVICE is the grpc-js service definition of `satnotify.v1.Notification`. */
export const NOTIFICATION_SERVICE: ServiceDefinition = {
  processNotification: {
    path: METHOD_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeMessage,
    requestDeserialize: decodeMessage,
    responseSerialize: encodeResponse,
    responseDeserialize: decodeResponse,
    originalName: 'ProcessNotification',
  },
};
