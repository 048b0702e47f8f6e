import pino from 'pino';

/**
 * Structured JSON lines, one shape for the API, the workers and the dev tools: level, time,
 * component, msg, and the ids of what the line is about (request, workflow, activity).
 */
export type Logger = pino.Logger;

/**
 * An error with its class, message, stack and the chain of causes. pino's own serializer would
 * file an ApplicationFailure's type (`BadData`) under its class name and drop it, so it is kept
 * as `failureType`; the raw failure proto a Temporal failure may carry is left out (the fields
 * above already say what it says).
 */
export function serializeError(err: unknown): unknown {
  if (typeof err !== 'object' || err === null || typeof (err as { message?: unknown }).message !== 'string') return err;
  const serialized = pino.stdSerializers.errWithCause(err as Error) as Record<string, unknown>;
  let out: unknown = serialized;
  let raw: unknown = err;
  while (typeof out === 'object' && out !== null && typeof raw === 'object' && raw !== null) {
    const node = out as Record<string, unknown>;
    const failureType = (raw as { type?: unknown }).type;
    if (typeof failureType === 'string') node.failureType = failureType;
    delete node.failure;
    out = node.cause;
    raw = (raw as { cause?: unknown }).cause;
  }
  return serialized;
}

/**
 * `err` is pino's key for errors; the Temporal SDK puts them under `error` ("Activity failed",
 * "Workflow failed", "Worker failed"). Both get the same serializer, so no failure logs as `{}`.
 * `destination` lets tests read the lines a real run writes.
 */
export function createLogger(level: string, component: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { component },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError, error: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
