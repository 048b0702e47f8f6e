import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { isPortInUse } from '../net';
import { spawnSupervised, untilReady, type SupervisedChild } from '../process/supervised-child';

/** The dev server's type names for `--search-attribute KEY=TYPE`. */
const CLI_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  KEYWORD_LIST: 'KeywordList',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
};

/** A search attribute as `defineSearchAttributeKey` describes it. */
export interface SearchAttributeSpec {
  name: string;
  type: string;
}

export function searchAttributeFlags(keys: readonly SearchAttributeSpec[]): string[] {
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
}

export interface DevServerOptions {
  cliPath: string;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Custom search attributes registered at start, so workflows can set them. */
  searchAttributes: readonly SearchAttributeSpec[];
  onOutput?: (line: string) => void;
}

export interface DevServer {
  address: string;
  /** The server process itself, for whoever needs to signal it directly. */
  pid: number | undefined;
  uiUrl: string;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** Starts `temporal server start-dev` with a persistent SQLite file and waits until it answers. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  if (await isPortInUse(opts.port)) {
    throw new PortInUseError(`TEMPORAL_PORT: port ${opts.port} is already in use (set TEMPORAL_ADDRESS to use that server, or choose another port)`);
  }
  if (await isPortInUse(opts.uiPort)) {
    throw new PortInUseError(`TEMPORAL_UI_PORT: port ${opts.uiPort} is already in use`);
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--db-filename', path.join(opts.dataDir, 'temporal.sqlite'),
    // SQLite's default rollback journal fsyncs several times per transaction, and every workflow
    // event is one: under load the server spent most of its time in the kernel. WAL with NORMAL
    // sync survives a crash of any process (only a power cut can lose the last transactions),
    // which is the right trade for a local server.
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    // An activity a workflow schedules on its own worker's queue goes back with the workflow task's
    // answer when that worker has a free slot (deploy/temporal-dynamic-config.yaml sets the same),
    // instead of a round through the task queue: fewer server writes per activity.
    '--dynamic-config-value', 'system.enableActivityEagerExecution=true',
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--ui-port', String(opts.uiPort),
    '--namespace', opts.namespace,
    '--log-level', 'warn',
    ...searchAttributeFlags(opts.searchAttributes),
  ];
  const child: SupervisedChild = spawnSupervised(opts.cliPath, args, { onOutput: opts.onOutput });
  const address = `127.0.0.1:${opts.port}`;
  await untilReady(child, 'Temporal dev server', () => checkHealth(address), 60_000);
  return { address, pid: child.process.pid, uiUrl: `http://localhost:${opts.uiPort}`, stop: () => child.stop() };
}

export async function checkHealth(address: string): Promise<true | undefined> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    const res = await connection.healthService.check({});
    return res.status === 1 ? true : undefined; // 1 = SERVING
  } finally {
    await connection.close();
  }
}
