import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { isPortInUse, waitFor } from '../../src/infra/net';
import { checkHealth, PortInUseError } from '../../src/infra/temporal/dev-server';
import { answers200, clusterProcess, type ClusterProcess } from './app-processes';
import { DEPLOY_FILES, ROOT, runDeployScript, type TemporalDatabaseEnv } from './temporal-database';

/** The listeners deploy/temporal-server.yaml reads, by its variable names. */
export const INTERNAL_PORT_VARIABLES = [
  'FRONTEND_HTTP_PORT',
  'FRONTEND_MEMBERSHIP_PORT',
  'HISTORY_GRPC_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_GRPC_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'WORKER_GRPC_PORT',
  'WORKER_MEMBERSHIP_PORT',
] as const;

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A free port below 32768: Temporal stores membership ports in a PostgreSQL smallint, so the
 * kernel's ephemeral range (where port 0 lands) is out of reach.
 */
async function freeSmallPort(taken: Set<number>): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await canListen(port))) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

/**
 * Ports for the server's internal services: Temporal's standard ones (the same on every start, so
 * the membership the server stored last time still points at itself), or free ones for a
 * throw-away cluster that must not collide with anything else on the machine.
 */
export async function internalPorts(kind: 'standard' | 'free'): Promise<Record<string, string>> {
  if (kind === 'standard') return {};
  const ports: Record<string, string> = {};
  const taken = new Set<number>();
  for (const name of INTERNAL_PORT_VARIABLES) {
    const port = await freeSmallPort(taken);
    taken.add(port);
    ports[name] = String(port);
  }
  return ports;
}

export interface TemporalServerOptions {
  binary: string;
  db: TemporalDatabaseEnv;
  frontendPort: number;
  /** From internalPorts(). */
  ports: Record<string, string>;
  onOutput?: (name: string, line: string) => void;
}

/** One `temporal-server start` process running every service; it can be killed and started again on the same ports and data. */
export interface TemporalServer extends ClusterProcess {
  address: string;
  /** Its two databases, for the banner. */
  databases: string;
}

/** What the launcher sets for `temporal-server start`, in the variables of deploy/temporal-server.yaml (as docker-compose.yml does). */
export function temporalServerEnv(opts: Pick<TemporalServerOptions, 'db' | 'frontendPort' | 'ports'>): Record<string, string> {
  return {
    ...opts.db,
    ...opts.ports,
    FRONTEND_GRPC_PORT: String(opts.frontendPort),
    BIND_ON_IP: '127.0.0.1',
    // No authorizer, said out loud: the server listens on loopback only, as in the compose network.
    TEMPORAL_ALLOW_NO_AUTH: 'true',
    TEMPORAL_SERVER_CONFIG_FILE_PATH: path.join(ROOT, DEPLOY_FILES.serverConfig),
    DYNAMIC_CONFIG_FILE_PATH: path.join(ROOT, DEPLOY_FILES.dynamicConfig),
  };
}

export function temporalServer(opts: TemporalServerOptions): TemporalServer {
  const address = `127.0.0.1:${opts.frontendPort}`;
  const server = clusterProcess({
    name: 'temporal',
    command: opts.binary,
    args: ['start'],
    env: { ...process.env, ...temporalServerEnv(opts) },
    ready: () => checkHealth(address),
    readyTimeoutMs: 120_000,
    onOutput: opts.onOutput,
  });
  return {
    ...server,
    address,
    databases: `${opts.db.DBNAME}, ${opts.db.VISIBILITY_DBNAME}`,
    async start() {
      if (await isPortInUse(opts.frontendPort)) throw new PortInUseError(`TEMPORAL_PORT: port ${opts.frontendPort} is already in use`);
      await server.start();
    },
  };
}

/**
 * The namespace and the workflows' search attributes, by the script docker-compose.yml runs, then a
 * wait until the frontend answers a query on them (a new namespace takes a few seconds to be seen).
 */
export async function prepareNamespace(address: string, namespace: string, cliPath: string, searchAttribute: string, log: (line: string) => void): Promise<void> {
  await runDeployScript(DEPLOY_FILES.namespaceScript, { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace }, [path.dirname(cliPath)], log);
  const connection = await Connection.connect({ address });
  try {
    await waitFor(
      `namespace ${namespace} with its search attributes`,
      async () => {
        await connection.workflowService.listWorkflowExecutions({ namespace, query: `${searchAttribute} = "probe"`, pageSize: 1 });
        return true;
      },
      90_000,
      500,
    );
  } finally {
    await connection.close();
  }
}

/** The Web UI server built from temporalio/ui-server, configured by deploy/temporal-ui.yaml. */
export async function startTemporalUi(binary: string, temporalAddress: string, port: number, namespace: string, onOutput?: (name: string, line: string) => void): Promise<ClusterProcess & { url: string }> {
  if (await isPortInUse(port)) throw new PortInUseError(`TEMPORAL_UI_PORT: port ${port} is already in use`);
  const ui = clusterProcess({
    name: 'temporal-ui',
    command: binary,
    args: ['--root', ROOT, '--config', 'deploy', '--env', 'temporal-ui', 'start'],
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_UI_PORT: String(port), TEMPORAL_DEFAULT_NAMESPACE: namespace },
    ready: answers200(`http://127.0.0.1:${port}/`),
    readyTimeoutMs: 60_000,
    onOutput,
  });
  await ui.start();
  return { ...ui, url: `http://localhost:${port}` };
}
