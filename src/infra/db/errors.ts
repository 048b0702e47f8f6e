/**
 * Whether a PostgreSQL failure can heal on retry. The one place that decides it for the
 * database: connection loss, admin shutdowns, timeouts, serialization failures and deadlocks
 * are transient; bad data and constraint violations are not.
 */
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53', '57', '58', '40'];
const TRANSIENT_SQLSTATES = new Set(['55P03', '55006']); // lock not available, object in use
const PERMANENT_SQLSTATE_CLASSES = ['22', '23', '42'];
const TRANSIENT_NODE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export type PgFailureKind = 'transient' | 'permanent' | 'unknown';

export function classifyPgError(err: unknown): PgFailureKind {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && TRANSIENT_NODE_CODES.has(code)) return 'transient';
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return 'transient';
    if (PERMANENT_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return 'permanent';
  }
  // node-postgres reports a dropped socket or pool timeout without a code.
  if (typeof e?.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message)) {
    return 'transient';
  }
  return 'unknown';
}
