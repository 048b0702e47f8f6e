import type { TestStack } from './stack';
import { waitUntil } from './stack';

/** Real places on the synthetic grid's land. */
export const PLACES = {
  seoul: { latitude: 37.5665, longitude: 126.978 },
  busan: { latitude: 35.1796, longitude: 129.0756 },
  daejeon: { latitude: 36.3504, longitude: 127.3845 },
  gwangju: { latitude: 35.1595, longitude: 126.8526 },
  gangneung: { latitude: 37.7519, longitude: 128.8761 },
  jeju: { latitude: 33.4996, longitude: 126.5312 },
} as const;

const PLACE_LIST = Object.values(PLACES);

export function site(id: string, i = 0, overrides: Record<string, unknown> = {}) {
  const place = PLACE_LIST[i % PLACE_LIST.length];
  return {
    id,
    name: `Site ${id}`,
    // Spread sites within ±0.04° (under 5 km) of the place, so they stay on land but use different grid points.
    latitude: place.latitude + (((Math.floor(i / PLACE_LIST.length) % 5) - 2) * 0.02),
    longitude: place.longitude + (((Math.floor(i / PLACE_LIST.length / 5) % 5) - 2) * 0.02),
    building: { structure: 'reinforced_concrete', purpose: 'office', floorsAbove: 12, floorsBelow: 2, ageYears: 25, floorAreaM2: 15000, hasPiloti: false, hasWaterTank: true },
    asset: { value: 50_000_000_000, insuranceRate: 0.2 },
    ...overrides,
  };
}

export async function postAssessment(stack: Pick<TestStack, 'apiUrl'>, body: unknown, idempotencyKey?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.apiUrl}/api/risk-assessments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function getAssessment(stack: Pick<TestStack, 'apiUrl'>, id: string): Promise<any> {
  return (await fetch(`${stack.apiUrl}/api/risk-assessments/${id}`)).json();
}

export async function waitForAssessment(stack: Pick<TestStack, 'apiUrl'>, id: string, status: string, timeoutMs = 60_000): Promise<any> {
  return waitUntil(
    `assessment ${id} to be ${status}`,
    async () => {
      const view = await getAssessment(stack, id);
      if (view.status === status) return view;
      if (['COMPLETED', 'FAILED', 'CANCELED'].includes(view.status)) throw new Error(`assessment ended ${view.status}, wanted ${status}: ${JSON.stringify(view.progress)}`);
      return undefined;
    },
    timeoutMs,
  );
}

export async function resultCount(stack: Pick<TestStack, 'pool'>, assessmentId: string): Promise<{ rows: number; distinct: number }> {
  const { rows } = await stack.pool.query(
    `SELECT count(*)::int AS rows, count(DISTINCT (site_id, scenario, year, hazard))::int AS distinct FROM risk_results WHERE assessment_id = $1`,
    [assessmentId],
  );
  return rows[0];
}
