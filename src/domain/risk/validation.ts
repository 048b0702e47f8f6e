/**
 * Input checks at the kernel's edge. Every failure is an InvalidRiskInputError
 * naming the field, because bad reference or request data never heals on retry.
 */
import { LAND_COVERS, PURPOSES, STRUCTURES, type GridStatic, type SiteProfile, type YearIndicators } from './types';
import { InvalidRiskInputError } from './errors';

function requireNumber(field: string, value: unknown, min = -Infinity, max = Infinity): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidRiskInputError(field, `must be a finite number, got ${String(value)}`);
  }
  if (value < min || value > max) throw new InvalidRiskInputError(field, `must be within [${min}, ${max}], got ${value}`);
}

function requireInteger(field: string, value: unknown, min: number): void {
  requireNumber(field, value, min);
  if (!Number.isInteger(value)) throw new InvalidRiskInputError(field, `must be an integer, got ${String(value)}`);
}

function requireOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new InvalidRiskInputError(field, `must be one of ${allowed.join(', ')}, got ${String(value)}`);
  }
}

function requireBoolean(field: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new InvalidRiskInputError(field, `must be a boolean, got ${String(value)}`);
}

export function validateSite(site: SiteProfile): void {
  requireNumber('site.latitude', site.latitude, -90, 90);
  requireNumber('site.longitude', site.longitude, -180, 180);
  const b = site.building;
  requireOneOf('building.structure', b.structure, STRUCTURES);
  requireOneOf('building.purpose', b.purpose, PURPOSES);
  requireInteger('building.floorsAbove', b.floorsAbove, 0);
  requireInteger('building.floorsBelow', b.floorsBelow, 0);
  requireNumber('building.ageYears', b.ageYears, 0);
  requireNumber('building.floorAreaM2', b.floorAreaM2, Number.MIN_VALUE);
  requireBoolean('building.hasPiloti', b.hasPiloti);
  // Absent means "not given": the rules then presume a tank by the legal requirement.
  if (b.hasWaterTank !== undefined) requireBoolean('building.hasWaterTank', b.hasWaterTank);
  // From below the Dead Sea to above Everest: anything outside is a unit mistake (mm, feet × 1000).
  if (b.elevationM !== undefined) requireNumber('building.elevationM', b.elevationM, -500, 9_000);
  requireNumber('asset.value', site.asset.value, 0);
  requireNumber('asset.insuranceRate', site.asset.insuranceRate, 0, 1);
}

export function validateGrid(grid: GridStatic): void {
  requireNumber('grid.latitude', grid.latitude, -90, 90);
  requireNumber('grid.longitude', grid.longitude, -180, 180);
  requireOneOf('grid.landCover', grid.landCover, LAND_COVERS);
  requireNumber('grid.imperviousness', grid.imperviousness, 0, 1);
  requireNumber('grid.riverDistanceM', grid.riverDistanceM, 0);
  requireNumber('grid.coastDistanceM', grid.coastDistanceM, 0);
  // Null: the reference data has no forest distance here; wildfire E falls back to land cover.
  if (grid.forestDistanceM !== null) requireNumber('grid.forestDistanceM', grid.forestDistanceM, 0);
  requireNumber('grid.elevationM', grid.elevationM);
}

const NON_NEGATIVE_INDICATORS = [
  'su25', 'tr25', 'wsdi', 'fd0', 'id0', 'csdi', 'prcp', 'cdd', 'rx1day', 'rain80',
  'ws', 'typhoonWindMs', 'typhoonIndex', 'waterWithdrawal',
] as const satisfies readonly (keyof YearIndicators)[];
const SIGNED_INDICATORS = ['tnn', 'ta', 'slr'] as const satisfies readonly (keyof YearIndicators)[];

export function validateIndicators(field: string, ind: YearIndicators): void {
  requireInteger(`${field}.year`, ind.year, 0);
  for (const key of NON_NEGATIVE_INDICATORS) requireNumber(`${field}.${key}`, ind[key], 0);
  for (const key of SIGNED_INDICATORS) requireNumber(`${field}.${key}`, ind[key]);
  requireNumber(`${field}.rhm`, ind.rhm, 0, 100);
  // Renewable supply of a catchment is never zero; zero here means a broken import, not infinite stress.
  requireNumber(`${field}.waterAvailable`, ind.waterAvailable, Number.MIN_VALUE);
  if (ind.spei12 !== null) requireNumber(`${field}.spei12`, ind.spei12);
  if (ind.typhoonDistanceKm !== null) requireNumber(`${field}.typhoonDistanceKm`, ind.typhoonDistanceKm, 0);
}
