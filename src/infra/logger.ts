import pino from 'pino';

/** Structured JSON logs; every line carries the component and, where known, workflow/activity ids. */
export type Logger = pino.Logger;

export function createLogger(level: string, component: string): Logger {
  return pino({ level, base: { component }, timestamp: pino.stdTimeFunctions.isoTime });
}
