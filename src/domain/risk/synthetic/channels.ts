/**
 * Hash channels: one per independent random quantity. Keeping them in one
 * table guarantees two fields never share a stream by accident (which would
 * silently correlate, say, forest cover with rainfall anomalies).
 */
export const CH = {
  hills: 101,
  streams: 102,
  sprawl: 103,
  towns: 104,
  forest: 105,
  grass: 106,
  barren: 107,
  wetland: 108,
  imperviousness: 109,
  catchment: 110,
  demand: 111,
  seaLevelCell: 112,
  // Yearly anomalies (keyed additionally by year and scenario).
  annualTemp: 201,
  summerTemp: 202,
  winterTemp: 203,
  precip: 204,
  extremeRain: 205,
  rain80: 206,
  dryDays: 207,
  spei: 208,
  humidity: 209,
  wind: 210,
  seaLevel: 211,
  warmSpell: 212,
  coldSpell: 213,
  coldestNight: 214,
  typhoon: 215,
} as const;

/** Folds a year and scenario index into one hash slot. */
export function yearKey(year: number, scenarioIndex: number): number {
  return year * 8 + scenarioIndex;
}
