/**
 * @module api/open
 * Starts the API a service's configuration asks for (`api.listen`), its tokens read from where
 * their references point: the environment or the secrets file, never the configuration itself.
 */
import type { Logger } from '../logger.js';
import type { NotificationService } from '../notification/service.js';
import { fillSecrets, readSecretsFile } from '../secrets.js';
import { ApiServer } from './server.js';

/** startApi serves `svc` on `svc.config.api.listen`, or returns null when no API is configured. */
export async function startApi(
  svc: NotificationService,
  env: NodeJS.ProcessEnv,
  logger?: Logger,
): Promise<ApiServer | null> {
  const { api, secretsFile } = svc.config;
  if (!api.listen) return null;
  const filled = fillSecrets({ tokens: api.tokens }, 'api', {
    env,
    envSource: 'the environment',
    named: secretsFile ? readSecretsFile(secretsFile) : null,
    ...(secretsFile && { file: secretsFile }),
  });
  const tokens = (filled['tokens'] as unknown[]).map(String);
  return ApiServer.start({ svc, config: api, tokens, ...(logger && { logger }) });
}
