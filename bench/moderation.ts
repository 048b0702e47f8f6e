// `npm run bench:moderation`: 10,000 items through REST + Temporal until the batch is COMPLETED,
// against the same work without Temporal (the same SQL pages, classification and verdict writes,
// in one process), and the classification alone, measured in the same run, three times each.
// Knobs: BENCH_MODERATION_ITEMS (10000), BENCH_MODERATION_RUNS (3).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { moderate } from '../src/domain/moderation';
import { withTransaction } from '../src/infra/db/pool';
import { loadModel } from '../src/infra/moderation/model-store';
import * as q from '../src/infra/moderation/queries';
import seed from '../src/infra/moderation/seed/labelled-examples.json';
import { api, postItems, type TestItem } from '../test/support/moderation';
import { startTestStack, type TestStack } from '../test/support/stack';
import { median } from './median';

const ITEMS = Number(process.env.BENCH_MODERATION_ITEMS ?? 10_000);
const RUNS = Number(process.env.BENCH_MODERATION_RUNS ?? 3);

function items(tag: string): TestItem[] {
  return Array.from({ length: ITEMS }, (_, i) => {
    const e = seed.examples[i % seed.examples.length];
    return { id: `${tag}-${i}`, kind: e.kind as TestItem['kind'], text: `${e.text} (${i})` };
  });
}

async function viaRest(stack: TestStack, tag: string): Promise<number> {
  const started = performance.now();
  const { status, body } = await postItems(stack, items(tag), tag);
  if (status !== 202) throw new Error(`POST answered ${status}: ${JSON.stringify(body).slice(0, 500)}`);
  for (;;) {
    const view = (await api(stack, 'GET', `/api/moderation/batches/${body.id}`)).body;
    if (view.status === 'COMPLETED') {
      if (view.counts.pending !== 0) throw new Error(`completed with ${view.counts.pending} items pending`);
      break;
    }
    if (['FAILED', 'CANCELED'].includes(view.status)) throw new Error(`batch ended ${view.status}: ${view.error}`);
    await sleep(250);
  }
  return (performance.now() - started) / 1000;
}

/** The same stored batch, pages and verdict writes, in this process, one page after another. */
async function inProcess(stack: TestStack, tag: string): Promise<number> {
  const { pool } = stack;
  const settings = stack.config.pipelines.moderation;
  const started = performance.now();
  const id = `inproc-${tag}`;
  await withTransaction(pool, (tx) => q.insertBatch(tx, { id, items: items(tag) }));
  const version = (await q.currentModelVersion(pool))!;
  await q.pinBatchModel(pool, id, version);
  const model = { version, model: await loadModel(pool, version) };
  for (let from = 0; from < ITEMS; from += settings.batch.itemsPerActivity) {
    const page = await q.unclassifiedItems(pool, id, from, from + settings.batch.itemsPerActivity);
    const verdicts = page.map((item) => {
      const r = moderate(item, model, settings.thresholds);
      return { position: item.position, verdict: r.verdict, spamProbability: r.scores.spamProbability, profanityScore: r.scores.profanity, reasons: r.reasons, modelVersion: version };
    });
    for (let i = 0; i < verdicts.length; i += 100) await q.saveVerdicts(pool, id, verdicts.slice(i, i + 100));
  }
  await q.finishBatch(pool, id, 'COMPLETED');
  return (performance.now() - started) / 1000;
}

async function classificationOnly(stack: TestStack, tag: string): Promise<number> {
  const version = (await q.currentModelVersion(stack.pool))!;
  const model = { version, model: await loadModel(stack.pool, version) };
  const all = items(tag);
  const started = performance.now();
  for (const item of all) moderate(item, model, stack.config.pipelines.moderation.thresholds);
  return (performance.now() - started) / 1000;
}

const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} s`;

async function main(): Promise<void> {
  const stack = await startTestStack({ queues: ['moderation'] });
  const load = [os.loadavg()];
  try {
    const run = Date.now();
    await viaRest(stack, `warm-${run}`); // caches, connections, JIT
    const rest: number[] = [];
    const local: number[] = [];
    const pure: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      rest.push(await viaRest(stack, `rest-${run}-${i}`));
      local.push(await inProcess(stack, `local-${run}-${i}`));
      pure.push(await classificationOnly(stack, `pure-${run}-${i}`));
      load.push(os.loadavg());
    }
    const { itemsPerActivity, activitiesInFlight } = stack.config.pipelines.moderation.batch;
    console.log(`\nbench:moderation — ${ITEMS} items, pages of ${itemsPerActivity}, ${activitiesInFlight} pages in flight, ${os.cpus().length} CPUs shared with every other process`);
    const rows = [
      [`REST + Temporal until COMPLETED (median of ${RUNS})`, `${median(rest).toFixed(2)} s`, `range ${range(rest)}`, 'target ≤ 60 s'],
      ['same pages and writes in-process, no Temporal', `${median(local).toFixed(2)} s`, `range ${range(local)}`, 'baseline'],
      ['classification alone (rules + model), in-process', `${median(pure).toFixed(2)} s`, `range ${range(pure)}`, ''],
      ['ratio REST + Temporal / in-process', `${(median(rest) / median(local)).toFixed(2)}×`, '', ''],
      ['throughput via REST + Temporal', `${(ITEMS / median(rest)).toFixed(0)} items/s`, '', ''],
    ];
    for (const [what, value, spread, note] of rows) console.log(`  ${what.padEnd(52)} ${value.padEnd(14)} ${spread.padEnd(20)} ${note}`);
    console.log(`  load average (1 min) during the runs: ${load.map((l) => l[0].toFixed(1)).join(', ')}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
