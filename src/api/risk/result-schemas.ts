import { z } from 'zod';
import { AAL_GRADES, RISK_LEVELS } from '../../domain/risk/loss';
import { FIRST_YEAR, HAZARDS, LAND_COVERS, LAST_YEAR, SCENARIOS } from '../../domain/risk/types';
import { counted, degreesField, integerScoreField, krwField, measured, PRECISION, rateField, scoreField, yearField } from './units';

/** Response schemas of assessment results, each number with its unit (the handlers build their answers as these types). */

const Rule = z.object({ rule: z.string().meta({ description: 'The condition as docs/risk-model.md writes it', examples: ['floors > 10'] }), points: measured('Points the rule adds (negative: subtracts)', 10) });
const FullPrecision = (what: string, example: number) => measured(`${what} (full precision)`, example);
const Formula = (what: string, unit: string, example: number) =>
  z.object({
    formula: z.string(),
    substituted: z.string().describe('The formula with the numbers put in, at full precision'),
    value: measured(`${what}: ${unit} (full precision)`, example),
  });

export const Explanation = z
  .object({
    modelVersion: z.string().describe('The model the explanation was computed with (the current one)'),
    matchesStored: z.boolean().describe('Whether recomputing now gives exactly the stored H, P(H), E, V, AALs, loss and score; false for rows of an older model or data'),
    gridPoint: z.object({
      id: measured('Grid point id', 3521),
      distanceKm: FullPrecision('Great-circle distance from the site: km', 1.234),
      latitude: degreesField('Grid point latitude', 37.6),
      longitude: degreesField('Grid point longitude', 127),
      landCover: z.enum(LAND_COVERS),
      elevationM: measured('Grid point elevation: metres above sea level', 62),
      riverDistanceM: measured('Distance to the nearest river: metres', 2213),
      coastDistanceM: measured('Distance to the coast: metres', 33910),
      forestDistanceM: measured('Distance to forest from the reference data: metres; null when it has none', 800).nullable(),
    }),
    h: FullPrecision('Hazard score H: score 0–100', 52.74000000000001),
    intensity: z.object({ measure: z.string().meta({ description: 'The yearly intensity P(H) is estimated from, with its unit', examples: ['rx1day (mm)'] }), thisYear: FullPrecision("The target year's intensity, in the measure's unit", 171.3) }),
    window: z.object({
      windowYears: z.union([counted('Years of intensities behind P(H) (RISK_WINDOW_YEARS)', 30), z.literal('all')]).describe("Years behind P(H), or 'all' 80"),
      from: yearField('First year of the window'),
      to: yearField('Last year of the window', 2064),
      samples: counted('Yearly intensity samples in the window', 30),
      min: FullPrecision('Smallest sample, in the measure’s unit', 2),
      max: FullPrecision('Largest sample, in the measure’s unit', 21.75),
      mean: FullPrecision('Mean of the samples, in the measure’s unit', 11.9),
      std: FullPrecision('Sample standard deviation (n − 1), in the measure’s unit', 5.8),
    }),
    edges: z.object({
      kind: z.enum(['percentile', 'fixed']),
      baselineYears: z.array(yearField('First and last baseline year', 2021)).nullable().describe('Years whose intensities give percentile edges (2021–2050); null for fixed edges'),
      quantiles: z.array(measured('Quantile: fraction 0–1', 0.8)).nullable().describe('Quantiles of the baseline that are the interior edges; null for fixed edges'),
      beforeOpenEdges: z
        .array(z.union([measured("Edge in the measure's unit", 7.8), z.literal('open')]))
        .describe("Edges before the open ones are resolved from the window's samples"),
      resolved: z.array(FullPrecision("Edge P(H) was integrated over, in the measure's unit", 26.1)),
    }),
    probability: z.object({
      method: z.enum(['kernel', 'counting']).describe('Gaussian kernel integrated per bin, or the share of samples per bin'),
      bandwidth: measured("Scott's kernel bandwidth in the measure's unit; null when counting", 2.7).nullable(),
    }),
    bins: z.array(
      z.object({
        from: FullPrecision("Lower edge, in the measure's unit", 7.8),
        to: FullPrecision("Upper edge, in the measure's unit", 8.525),
        p: FullPrecision('P(H) of the bin: probability 0–1', 0.0367),
        damageRatio: measured('Damage ratio of the bin: fraction of asset value', 0.003),
      }),
    ),
    baseAal: Formula('Base AAL', 'fraction of asset value per year', 0.023411),
    exposure: z.object({
      score: integerScoreField('E', 70),
      rules: z.array(Rule),
      facts: z
        .record(z.string(), z.union([measured('Distances and elevation: metres; latitude: degrees; meanPrcpMm: mm/year; meanCdd: days', 800), z.string(), z.boolean()]))
        .describe('What the E rules looked at'),
      forestDistanceSource: z.enum(['reference data', 'land cover']),
    }),
    vulnerability: z.object({
      score: integerScoreField('V', 55),
      rules: z.array(Rule),
      facts: z
        .record(z.string(), z.union([measured('floorAreaM2: m²; elevationM: metres; ageYears: years; floorsAbove: floors', 12000), z.string(), z.boolean()]))
        .describe('What the V rules looked at'),
    }),
    finalAal: Formula('Final AAL', 'fraction of asset value per year', 0.01737096),
    expectedLoss: Formula('Expected loss', 'KRW per year', 173709600),
    integratedScore: Formula('Integrated score', 'score 0–100', 5.04).extend({ level: z.enum(RISK_LEVELS) }),
    grade: z.enum(AAL_GRADES),
  })
  .describe('Where the result comes from, at full precision (with explain=true, or on the single-result route)');
