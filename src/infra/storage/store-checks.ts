import { ObjectIntegrityError } from './errors';

/** Argument checks every store makes the same way, so callers get the same errors from each. */

export function assertByteCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

export function checkExpected<T extends string | number>(key: string, field: 'size' | 'sha256', expected: T | undefined, actual: T): void {
  if (expected !== undefined && expected !== actual) throw new ObjectIntegrityError(key, field, expected, actual);
}

/** The RangeErrors of ObjectStore.get that do not depend on the object's size. */
export function assertRange(range: { start: number; end?: number }): void {
  assertByteCount('range.start', range.start);
  if (range.end === undefined) return;
  assertByteCount('range.end', range.end);
  if (range.end < range.start) throw new RangeError(`range ends at ${range.end}, before its start ${range.start}`);
}
