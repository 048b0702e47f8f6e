import path from 'node:path';
import { z } from 'zod';
import { parseAllowEntry, type AllowedEndpoint } from '../infra/http/allowlist';
import { bool, commaList, hostPort, listenPort, port, positiveInt, postgresUrl } from './env';
import { ConfigError } from './errors';

/** `host:port` entries; a bare host would open every service on it, so it is refused by name. */
const allowEndpoints = commaList.transform((entries, ctx): AllowedEndpoint[] =>
  entries.flatMap((entry) => {
    const endpoint = parseAllowEntry(entry);
    if (endpoint) return [endpoint];
    ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port (host:* allows every port, for tests only)` });
    return [];
  }),
);

/** What every pipeline shares: data directories, PostgreSQL, Temporal, workers, object storage, outbound fetches, the API. */
export const platformEnv = z.object({
  DATA_DIR: z.string().default('.data'),
  TOOLS_DIR: z.string().default('.tools'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

  DATABASE_URL: postgresUrl.optional(),
  EMBEDDED_PG_PORT: port.default(5433),
  PG_POOL_MAX: positiveInt.default(10),
  PG_STATEMENT_TIMEOUT_MS: positiveInt.default(30_000),
  PG_IDLE_TIMEOUT_MS: positiveInt.default(10_000),
  PG_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),

  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: z.url().optional(),

  MAX_WORKFLOW_TASKS: positiveInt.default(10),
  MAX_CACHED_WORKFLOWS: positiveInt.default(250),
  WORKER_SHUTDOWN_GRACE_MS: positiveInt.default(30_000),
  WORKER_METRICS_PORT: listenPort.default(9464),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),

  STORAGE_DIR: z.string().optional(),
  STORAGE_BACKEND: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 of a-z, 0-9, ".", "-")')
    .optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  // Most S3-compatible servers want bucket-in-path URLs; AWS wants bucket-in-host.
  S3_FORCE_PATH_STYLE: bool.default(false),

  // Endpoints (host:port) whose user-supplied URLs may reach private or loopback addresses (local development, tests).
  FETCH_ALLOW_HOSTS: allowEndpoints,
  FETCH_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  FETCH_TIMEOUT_MS: positiveInt.default(30_000),
  // A whole fetch, body included; an interrupted video download resumes from its partial on the retry.
  FETCH_DEADLINE_MS: positiveInt.default(900_000),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_KEYS: commaList,
  // `none` serves /api/* without keys on any address; unset, an API off loopback needs API_KEYS.
  API_AUTH: z.enum(['keys', 'none']).default('keys'),
  // 10,000 sites of a portfolio request are about 3 MB of JSON.
  API_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 1mb or 512kb').default('5mb'),
  API_TRUST_PROXY: bool.default(false),
});

type PlatformEnv = z.infer<typeof platformEnv>;

/** Where objects live. `rootDir` is the local store's directory (also when another backend is chosen). */
export type StorageConfig =
  | { kind: 'local'; rootDir: string }
  | {
      kind: 's3';
      rootDir: string;
      bucket: string;
      region: string;
      endpoint?: string;
      forcePathStyle: boolean;
      /** Unset means the AWS SDK's default chain (environment, profile, instance role). */
      credentials?: { accessKeyId: string; secretAccessKey: string };
    };

function platformConfig(e: PlatformEnv) {
  return {
    dataDir: path.resolve(e.DATA_DIR),
    toolsDir: path.resolve(e.TOOLS_DIR),
    logLevel: e.LOG_LEVEL,
    postgres: {
      /** Unset means: start an embedded PostgreSQL under dataDir. */
      url: e.DATABASE_URL,
      embeddedPort: e.EMBEDDED_PG_PORT,
      poolMax: e.PG_POOL_MAX,
      statementTimeoutMs: e.PG_STATEMENT_TIMEOUT_MS,
      idleTimeoutMs: e.PG_IDLE_TIMEOUT_MS,
      connectTimeoutMs: e.PG_CONNECT_TIMEOUT_MS,
    },
    temporal: {
      /** Unset means: start the Temporal CLI dev server locally. */
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      cliPath: e.TEMPORAL_CLI_PATH,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
    },
    worker: {
      maxConcurrentWorkflowTasks: e.MAX_WORKFLOW_TASKS,
      /** Workflows kept in memory between tasks; bounded so a 1,000-site portfolio keeps worker memory flat. */
      maxCachedWorkflows: e.MAX_CACHED_WORKFLOWS,
      shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
      metricsPort: e.WORKER_METRICS_PORT,
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
    },
    storage: storageConfig(e),
    /** Fetching user-supplied URLs. */
    fetch: { allowEndpoints: e.FETCH_ALLOW_HOSTS, maxRedirects: e.FETCH_MAX_REDIRECTS, timeoutMs: e.FETCH_TIMEOUT_MS, deadlineMs: e.FETCH_DEADLINE_MS },
    api: { host: e.API_HOST, port: e.API_PORT, apiKeys: e.API_KEYS, auth: e.API_AUTH, bodyLimit: e.API_BODY_LIMIT, trustProxy: e.API_TRUST_PROXY },
  };
}

function storageConfig(e: PlatformEnv): StorageConfig {
  const rootDir = path.resolve(e.STORAGE_DIR ?? path.join(e.DATA_DIR, 'objects'));
  if (e.STORAGE_BACKEND === 'local') return { kind: 'local', rootDir };
  if (!e.S3_BUCKET) throw new ConfigError('S3_BUCKET: required when STORAGE_BACKEND=s3');
  if (!e.S3_ACCESS_KEY_ID !== !e.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(`${e.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'}: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither`);
  }
  return {
    kind: 's3',
    rootDir,
    bucket: e.S3_BUCKET,
    region: e.S3_REGION,
    endpoint: e.S3_ENDPOINT,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    ...(e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { credentials: { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } } : {}),
  };
}

/** The platform slice: environment in, typed settings out. */
export const platformSettings = platformEnv.transform(platformConfig);

export type PlatformConfig = z.output<typeof platformSettings>;
export type FetchConfig = PlatformConfig['fetch'];
