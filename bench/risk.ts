// `npm run bench:risk`: site assessments through REST + Temporal against the same SQL and domain
// code run in-process without Temporal, measured in the same run.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { getAssessment, postAssessment, site } from '../test/support/risk';
import { inProcessSite } from './risk-in-process';
import { startTestStack, waitUntil, type TestStack } from '../test/support/stack';

let run = 0;

async function viaTemporal(stack: TestStack, siteCount: number): Promise<number> {
  run += 1;
  const sites = Array.from({ length: siteCount }, (_, i) => site(`b${run}-${i}`, i));
  const started = performance.now();
  const { status, body } = await postAssessment(stack, { sites }, `bench-${Date.now()}-${run}`);
  if (status !== 202) throw new Error(`POST answered ${status}: ${JSON.stringify(body)}`);
  // Portfolios are polled like a client would (once a second), so the API's own load does not skew them.
  const pollMs = siteCount >= 10 ? 1000 : 50;
  await waitUntil('completion', async () => (await getAssessment(stack, body.id)).status === 'COMPLETED' || (await sleep(pollMs)), 30 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  console.log(`  ${siteCount} site(s) via Temporal: ${seconds.toFixed(2)} s`);
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s: number) => `${s.toFixed(2)} s`;

async function main(): Promise<void> {
  const stack = await startTestStack({ queues: ['risk'] });
  try {
    await viaTemporal(stack, 1); // warm-up: caches, connections, JIT
    await inProcessSite(stack);
    const temporal = [await viaTemporal(stack, 1), await viaTemporal(stack, 1), await viaTemporal(stack, 1)];
    const local = [await inProcessSite(stack), await inProcessSite(stack), await inProcessSite(stack)];
    const t10 = await viaTemporal(stack, 10);
    const t100 = await viaTemporal(stack, 100);
    const rows = [
      ['1 site × 4 × 80 × 9 via REST + Temporal (median of 3)', fmt(median(temporal)), 'target ≤ 5 s'],
      ['same work in-process, no Temporal (median of 3)', fmt(median(local)), 'baseline'],
      ['ratio Temporal / in-process', `${(median(temporal) / median(local)).toFixed(2)}×`, 'target ≤ 3×'],
      ['10 sites', `${fmt(t10)} (${((10 * 320) / t10).toFixed(0)} cells/s)`, ''],
      ['100 sites', `${fmt(t100)} (${((100 * 320) / t100).toFixed(0)} cells/s)`, ''],
      ['cost ratio 100 / 10 sites', `${(t100 / t10).toFixed(2)}× for 10× the sites`, 'linear ≈ 10×'],
    ];
    console.log('\nbench:risk');
    for (const [what, value, note] of rows) console.log(`  ${what.padEnd(56)} ${value.padEnd(28)} ${note}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
