import { z } from 'zod';
import { FIRST_YEAR, HAZARDS, LAST_YEAR, PURPOSES, SCENARIOS, STRUCTURES } from '../../domain/risk/types';
import { GRID_BOUNDS } from '../../domain/risk/synthetic';

export const MAX_SITES = 10_000;

const Year = z.number().int().min(FIRST_YEAR).max(LAST_YEAR);

export const Building = z.object({
  structure: z.enum(STRUCTURES),
  purpose: z.enum(PURPOSES),
  floorsAbove: z.number().int().min(0).max(200),
  floorsBelow: z.number().int().min(0).max(20),
  ageYears: z.number().min(0).max(500),
  floorAreaM2: z.number().positive().max(10_000_000),
  hasPiloti: z.boolean().default(false),
  hasWaterTank: z.boolean().default(false),
});

export const Site = z.object({
  id: z.string().trim().min(1).max(100).regex(/^[\w.:-]+$/, 'letters, digits, ".", ":", "_" or "-" only'),
  name: z.string().max(200).optional(),
  latitude: z.number().min(GRID_BOUNDS.minLat).max(GRID_BOUNDS.maxLat),
  longitude: z.number().min(GRID_BOUNDS.minLon).max(GRID_BOUNDS.maxLon),
  building: Building,
  asset: z.object({ value: z.number().min(0).max(1e16), insuranceRate: z.number().min(0).max(1) }),
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
      .object({ from: Year, to: Year })
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
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .refine((q) => q.year === undefined || (q.fromYear === undefined && q.toYear === undefined), {
    message: 'use either year or fromYear/toYear',
    path: ['year'],
  });

export const Progress = z.object({
  totalSites: z.number(),
  sitesDone: z.number(),
  sitesFailed: z.number(),
  totalCells: z.number(),
  completedCells: z.number(),
  failedCells: z.number(),
});

/** An assessment's own fields in its view. */
export const AssessmentFields = {
  scenarios: z.array(z.string()),
  years: z.object({ from: z.number(), to: z.number() }),
  progress: Progress,
  sites: z
    .array(
      z.object({
        siteId: z.string(),
        name: z.string().nullable(),
        status: z.string(),
        error: z.string().nullable(),
        gridId: z.number().nullable(),
        gridDistanceKm: z.number().nullable(),
        completedCells: z.number(),
        failedCells: z.number(),
      }),
    )
    .describe('The first 1,000 sites in request order'),
  sitesTruncated: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
};
export type AssessmentFields = z.output<z.ZodObject<typeof AssessmentFields>>;

export const HazardResult = z.object({
  siteId: z.string(),
  scenario: z.string(),
  year: z.number(),
  hazard: z.string(),
  h: z.number().describe('Hazard score, 0–100'),
  e: z.number().describe('Exposure, 0–100'),
  v: z.number().describe('Vulnerability, 0–100'),
  pBins: z.array(z.number()).describe('P(H) per intensity bin, summing to 1'),
  baseAal: z.number(),
  finalAal: z.number(),
  expectedLoss: z.number().describe('KRW'),
  integratedScore: z.number(),
  grade: z.string(),
  modelVersion: z.string(),
  computedAt: z.string(),
});

export const CellSummary = z.object({
  siteId: z.string(),
  scenario: z.string(),
  year: z.number(),
  totalFinalAal: z.number(),
  totalExpectedLoss: z.number(),
  maxIntegratedScore: z.number(),
  meanIntegratedScore: z.number(),
  topHazards: z.array(z.string()).describe('The three hazards with the highest final AAL'),
});

export const ResultsPage = z.object({
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  items: z.array(z.union([HazardResult, CellSummary])).describe('Hazard results, or per-cell summaries with view=summary'),
});
