import { ConfigError } from '../config';
import type { Logger } from '../infra/logger';

/** Errors whose message already names the setting to fix: print one line, no stack trace. */
const OPERATOR_ERRORS = new Set([
  ConfigError.name,
  'ListenError',
  'PortInUseError',
  'DatabaseUnreachableError',
  'TemporalUnreachableError',
  'TemporalCliNotFoundError',
  'EmbeddedPostgresError',
]);

export function runMain(main: () => Promise<void>): void {
  main().catch((err: Error) => {
    if (OPERATOR_ERRORS.has(err.name)) {
      console.error(`error: ${err.message}`);
    } else {
      console.error(err);
    }
    process.exit(1);
  });
}

/**
 * Runs `stop` once on the first of `signals` (SIGINT/SIGTERM/SIGHUP); a second signal exits at once. With a
 * logger, the shutdown is told as log lines like the rest of the process's output.
 */
export function onShutdownSignal(stop: () => Promise<void>, logger?: Logger, signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    if (logger) logger.info({ signal }, 'shutting down');
    else console.error(`received ${signal}, shutting down…`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        if (logger) logger.error({ err }, 'shutdown failed');
        else console.error(err);
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, handler);
}
