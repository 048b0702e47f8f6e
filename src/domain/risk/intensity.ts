/** The yearly intensity sample each hazard's P(H) is estimated from (see BIN_LAYOUTS). */
import type { GridStatic, Hazard, YearIndicators } from './types';
import { fireWeatherIndex, speiOrSurrogate, waterStressRatio } from './hazard-scores';

export function hazardIntensity(hazard: Hazard, ind: YearIndicators, grid: GridStatic): number {
  switch (hazard) {
    case 'extreme_heat':
      return ind.wsdi;
    case 'extreme_cold':
      return ind.csdi;
    case 'drought':
      return -speiOrSurrogate(ind);
    case 'water_stress':
      return waterStressRatio(ind);
    case 'river_flood':
      return ind.rx1day;
    case 'urban_flood':
      return ind.rain80;
    case 'sea_level_rise':
      return ind.slr / 100 - grid.elevationM;
    case 'typhoon':
      return ind.typhoonIndex;
    case 'wildfire':
      return fireWeatherIndex(ind, grid.landCover);
  }
}
