import { classifyPgError } from '../../infra/db/errors';
import type { FailureClassifier } from './failure-interceptor';
import { FAILURE_TYPES } from './failure-types';

/**
 * PostgreSQL refusing a value or a constraint (SQLSTATE classes 22, 23, 42) will refuse it again:
 * stop at once. Lost connections, timeouts and conflicts are left to the default, a retry.
 */
export const classifyDatabaseFailure: FailureClassifier = (err) =>
  classifyPgError(err) === 'permanent' ? { failureType: FAILURE_TYPES.badData } : undefined;
