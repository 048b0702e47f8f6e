/**
 * The small integer codes under which site results store scenarios, hazards and grades
 * (migration 015: risk_scenario_codes, risk_hazard_codes, risk_grade_codes). The tables let SQL
 * turn codes back into names; this module lets the writer encode without asking the database.
 * A test keeps both equal. Codes are never reused or renumbered: stored rows depend on them.
 */
import type { AalGrade } from '../../../domain/risk/loss';
import type { Hazard, Scenario } from '../../../domain/risk/types';

export const SCENARIO_CODES: Readonly<Record<Scenario, number>> = { SSP126: 1, SSP245: 2, SSP370: 3, SSP585: 4 };

export const HAZARD_CODES: Readonly<Record<Hazard, number>> = {
  extreme_heat: 1,
  extreme_cold: 2,
  drought: 3,
  water_stress: 4,
  river_flood: 5,
  urban_flood: 6,
  sea_level_rise: 7,
  typhoon: 8,
  wildfire: 9,
};

export const GRADE_CODES: Readonly<Record<AalGrade, number>> = { none: 0, minimal: 1, minor: 2, moderate: 3, major: 4, severe: 5, extreme: 6 };
