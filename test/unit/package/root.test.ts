/**
 * The package root stays small: what a satellite uses (the service, the web handler, the plugin
 * seam, the node-log server and client, resolveConfig, the errors) and no internals. A new root
 * export is a decision, made here; the rest goes on a subpath.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as root from '../../../src/index.js';

it('exports exactly the public values at the root', () => {
  assert.deepEqual(Object.keys(root).sort(), [
    'DatabaseError',
    'DeliveryError',
    'ERROR_CODES',
    'GrpcNodeLogClient',
    'InvalidConfigError',
    'InvalidInputError',
    'InvalidNodeIdError',
    'NodeId',
    'NodeLogServer',
    'SatnotifyError',
    'TemplateError',
    'UnknownNodeError',
    'createNotificationService',
    'createWebHandler',
    'registerChannelPlugin',
    'resolveConfig',
  ]);
});
