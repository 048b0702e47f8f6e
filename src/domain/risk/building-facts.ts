/**
 * Attributes the E and V rules read that neither the request nor the reference data states
 * directly (docs/risk-model.md, "Derived attributes"). Each is the original service's rule.
 */
import type { Building, GridStatic, LandCover, Purpose } from './types';

/** The site's own ground elevation when the request gives one; the grid point's otherwise. */
export function siteElevationM(building: Building, grid: GridStatic): number {
  return building.elevationM ?? grid.elevationM;
}

/** No flood map is part of the reference data; the original derived the zone from these two. */
export const FLOOD_ZONE = { belowRiverDistanceM: 100, belowElevationM: 50 } as const;

export function inFloodZone(riverDistanceM: number, elevationM: number): boolean {
  return riverDistanceM < FLOOD_ZONE.belowRiverDistanceM && elevationM < FLOOD_ZONE.belowElevationM;
}

export type WaterDependency = 'high' | 'medium' | 'low';

/** How much a purpose depends on a steady water supply, as the original's keyword lists classed it. */
export const PURPOSE_WATER_DEPENDENCY: Record<Purpose, WaterDependency> = {
  industrial: 'high',
  office: 'medium',
  commercial: 'medium',
  residential: 'low',
  public: 'low',
  warehouse: 'low',
  data_center: 'low',
};

/** Korean building rules require a water tank from 6 floors above ground or 3,000 m² of floor area. */
export const WATER_TANK_LAW = { minFloors: 6, minAreaM2: 3_000 } as const;

export function waterTankRequiredByLaw(building: Building): boolean {
  return building.floorsAbove >= WATER_TANK_LAW.minFloors || building.floorAreaM2 >= WATER_TANK_LAW.minAreaM2;
}

/** The tank E assumes: the request's answer, else what the law requires of the building. */
export function presumedWaterTank(building: Building): boolean {
  return building.hasWaterTank ?? waterTankRequiredByLaw(building);
}

export type WaterStorage = 'large' | 'medium' | 'limited';

/** Storage capacity: a tank holds more in a taller building; without one, only a tall building has some. */
export function waterStorage(building: Building): WaterStorage {
  const tall = building.floorsAbove > 10;
  if (presumedWaterTank(building)) return tall ? 'large' : 'medium';
  return tall ? 'medium' : 'limited';
}

/** Typical distance to forest by the point's own land cover, for reference data that has no distance. */
export const FOREST_DISTANCE_BY_LAND_COVER_M: Record<LandCover, number> = {
  forest: 0,
  agricultural: 300,
  grassland: 500,
  wetland: 1_000,
  barren: 1_500,
  urban: 2_000,
  water: 5_000,
};

/**
 * Distance to forest for wildfire E: the reference data's, or for a grid point without one
 * (a NULL `forest_distance_m`, an empty CSV field) the land-cover estimate.
 */
export function forestDistanceM(grid: { landCover: LandCover; forestDistanceM?: number | null }): number {
  return grid.forestDistanceM ?? FOREST_DISTANCE_BY_LAND_COVER_M[grid.landCover];
}
