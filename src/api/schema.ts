/**
 * @module api/schema
 * `proto/satnotify/v1/satellite.proto`, loaded with @grpc/proto-loader: the service definition the
 * server implements, the package definition reflection describes, and the wire shapes of its
 * messages as proto-loader hands them over (enums and 64-bit numbers as strings, defaults filled in).
 */
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';

/** API_PROTO is the schema shipped with the package. */
export const API_PROTO = fileURLToPath(new URL('../../proto/satnotify/v1/satellite.proto', import.meta.url));

/** SERVICE_NAME is the service's full name, as health checks and reflection name it. */
export const SERVICE_NAME = 'satnotify.v1.SatelliteNotifications';

/** API_PACKAGE is the loaded schema. Messages keep their proto field names (node_id), as every client sees them. */
export const API_PACKAGE: PackageDefinition = loadSync(API_PROTO, {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** API_SERVICE is the service definition a grpc-js server implements. */
export const API_SERVICE = API_PACKAGE[SERVICE_NAME] as ServiceDefinition;

/** A google.protobuf wrapper as proto-loader gives it: absent is null. */
export type Wrapped<T> = { value: T } | null;
/** A google.protobuf.Timestamp as proto-loader gives it. */
export type Timestamp = { seconds: string; nanos: number } | null;

export interface NodeMessage {
  node_id: string;
  address: string;
  email: string;
  version: string;
  wallet: string;
}
export interface UptimeCheckRequest {
  node_id: string;
  ok: boolean;
  online_score: Wrapped<number>;
}
export interface AuditResultRequest {
  node_id: string;
  passed: boolean;
  score: number;
  dq_threshold: number;
}
export interface ContainmentRequest {
  node_id: string;
  contained: boolean;
  score: Wrapped<number>;
  dq_threshold: Wrapped<number>;
}
export interface DisqualifiedRequest {
  node_id: string;
  reason: string;
  score: Wrapped<number>;
}
export interface SuspensionRequest {
  node_id: string;
  reason: string;
  suspended: boolean;
  score: Wrapped<number>;
}
export interface VersionCheckRequest {
  node_id: string;
  version: string;
  minimum: string;
  latest: string;
  deadline: Timestamp;
}
export interface ScoresRequest {
  node_id: string;
  audit: Wrapped<number>;
  online: Wrapped<number>;
  suspension: Wrapped<number>;
  vetted: Wrapped<boolean>;
}
export interface InformNodeEmailRequest {
  node_id: string;
  template: string;
  data_json: string;
}
export interface InformNodeLogRequest {
  node_id: string;
  type: string;
  level: string;
  text: string;
  title: string;
}
export interface NodeFilterMessage {
  all: boolean;
  node_ids: string[];
  version_below: string;
  online: Wrapped<boolean>;
  disqualified: Wrapped<boolean>;
  contained: Wrapped<boolean>;
  operator: string;
}
export interface FilterMessage {
  kinds: string[];
  except_kinds: string[];
  nodes: string[];
  min_level: string;
}
export interface PreferencesMessage {
  timezone: string;
  language: string;
  quiet_hours: { start: string; end: string } | null;
  digest: string;
  digest_at: string;
  reports: string;
  filters: Record<string, { filters: FilterMessage[] }>;
}
export interface UsageRequest {
  node_id: string;
  stored_bytes: string;
  free_bytes: Wrapped<string>;
  egress_bytes: string;
  ingress_bytes: string;
  at: Timestamp;
}
