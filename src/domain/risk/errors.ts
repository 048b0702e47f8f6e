/**
 * Raised when a building, grid point or indicator series cannot be scored
 * (NaN, negative area, unknown enum...). Retrying cannot fix bad data, so the
 * activity layer maps this type to a non-retryable failure.
 */
export class InvalidRiskInputError extends Error {
  override readonly name = 'InvalidRiskInputError';

  constructor(
    /** Dotted path of the offending input, e.g. `building.floorAreaM2`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid risk input ${field}: ${reason}`);
  }
}
