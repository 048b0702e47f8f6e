// `npm run bench:stt-floor`: how close bench:stt's scenario (a) lets any client come to its ideal.
// It plays a client that knows everything a client can: it polls each job the moment the vendor has
// it done and submits the next one the moment a slot frees, one request each; it obeys the rule
// the issue sets, that a rate-limit 429 pauses every request until Retry-After, and sends
// everything held by a pause together when it ends. The vendor is the fake vendor's own state
// machine (devtools/fake-stt-vendor/state.ts) with scenario (a)'s options, on a clock this script
// moves. Which requests meet its random 429s depends on how many went before them, so even on
// scenario (a)'s own seed a client that sends other requests meets other 429s: each bench:stt run
// is one draw from the spread printed here, over many seeds. No server runs.
// Knobs: BENCH_STT_FLOOR_ONE_WAY_MS (2: loopback travel each way), BENCH_STT_FLOOR_SEEDS (1,000).
import { mergeOptions, DEFAULT_FAKE_STT_VENDOR_OPTIONS } from '../devtools/fake-stt-vendor/options';
import { FakeSttVendorState, type VendorReply } from '../devtools/fake-stt-vendor/state';
import { parseRetryAfter } from '../src/infra/stt/classify';
import { idealSeconds, JOBS, PROCESSING_MS, SCENARIOS, vendorOptions } from './stt-scenarios';

const SCENARIO = SCENARIOS.find((s) => s.key === 'a')!;
const ONE_WAY_MS = Number(process.env.BENCH_STT_FLOOR_ONE_WAY_MS ?? 2);
const SEEDS = Number(process.env.BENCH_STT_FLOOR_SEEDS ?? 1_000);
/** About the size of bench:stt's WAV files. */
const AUDIO = { sha256: 'a'.repeat(64), sizeBytes: 8_044 };

interface Request {
  /** When the client wants to send it (ms from the start). */
  dueAt: number;
  /** The vendor job to poll; none for a submit. */
  vendorJobId?: string;
  seq: number;
}

interface Outcome {
  makespanMs: number;
  requests: number;
  rateLimited: number;
}

function perfectClient(seed: number, oneWayMs: number): Outcome {
  let now = 0;
  const vendor = new FakeSttVendorState(mergeOptions(DEFAULT_FAKE_STT_VENDOR_OPTIONS, { ...vendorOptions(SCENARIO), seed }), () => now);
  const token = `Bearer ${(vendor.authenticate({ clientId: 'floor', clientSecret: 'floor' }).body as { access_token: string }).access_token}`;
  const pending: Request[] = [];
  let seq = 0;
  const want = (dueAt: number, vendorJobId?: string) => pending.push({ dueAt, vendorJobId, seq: seq++ });
  let pausedUntil = 0;
  let submitted = 0;
  let makespanMs = 0;
  for (; submitted < Math.min(SCENARIO.vendor.maxConcurrentJobs, JOBS); submitted++) want(0);
  while (pending.length > 0) {
    pending.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    const request = pending.shift()!;
    const sentAt = Math.max(request.dueAt, pausedUntil);
    if (sentAt > request.dueAt) {
      // Held by a pause: it goes when the pause ends, in the order it became due.
      pending.push({ ...request, dueAt: sentAt });
      continue;
    }
    now = sentAt + oneWayMs;
    const reply: VendorReply = request.vendorJobId
      ? vendor.poll({ authorization: token, jobId: request.vendorJobId })
      : vendor.submit({ authorization: token, upload: { ...AUDIO, filename: `floor-${submitted}.wav` } });
    const answeredAt = now + oneWayMs;
    const body = reply.body as { id?: string; status?: string; code?: string };
    if (reply.status === 429) {
      const waitMs = parseRetryAfter(reply.headers?.['retry-after'], now) ?? 1_000;
      pausedUntil = Math.max(pausedUntil, answeredAt + waitMs);
      want(answeredAt, request.vendorJobId);
    } else if (reply.status !== 200) {
      throw new Error(`the fake vendor answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    } else if (!request.vendorJobId) {
      // Polled the moment the vendor has it done: the request arrives exactly then.
      want(now + PROCESSING_MS - oneWayMs, body.id);
    } else if (body.status === 'transcribing') {
      want(answeredAt, request.vendorJobId);
    } else {
      makespanMs = Math.max(makespanMs, answeredAt);
      if (submitted < JOBS) {
        submitted++;
        want(answeredAt);
      }
    }
  }
  const stats = vendor.stats();
  return { makespanMs, requests: stats.requests.total, rateLimited: stats.responses429.total };
}

function main(): void {
  const idealMs = idealSeconds(SCENARIO) * 1000;
  const ratio = (o: Outcome) => o.makespanMs / idealMs;
  console.log(`bench:stt-floor — ${SCENARIO.title}, ${PROCESSING_MS / 1000} s each; ${ONE_WAY_MS} ms each way`);
  const outcomes = Array.from({ length: SEEDS }, (_, i) => perfectClient(SCENARIO.vendor.seed! + i, ONE_WAY_MS));
  const ratios = outcomes.map(ratio).sort((a, b) => a - b);
  const mean = (pick: (o: Outcome) => number) => (outcomes.reduce((sum, o) => sum + pick(o), 0) / outcomes.length).toFixed(1);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))].toFixed(2);
  const within = ratios.filter((r) => r <= SCENARIO.targetRatio).length;
  console.log(
    `  a client that knows everything, over ${SEEDS} seeds from ${SCENARIO.vendor.seed}: makespan / ideal p10 ${at(0.1)}×, median ${at(0.5)}×, p90 ${at(0.9)}×; ` +
      `≤ ${SCENARIO.targetRatio}× in ${((100 * within) / SEEDS).toFixed(0)} % of them; A0003 ${mean((o) => o.rateLimited)} of ${mean((o) => o.requests)} requests on average`,
  );
}

if (require.main === module) main();
