// `npm run bench:stt-floor`: how close bench:stt's scenario (a) lets any client come to its ideal.
// It plays a client that knows everything a client can: it polls each job the moment the vendor has
// it done and submits the next one the moment a slot frees, one request each; it obeys the rule
// the issue sets, that a rate-limit 429 (A0003) pauses every request until Retry-After, and sends
// everything held by a pause together when it ends. The vendor's random 429s come from the fake
// vendor's own generator (devtools/fake-stt-vendor/random.ts), drawn as it draws them: two draws per
// submit or poll, one more per accepted submit. Which requests meet the 429s depends on how many
// went before them, so even on scenario (a)'s own seed a client that sends other requests meets
// other 429s: each bench:stt run is one draw from the spread printed here, over many seeds. No
// server runs: it is arithmetic on a timeline.
// Knobs: BENCH_STT_FLOOR_ONE_WAY_MS (2: loopback travel each way), BENCH_STT_FLOOR_SEEDS (1,000).
import { seededRandom } from '../devtools/fake-stt-vendor/random';
import { idealSeconds, JOBS, PROCESSING_MS, SCENARIOS } from './stt-scenarios';

const SCENARIO = SCENARIOS.find((s) => s.key === 'a')!;
const ACCOUNT_LIMIT = SCENARIO.vendor.maxConcurrentJobs;
const RANDOM_429_RATE = SCENARIO.vendor.random429Rate ?? 0;
const RETRY_AFTER_MS = (SCENARIO.vendor.retryAfterSeconds ?? 1) * 1000;
const SCENARIO_SEED = SCENARIO.vendor.seed ?? 1;

const ONE_WAY_MS = Number(process.env.BENCH_STT_FLOOR_ONE_WAY_MS ?? 2);
const SEEDS = Number(process.env.BENCH_STT_FLOOR_SEEDS ?? 1_000);

interface Request {
  /** When the client wants to send it (ms from the start). */
  dueAt: number;
  kind: 'submit' | 'poll';
  seq: number;
}

interface Outcome {
  makespanMs: number;
  requests: number;
  rateLimited: number;
}

function perfectClient(seed: number, oneWayMs: number): Outcome {
  const random = seededRandom(seed);
  const pending: Request[] = [];
  let seq = 0;
  const want = (dueAt: number, kind: Request['kind']) => pending.push({ dueAt, kind, seq: seq++ });
  let pausedUntil = 0;
  let requests = 0;
  let rateLimited = 0;
  let submitted = 0;
  let makespanMs = 0;
  for (; submitted < Math.min(ACCOUNT_LIMIT, JOBS); submitted++) want(0, 'submit');
  while (pending.length > 0) {
    pending.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    const request = pending.shift()!;
    const sentAt = Math.max(request.dueAt, pausedUntil);
    if (sentAt > request.dueAt) {
      // Held by a pause: it goes when the pause ends, in the order it became due.
      pending.push({ ...request, dueAt: sentAt });
      continue;
    }
    requests++;
    const arrivesAt = sentAt + oneWayMs;
    const answeredAt = arrivesAt + oneWayMs;
    const [, for429] = [random(), random()];
    if (for429 < RANDOM_429_RATE) {
      rateLimited++;
      pausedUntil = Math.max(pausedUntil, answeredAt + RETRY_AFTER_MS);
      want(answeredAt, request.kind);
    } else if (request.kind === 'submit') {
      random(); // the fake vendor's draw for a failed job, on every accepted submit
      // Polled the moment the vendor has it done: the request arrives exactly then.
      want(arrivesAt + PROCESSING_MS - oneWayMs, 'poll');
    } else {
      makespanMs = Math.max(makespanMs, answeredAt);
      if (submitted < JOBS) {
        submitted++;
        want(answeredAt, 'submit');
      }
    }
  }
  return { makespanMs, requests, rateLimited };
}

function main(): void {
  const idealMs = idealSeconds(SCENARIO) * 1000;
  const ratio = (o: Outcome) => o.makespanMs / idealMs;
  console.log(`bench:stt-floor — scenario (a): ${JOBS} jobs, account limit ${ACCOUNT_LIMIT}, ${PROCESSING_MS / 1000} s each, ${RANDOM_429_RATE * 100} % random A0003 with Retry-After ${RETRY_AFTER_MS / 1000} s, ${ONE_WAY_MS} ms each way`);
  const outcomes = Array.from({ length: SEEDS }, (_, i) => perfectClient(SCENARIO_SEED + i, ONE_WAY_MS));
  const ratios = outcomes.map(ratio).sort((a, b) => a - b);
  const mean = (pick: (o: Outcome) => number) => (outcomes.reduce((sum, o) => sum + pick(o), 0) / outcomes.length).toFixed(1);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))].toFixed(2);
  const within = ratios.filter((r) => r <= SCENARIO.targetRatio).length;
  console.log(
    `  a client that knows everything, over ${SEEDS} seeds from ${SCENARIO_SEED}: makespan / ideal p10 ${at(0.1)}×, median ${at(0.5)}×, p90 ${at(0.9)}×; ` +
      `≤ ${SCENARIO.targetRatio}× in ${((100 * within) / SEEDS).toFixed(0)} % of them; A0003 ${mean((o) => o.rateLimited)} of ${mean((o) => o.requests)} requests on average`,
  );
}

if (require.main === module) main();
