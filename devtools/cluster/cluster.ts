import path from 'node:path';
import type { Config } from '../../src/config';
import { findFreePort } from '../../src/infra/net';
import { resolveTemporalCli } from '../../src/infra/temporal/cli-binary';
import { ANY_PIPELINES, type PipelineName } from '../../src/pipelines';
import { cachedWorkflowBundlePath } from '../../src/stack/workflow-bundle';
import { PIPELINE } from '../../src/workflows/shared/search-attributes';
import { appProcess, type ClusterProcess } from './app-processes';
import { setUpTemporalSchema, type TemporalDatabaseEnv } from './temporal-database';
import { internalPorts, prepareNamespace, startTemporalUi, temporalServer, type TemporalServer } from './temporal-server';
import { resolveClusterTool } from './tools';

/**
 * The production topology on one machine, every part a real process: the Temporal server on
 * PostgreSQL (schema by temporal-sql-tool), its Web UI, several API processes and several worker
 * processes per task queue, all started from the same files docker-compose.yml uses.
 */
export interface ClusterOptions {
  /** DATABASE_URL must be set; toolsDir, dataDir, the namespace and the Temporal/UI ports come from here. */
  config: Config;
  /** Where Temporal keeps its data (temporalDatabaseEnv()). */
  temporalDb: TemporalDatabaseEnv;
  /** Temporal's internal listeners: its standard ports, or free ones for a throw-away cluster. */
  internalPorts: 'standard' | 'free';
  /** One API process per port. */
  apiPorts: number[];
  workersPerQueue: number;
  ui: boolean;
  /** Extra environment for the API and worker processes (e.g. a vendor URL the launcher started). */
  appEnv?: Record<string, string>;
  log: (msg: string) => void;
  onOutput?: (source: string, line: string) => void;
  onUnexpectedExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface Cluster {
  temporal: TemporalServer;
  uiUrl: string;
  apis: ClusterProcess[];
  apiUrls: string[];
  workers: Record<PipelineName, ClusterProcess[]>;
  /** Seconds per start-up step, for the banner and the tests' report. */
  timings: Record<'tools' | 'schema' | 'server' | 'namespace' | 'ui' | 'processes', number>;
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const { config, log } = opts;
  if (!config.postgres.url) throw new Error('the cluster needs DATABASE_URL (the launcher starts an embedded PostgreSQL otherwise)');
  const output = (source: string) => (line: string) => opts.onOutput?.(source, line);
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.splice(0).reverse()) await fn().catch((err: Error) => log(`stopping failed: ${err.message}`));
  };
  const timings = { tools: 0, schema: 0, server: 0, namespace: 0, ui: 0, processes: 0 };
  const timed = async <T>(step: keyof typeof timings, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[step] = (Date.now() - started) / 1000;
    }
  };

  try {
    const tools = await timed('tools', async () => ({
      server: await resolveClusterTool('server', config.toolsDir, log),
      sqlTool: await resolveClusterTool('sqlTool', config.toolsDir, log),
      ui: opts.ui ? await resolveClusterTool('ui', config.toolsDir, log) : undefined,
      cli: resolveTemporalCli({ explicitPath: config.temporal.cliPath, toolsDir: config.toolsDir, pathEnv: process.env.PATH ?? '' }, log),
    }));
    // The schema tool prints every statement; only its warnings and errors are worth showing.
    const sqlToolOutput = output('temporal-sql-tool');
    await timed('schema', () => setUpTemporalSchema(opts.temporalDb, path.dirname(tools.sqlTool), (line) => /DEBUG|INFO/.test(line) || sqlToolOutput(line)));

    const temporal = temporalServer({
      binary: tools.server,
      db: opts.temporalDb,
      frontendPort: config.temporal.port,
      ports: await internalPorts(opts.internalPorts),
      onOutput: opts.onOutput,
    });
    stops.push(() => temporal.stop());
    await timed('server', () => temporal.start());
    const namespace = config.temporal.namespace;
    await timed('namespace', () => prepareNamespace(temporal.address, namespace, tools.cli, PIPELINE.name, output('namespace')));

    let ui: { url: string } | undefined;
    if (tools.ui) {
      const started = await timed('ui', () => startTemporalUi(tools.ui!, temporal.address, config.temporal.uiPort, namespace, opts.onOutput));
      stops.push(started.stop);
      ui = started;
    }
    const uiUrl = ui?.url ?? config.temporal.uiUrl;

    const processes = await timed('processes', () => startClusterProcesses(opts, temporal.address, uiUrl, stops));
    return { temporal, uiUrl, ...processes, timings, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startClusterProcesses(opts: ClusterOptions, temporalAddress: string, uiUrl: string, stops: Array<() => Promise<void>>) {
  const { config } = opts;
  const baseEnv = {
    ...process.env,
    ...opts.appEnv,
    DATABASE_URL: config.postgres.url,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_UI_URL: uiUrl,
    // Built once here rather than by each of the workers.
    WORKFLOW_BUNDLE_PATH: config.worker.workflowBundlePath ?? (await cachedWorkflowBundlePath(path.join(config.dataDir, 'cache'))),
  };
  const common = { onOutput: opts.onOutput, onUnexpectedExit: opts.onUnexpectedExit };
  const apis = opts.apiPorts.map((port, i) =>
    appProcess({
      ...common,
      name: `api-${i + 1}`,
      args: ['src/bin/api.ts'],
      env: { ...baseEnv, API_HOST: '127.0.0.1', API_PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    }),
  );
  const workers = {} as Record<PipelineName, ClusterProcess[]>;
  for (const pipeline of ANY_PIPELINES) {
    workers[pipeline.name] = [];
    for (let i = 0; i < opts.workersPerQueue; i++) {
      // Each worker serves its metrics on a port of its own, as it would in a container of its own.
      const metricsPort = await findFreePort();
      workers[pipeline.name].push(
        appProcess({
          ...common,
          name: `worker-${pipeline.name}-${i + 1}`,
          args: ['src/bin/worker.ts', '--queue', pipeline.name],
          env: { ...baseEnv, WORKER_METRICS_PORT: String(metricsPort) },
          readyUrl: `http://127.0.0.1:${metricsPort}/readyz`,
        }),
      );
    }
  }
  const all = [...Object.values(workers).flat(), ...apis];
  stops.push(async () => {
    // APIs first, so nothing new starts while the workers drain.
    await Promise.all(apis.map((p) => p.stop()));
    await Promise.all(Object.values(workers).flat().map((p) => p.stop()));
  });
  await Promise.all(all.map((p) => p.start()));
  return { apis, apiUrls: opts.apiPorts.map((port) => `http://127.0.0.1:${port}`), workers };
}
