// The scenarios of `npm run bench:stt` (bench/stt.ts), shared with bench/stt-floor.ts, which works
// out how close any client can come to scenario (a)'s ideal.
import type { FakeSttVendorOptionsPatch } from '../devtools/fake-stt-vendor';

export const JOBS = Number(process.env.BENCH_STT_JOBS ?? 100);
/** How long the fake vendor takes for every job. */
export const PROCESSING_MS = 5_000;
export const POLL_MS = 1_000;

export interface Scenario {
  key: string;
  title: string;
  vendor: FakeSttVendorOptionsPatch & { maxConcurrentJobs: number };
  configuredCap: number;
  /** A change to the account mid-run: at `atS` seconds the limit becomes `maxConcurrentJobs`. */
  limitChange?: { atS: number; maxConcurrentJobs: number };
  targetRatio: number;
  maxA0002?: number;
  naiveBaseline?: boolean;
}

export const SCENARIOS: Scenario[] = [
  {
    key: 'a',
    title: `(a) ${JOBS} jobs, account limit 10, 10 % random 429 A0003 (Retry-After 1 s)`,
    vendor: { maxConcurrentJobs: 10, random429Rate: 0.1, random429Code: 'A0003', retryAfterSeconds: 1, seed: 11 },
    configuredCap: 10,
    targetRatio: 1.25,
    naiveBaseline: true,
  },
  {
    key: 'b',
    title: `(b) ${JOBS} jobs, account limit 3, STT_MAX_IN_FLIGHT=10, no random 429s`,
    vendor: { maxConcurrentJobs: 3, retryAfterSeconds: 1, seed: 12 },
    configuredCap: 10,
    targetRatio: 1.3,
    maxA0002: 5,
  },
  {
    key: 'c',
    title: `(c) ${JOBS} jobs, account limit 10 dropping to 4 at 25 s, STT_MAX_IN_FLIGHT=10`,
    vendor: { maxConcurrentJobs: 10, retryAfterSeconds: 1, seed: 13 },
    configuredCap: 10,
    limitChange: { atS: 25, maxConcurrentJobs: 4 },
    targetRatio: 1.3,
  },
];

/** The fake vendor a scenario runs against. */
export function vendorOptions(s: Scenario): FakeSttVendorOptionsPatch {
  return { processingMs: PROCESSING_MS, retryAfter: true, ...s.vendor };
}

/** The makespan of perfectly packed jobs: at limit L, L jobs finish every PROCESSING_MS; a limit change splits the run. */
export function idealSeconds(s: Scenario): number {
  const perJobS = PROCESSING_MS / 1000;
  const first = s.vendor.maxConcurrentJobs;
  if (!s.limitChange) return Math.ceil(JOBS / first) * perJobS;
  const doneBefore = Math.min(JOBS, (s.limitChange.atS / perJobS) * first);
  return s.limitChange.atS + ((JOBS - doneBefore) / s.limitChange.maxConcurrentJobs) * perJobS;
}
