/** The middle value of repeated measurements (the upper of the two middle ones for an even count), so it is always one that was measured. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
