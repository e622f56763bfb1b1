/**
 * @module api/config
 * The `api` section: where `satnotify serve --api` listens for a satellite's gRPC calls, and who
 * may call (bearer tokens, client certificates).
 */
import { z } from 'zod';
import { count, duration, MINUTE, section } from '../config-schema.js';
import { SECRET_REF } from '../secrets.js';

/** LISTEN is host:port, the host a name, an IPv4 address or a bracketed IPv6 one. */
const LISTEN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

/** API_CONFIG is the `api` section of the configuration. */
export const API_CONFIG = section(
  {
    listen: z
      .string()
      .refine(
        (v) => v === '' || (LISTEN.test(v) && Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535),
        'must be host:port, e.g. 127.0.0.1:7778 (port 0: any free port)',
      )
      .default('')
      .describe('host:port the gRPC API listens on (`satnotify serve --api` sets it); empty: no API.'),
    tokens: z
      .array(SECRET_REF)
      .max(20)
      .default([])
      .describe(
        'Bearer tokens a caller may send (`authorization: Bearer <token>`), each a `{ secret }` or `{ env }` reference; several let a new one go in before an old one goes.',
      ),
    tls: z
      .strictObject({
        cert: z.string().min(1).describe("PEM file of the server's certificate chain."),
        key: z.string().min(1).describe("PEM file of the server's private key."),
        clientCa: z
          .string()
          .default('')
          .describe(
            'PEM file of the CA whose client certificates may call (mutual TLS); empty: TLS without client certificates.',
          ),
      })
      .nullable()
      .default(null)
      .describe('TLS for the API; null: plain text (loopback only).'),
    maxMessageBytes: count(4 * 1024 * 1024, 1024, 64 * 1024 * 1024, 'Largest request the API accepts, in bytes'),
    maxBatch: count(10_000, 1, 100_000, 'Most items in one batch call'),
    maxInFlight: count(256, 1, 100_000, 'Most calls whose work runs at once; more are RESOURCE_EXHAUSTED'),
    timeout: duration('30s', 100, 10 * MINUTE, "Longest a call may run, whatever the caller's deadline"),
  },
  'The gRPC API a satellite in any language calls (proto/satnotify/v1/satellite.proto).',
).superRefine((a, ctx) => {
  if (!a.listen) return;
  if (a.tokens.length === 0 && !a.tls?.clientCa)
    ctx.addIssue({
      code: 'custom',
      path: ['tokens'],
      message: 'the API needs a way to tell callers apart: tokens, or tls.clientCa for client certificates',
    });
  const host = a.listen.slice(0, a.listen.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  if (!a.tls && !['127.0.0.1', '::1', 'localhost'].includes(host))
    ctx.addIssue({
      code: 'custom',
      path: ['tls'],
      message: 'an API listening beyond loopback needs TLS: tokens would cross the network in clear text',
    });
});

/** ApiConfig is the resolved `api` section. */
export type ApiConfig = z.output<typeof API_CONFIG>;
