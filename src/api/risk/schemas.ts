import { z } from 'zod';
import { FIRST_YEAR, HAZARDS, LAST_YEAR, PURPOSES, SCENARIOS, STRUCTURES } from '../../domain/risk/types';
import { GRID_BOUNDS } from '../../domain/risk/synthetic';
import { counted, kmField, measured, yearField } from './units';

export const MAX_SITES = 10_000;

const Year = z.number().int().min(FIRST_YEAR).max(LAST_YEAR);

export const Building = z.object({
  structure: z.enum(STRUCTURES),
  purpose: z.enum(PURPOSES),
  floorsAbove: z.number().int().min(0).max(200).meta({ description: 'Floors above ground', examples: [12] }),
  floorsBelow: z.number().int().min(0).max(20).meta({ description: 'Floors below ground (basement levels); > 0 means a basement', examples: [2] }),
  ageYears: z.number().min(0).max(500).meta({ description: 'Age of the building: years', examples: [25] }),
  floorAreaM2: z.number().positive().max(10_000_000).meta({ description: 'Total floor area: m²', examples: [15000] }),
  hasPiloti: z.boolean().default(false),
  hasWaterTank: z
    .boolean()
    .optional()
    .describe('Whether the building has a water storage tank. Leave it out when unknown: the model then presumes one where the law requires it (6 floors or 3,000 m²), which differs from false'),
  elevationM: z
    .number()
    .min(-500)
    .max(9_000)
    .optional()
    .meta({ description: "Ground elevation of the site: metres above sea level. Default: the nearest grid point's elevation", examples: [20] }),
});

export const Site = z.object({
  id: z.string().trim().min(1).max(100).regex(/^[\w.:-]+$/, 'letters, digits, ".", ":", "_" or "-" only'),
  name: z.string().max(200).optional(),
  latitude: z.number().min(GRID_BOUNDS.minLat).max(GRID_BOUNDS.maxLat).meta({ description: 'Decimal degrees (WGS 84)', examples: [37.5665] }),
  longitude: z.number().min(GRID_BOUNDS.minLon).max(GRID_BOUNDS.maxLon).meta({ description: 'Decimal degrees (WGS 84)', examples: [126.978] }),
  building: Building,
  asset: z.object({
    value: z.number().min(0).max(1e16).meta({ description: 'Replacement value of the asset: KRW', examples: [50_000_000_000] }),
    insuranceRate: z.number().min(0).max(1).meta({ description: 'Share of losses covered by insurance: fraction 0–1 (0.2 = 20 %)', examples: [0.2] }),
  }),
});

export const CreateRiskAssessment = z
  .object({
    sites: z.array(Site).min(1).max(MAX_SITES),
    scenarios: z
      .array(z.enum(SCENARIOS))
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'scenarios must not repeat')
      .default([...SCENARIOS]),
    years: z
      .object({ from: Year.meta({ description: 'First target year (2021–2100)', examples: [2021] }), to: Year.meta({ description: 'Last target year (2021–2100)', examples: [2100] }) })
      .refine((y) => y.from <= y.to, { message: 'from must not be after to', path: ['to'] })
      .default({ from: FIRST_YEAR, to: LAST_YEAR }),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.sites.forEach((site, i) => {
      if (seen.has(site.id)) ctx.addIssue({ code: 'custom', message: `duplicate site id "${site.id}"`, path: ['sites', i, 'id'] });
      seen.add(site.id);
    });
  });
export type CreateRiskAssessment = z.infer<typeof CreateRiskAssessment>;

export const AssessmentId = z.object({ id: z.string().min(1).max(200) });

/** Explanations are recomputed per row, so an explained page is smaller. */
export const MAX_EXPLAINED = 1000;

const optionalInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

export const ResultsQuery = z
  .object({
    siteId: z.string().optional(),
    scenario: z.enum(SCENARIOS).optional(),
    hazard: z.enum(HAZARDS).optional(),
    year: optionalInt(FIRST_YEAR, LAST_YEAR),
    fromYear: optionalInt(FIRST_YEAR, LAST_YEAR),
    toYear: optionalInt(FIRST_YEAR, LAST_YEAR),
    view: z.enum(['hazards', 'summary']).default('hazards'),
    explain: z
      .enum(['true', 'false'])
      .optional()
      .transform((value) => value === 'true')
      .describe(`true: each hazard result carries \`explain\`, where it comes from at full precision (at most ${MAX_EXPLAINED} rows a page)`),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .refine((q) => q.year === undefined || (q.fromYear === undefined && q.toYear === undefined), {
    message: 'use either year or fromYear/toYear',
    path: ['year'],
  })
  .refine((q) => !q.explain || q.view === 'hazards', { message: 'explain applies to hazard results, not to view=summary', path: ['explain'] })
  .refine((q) => !q.explain || q.limit <= MAX_EXPLAINED, { message: `with explain=true a page holds at most ${MAX_EXPLAINED} rows`, path: ['limit'] });

export const Progress = z.object({
  totalSites: counted('Sites in the assessment', 1),
  sitesDone: counted('Sites finished (completed, partial, failed or canceled)', 1),
  sitesFailed: counted('Sites that failed', 0),
  totalCells: counted('(site, scenario, year) cells: sites × scenarios × years', 320),
  completedCells: counted('Cells computed and stored', 320),
  failedCells: counted('Cells that failed (retry-failed re-runs them)', 0),
});

/** An assessment's own fields in its view. */
export const AssessmentFields = {
  scenarios: z.array(z.enum(SCENARIOS)),
  years: z.object({ from: yearField('First target year', 2021), to: yearField('Last target year', 2100) }),
  progress: Progress,
  sites: z
    .array(
      z.object({
        siteId: z.string(),
        name: z.string().nullable(),
        status: z.string(),
        error: z.string().nullable(),
        gridId: measured('Id of the grid point whose climate the site uses; null until resolved', 3521).nullable(),
        gridDistanceKm: kmField('Distance from the site to that grid point', 1.234).nullable(),
        completedCells: counted('Cells of this site computed', 320),
        failedCells: counted('Cells of this site that failed', 0),
      }),
    )
    .describe('The first 1,000 sites in request order'),
  sitesTruncated: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
};
export type AssessmentFields = z.output<z.ZodObject<typeof AssessmentFields>>;
