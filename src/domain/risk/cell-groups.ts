import { SCENARIOS, type Scenario } from './types';

/** A unit of durable work: some years of one scenario for one site, computed by one activity. */
export interface CellGroup {
  scenario: Scenario;
  years: number[];
}

/** Splits cells into groups of at most `yearsPerGroup` years, one scenario per group, in scenario then year order. */
export function groupCells(cells: ReadonlyArray<{ scenario: Scenario; year: number }>, yearsPerGroup: number): CellGroup[] {
  if (!Number.isInteger(yearsPerGroup) || yearsPerGroup < 1) throw new RangeError(`yearsPerGroup must be a positive integer, got ${yearsPerGroup}`);
  const groups: CellGroup[] = [];
  for (const scenario of SCENARIOS) {
    const years = [...new Set(cells.filter((c) => c.scenario === scenario).map((c) => c.year))].sort((a, b) => a - b);
    for (let i = 0; i < years.length; i += yearsPerGroup) groups.push({ scenario, years: years.slice(i, i + yearsPerGroup) });
  }
  return groups;
}

/** Every (scenario, year) cell of an assessment, grouped. */
export function planCellGroups(scenarios: readonly Scenario[], yearFrom: number, yearTo: number, yearsPerGroup: number): CellGroup[] {
  const cells = scenarios.flatMap((scenario) => Array.from({ length: yearTo - yearFrom + 1 }, (_, i) => ({ scenario, year: yearFrom + i })));
  return groupCells(cells, yearsPerGroup);
}

/** "SSP245 2031–2040", for activity summaries in the Web UI. */
export function describeCellGroup(group: CellGroup): string {
  const first = group.years[0];
  const last = group.years[group.years.length - 1];
  return `${group.scenario} ${first === last ? first : `${first}–${last}`}`;
}
