import { classifyEtlFailure } from '../etl/failures';
import { classifyRiskFailure } from '../risk/failures';
import { classifySttFailure } from '../stt/failures';
import { classifyDatabaseFailure } from './database-failures';
import type { FailureClassifier } from './failure-interceptor';

/** Every pipeline's classifier, then PostgreSQL's, which any activity may meet. First match wins. */
export const ACTIVITY_FAILURE_CLASSIFIERS: readonly FailureClassifier[] = [classifyRiskFailure, classifySttFailure, classifyEtlFailure, classifyDatabaseFailure];
