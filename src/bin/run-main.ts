import { ConfigError } from '../config';

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

/** Runs `stop` once on the first SIGINT/SIGTERM/SIGHUP; a second signal exits at once. */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`received ${signal}, shutting down…`);
    stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
}
