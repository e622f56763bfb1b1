/**
 * @module logger
 * The structured-log seam. Its shape matches pino's (`logger.info(fields, message)`), so a
 * satellite can pass its pino logger; the default says nothing.
 */

/** Logger receives structured log lines; fields never carry secrets. */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** silentLogger discards everything: the harmless default. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** jsonLinesLogger writes one JSON object per line, for the CLI and the demo. */
export function jsonLinesLogger(write: (line: string) => void): Logger {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  return { info: at('info'), warn: at('warn'), error: at('error') };
}
