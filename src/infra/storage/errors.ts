/**
 * What an object store can refuse, as types. Callers (the activity layer) decide retryability
 * from the type: none of these gets better by retrying the same call with the same input.
 */

/** No object (or no partial upload, for `completePartial`) at `key`. */
export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`No object at ${key}`);
  }
}

/** The body went past `maxBytes`; whatever had been written for this call was removed. */
export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
  constructor(
    readonly key: string,
    readonly maxBytes: number,
  ) {
    super(`Object ${key} exceeds the limit of ${maxBytes} bytes`);
  }
}

/** A key that could escape the store's root or collide with the store's own files. */
export class InvalidObjectKeyError extends Error {
  override readonly name = 'InvalidObjectKeyError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`Invalid object key ${JSON.stringify(key)}: ${reason}`);
  }
}

/**
 * `appendPartial` was asked to write at an offset past what the partial upload holds (a lost or
 * shorter partial, e.g. the retry landed on another machine). Resume from `actualSize` instead.
 */
export class PartialOffsetError extends Error {
  override readonly name = 'PartialOffsetError';
  constructor(
    readonly key: string,
    readonly offset: number,
    readonly actualSize: number,
  ) {
    super(`Partial upload ${key} holds ${actualSize} bytes, cannot write at offset ${offset}`);
  }
}

/** `completePartial` found a size or sha256 other than the caller expected; nothing was published. */
export class ObjectIntegrityError extends Error {
  override readonly name = 'ObjectIntegrityError';
  constructor(
    readonly key: string,
    readonly field: 'size' | 'sha256',
    readonly expected: string | number,
    readonly actual: string | number,
  ) {
    super(`Object ${key}: expected ${field} ${expected}, got ${actual}`);
  }
}
