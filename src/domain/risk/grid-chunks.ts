/** Inclusive grid-id bounds; a batch over part of the grid (tests, benchmarks) passes one. */
export interface GridIdRange {
  from: number;
  to: number;
}

/** A run of consecutive grid points handed to one child workflow or one activity of the grid batch. */
export interface GridChunk {
  firstGridId: number;
  lastGridId: number;
  points: number;
}