export type Explanation = z.output<typeof Explanation>;

export const HazardResultView = z.object({
  siteId: z.string(),
  scenario: z.enum(SCENARIOS),
  year: yearField('Target year'),
  hazard: z.enum(HAZARDS),
  h: scoreField('Hazard score H', 52.74),
  e: integerScoreField('Exposure E', 70),
  v: integerScoreField('Vulnerability V', 55),
  pBins: z
    .array(measured(`Probability 0–1, ${PRECISION.probability} decimals`, 0.2863))
    .describe(`P(H) per intensity bin, least to most damaging; they sum to 1 up to rounding to ${PRECISION.probability} decimals`),
  baseAal: rateField('Base AAL (Σ P × damage ratio), before vulnerability and insurance', 0.023411),
  finalAal: rateField('Final AAL, after vulnerability and insurance', 0.01737096),
  expectedLoss: krwField('Expected loss (final AAL × asset value)', 173709600),
  integratedScore: scoreField('Integrated score H × E × V / 10,000', 5.04),
  grade: z.enum(AAL_GRADES).describe('Band of the final AAL: ≤ 0 %, < 3 %, < 6 %, < 10 %, < 16 %, < 30 %, ≥ 30 %'),
  modelVersion: z.string().describe('The model that computed this row, e.g. risk-model/2'),
  computedAt: z.string().describe('ISO 8601 time'),
  explain: Explanation.optional(),
});
export type HazardResultView = z.output<typeof HazardResultView>;

export const CellSummaryView = z.object({
  siteId: z.string(),
  scenario: z.enum(SCENARIOS),
  year: yearField('Target year'),
  totalFinalAal: rateField('Sum of the nine hazards’ final AAL', 0.04128811),
  totalExpectedLoss: krwField('Sum of the nine hazards’ expected loss', 412881100),
  maxIntegratedScore: scoreField('Highest integrated score of the nine hazards', 23.1),
  meanIntegratedScore: scoreField('Mean integrated score of the nine hazards', 5.28),
  topHazards: z.array(z.enum(HAZARDS)).describe('The three hazards with the highest final AAL; ties in the model’s hazard order'),
});
export type CellSummaryView = z.output<typeof CellSummaryView>;

export const ResultsPage = z.object({
  total: counted('Rows (or cells with view=summary) matching the filter', 2880),
  limit: counted('Page size asked for', 1000),
  offset: counted('Rows skipped', 0),
  items: z.array(z.union([HazardResultView, CellSummaryView])).describe('Hazard results, or per-cell summaries with view=summary'),
});
export type ResultsPage = z.output<typeof ResultsPage>;

export const SingleResultParams = z.object({
  id: z.string().min(1).max(200),
  siteId: z.string().min(1).max(100),
  scenario: z.enum(SCENARIOS),
  year: z.coerce.number().int().min(FIRST_YEAR).max(LAST_YEAR),
  hazard: z.enum(HAZARDS),
});
