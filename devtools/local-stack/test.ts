// `npm test`: brings up a real Temporal dev server and a fresh PostgreSQL database for this run,
// then runs every test file with Node's test runner. `npm test -- test/unit` runs a subset.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { prepareDatabase } from '../../src/stack/prepare-database';
import { createPool } from '../../src/infra/db/pool';
import { findFreePort } from '../../src/infra/net';
import { startEmbeddedPostgres } from '../../src/infra/postgres/embedded';
import { resolveTemporalCli } from '../../src/infra/temporal/cli-binary';
import { startDevServer } from '../../src/infra/temporal/dev-server';
import { cachedWorkflowBundlePath } from '../../src/stack/workflow-bundle';
import { runMain } from '../../src/bin/run-main';
import { createThrowawayDatabase } from '../shared/throwaway-database';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/shared/search-attributes';

const ROOT = path.resolve(__dirname, '..', '..');
const RUN_TIMEOUT_MS = 45 * 60_000;

function testFiles(targets: string[]): string[] {
  const walk = (p: string): string[] =>
    statSync(p).isDirectory() ? readdirSync(p).sort().flatMap((f) => walk(path.join(p, f))) : p.endsWith('.test.ts') ? [p] : [];
  return (targets.length ? targets : ['test']).flatMap((t) => walk(path.resolve(ROOT, t)));
}

async function startTemporal(config: Config, scratch: string, cleanups: Array<() => Promise<void>>) {
  if (config.temporal.address) return { address: config.temporal.address, cliPath: config.temporal.cliPath };
  const cliPath = resolveTemporalCli(
    { explicitPath: config.temporal.cliPath, toolsDir: config.toolsDir, pathEnv: process.env.PATH ?? '' },
    (msg) => console.log(`[test] ${msg}`),
  );
  const [port, uiPort] = [await findFreePort(), await findFreePort()];
  const server = await startDevServer({ cliPath, dataDir: path.join(scratch, 'temporal'), port, uiPort, namespace: config.temporal.namespace, searchAttributes: ALL_SEARCH_ATTRIBUTES });
  cleanups.push(server.stop);
  return { address: server.address, cliPath };
}

async function startPostgres(config: Config, scratch: string, cleanups: Array<() => Promise<void>>): Promise<string> {
  let serverUrl = config.postgres.url;
  if (!serverUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: scratch, port: await findFreePort() });
    cleanups.push(pg.stop);
    serverUrl = pg.url;
  }
  const db = await createThrowawayDatabase(serverUrl, 'dp_test');
  cleanups.push(db.drop);
  return db.url;
}

/** `--script FILE` runs one script on the same footing instead of the tests (e.g. recording histories). */
function runNode(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args =
    argv[0] === '--script'
      ? ['--import', 'tsx', ...argv.slice(1)]
      : ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...testFiles(argv)];
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
  // A file that leaks a handle would keep the runner alive forever; fail the run instead of hanging CI.
  // (Node's --test-force-exit is no answer: on Node 20 it has cut files short and dropped their tests.)
  const limit = setTimeout(() => {
    console.error(`[test] the run exceeded ${RUN_TIMEOUT_MS / 60_000} min; stopping it`);
    child.kill('SIGKILL');
  }, RUN_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(limit);
      resolve(code ?? 1);
    }),
  );
}

runMain(async () => {
  const started = Date.now();
  const config = loadConfig();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'dp-test-'));
  const cleanups: Array<() => Promise<void>> = [async () => rmSync(scratch, { recursive: true, force: true })];
  let code = 1;
  try {
    const [temporal, databaseUrl] = await Promise.all([startTemporal(config, scratch, cleanups), startPostgres(config, scratch, cleanups)]);
    const runConfig = { ...config, postgres: { ...config.postgres, url: databaseUrl } };
    const pool = createPool(runConfig, 'dp-test-setup');
    await prepareDatabase(pool, config, (msg) => console.log(`[test] ${msg}`));
    await pool.end();
    const bundlePath = await cachedWorkflowBundlePath(path.join(config.dataDir, 'cache'));
    console.log(`[test] Temporal ${temporal.address}, database ${new URL(databaseUrl).pathname.slice(1)}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    code = await runNode(process.argv.slice(2), {
      ...process.env,
      TEMPORAL_ADDRESS: temporal.address,
      ...(temporal.cliPath ? { TEMPORAL_CLI_PATH: temporal.cliPath } : {}),
      DATABASE_URL: databaseUrl,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Test files share this database: a risk worker a test spawns must not start a batch over the
      // whole grid as a newcomer's first start does (test/integration/risk/first-start.test.ts turns it on for its own).
      RISK_BATCH_ON_FIRST_START: process.env.RISK_BATCH_ON_FIRST_START ?? 'false',
    });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error('[test] cleanup failed:', err));
  }
  console.log(`[test] finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(code);
});
