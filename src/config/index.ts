import path from 'node:path';
import { z } from 'zod';

/**
 * The only place that reads the environment. Everything else receives a typed `Config`.
 * A bad setting fails start-up with one line that names the variable.
 */

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be a URL like postgres://user@host:5432/dbname');

const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');

const envSchema = z.object({
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

  TASK_QUEUE_RISK: z.string().min(1).default('risk'),
  TASK_QUEUE_STT: z.string().min(1).default('stt'),
  TASK_QUEUE_ETL: z.string().min(1).default('etl'),
  RISK_MAX_ACTIVITIES: positiveInt.default(4),
  STT_MAX_ACTIVITIES: positiveInt.default(20),
  ETL_MAX_ACTIVITIES: positiveInt.default(8),
  MAX_WORKFLOW_TASKS: positiveInt.default(10),
  MAX_CACHED_WORKFLOWS: positiveInt.default(250),
  WORKER_SHUTDOWN_GRACE_MS: positiveInt.default(30_000),
  WORKER_METRICS_PORT: port.default(9464),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),

  RISK_YEARS_PER_ACTIVITY: z.coerce.number().int().min(1).max(80).default(80),
  RISK_MAX_SITES_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(20),
  RISK_SITES_PER_RUN: z.coerce.number().int().min(1).max(2000).default(500),
  RISK_HEARTBEAT_TIMEOUT_S: positiveInt.default(20),
  RISK_GROUP_TIMEOUT_S: positiveInt.default(120),
  RISK_MAX_GRID_DISTANCE_KM: z.coerce.number().positive().default(20),
  RISK_WINDOW_YEARS: z.coerce.number().int().min(3).max(80).default(30),
  RISK_BATCH_SCHEDULE_ID: z.string().min(1).default('risk-grid-batch'),
  RISK_BATCH_TIMEOUT_S: positiveInt.default(6 * 3600),
  RISK_BATCH_CATCHUP_WINDOW_S: positiveInt.default(30 * 24 * 3600),
  RISK_BATCH_POINTS_PER_CHILD: positiveInt.default(200),
  RISK_BATCH_POINTS_PER_ACTIVITY: positiveInt.default(20),
  RISK_BATCH_CHILDREN_IN_FLIGHT: positiveInt.default(2),
  RISK_BATCH_CHILDREN_PER_RUN: positiveInt.default(100),
  RISK_BATCH_ACTIVITY_TIMEOUT_S: positiveInt.default(600),
  REFERENCE_GRID_RESOLUTION: z.coerce.number().min(0.01).max(1).default(0.1),
  REFERENCE_GRID_SEED: z.coerce.number().int().default(42),

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
  // Hosts whose user-supplied URLs may resolve to private or loopback addresses (local development, tests).
  FETCH_ALLOW_HOSTS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((h) => h.trim()).filter(Boolean) : [])),
  SAMPLE_VIDEO_HOST_PORT: port.default(4020),
  ETL_CONNECTIONS_PER_HOST: positiveInt.default(4),
  ETL_MAX_FILE_BYTES: positiveInt.default(10 * 1024 * 1024 * 1024),
  ETL_CHUNK_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
  ETL_CHUNKS_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(4),
  ETL_VIDEOS_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(4),
  FETCH_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  FETCH_TIMEOUT_MS: positiveInt.default(30_000),

  STT_VENDOR_URL: z.url().optional(),
  STT_CLIENT_ID: z.string().default('dev-client'),
  STT_CLIENT_SECRET: z.string().default('dev-secret'),
  FAKE_STT_VENDOR_PORT: port.default(4010),
  STT_MAX_IN_FLIGHT: positiveInt.default(10),
  STT_SLOT_WAITERS: positiveInt.default(1_000),
  STT_POLL_INTERVAL_MS: positiveInt.default(5_000),
  STT_SLOT_LEASE_MS: positiveInt.default(120_000),
  STT_BACKOFF_BASE_MS: positiveInt.default(5_000),
  STT_BACKOFF_MAX_MS: positiveInt.default(300_000),
  STT_QUOTA_PAUSE_MS: positiveInt.default(3_600_000),
  STT_MAX_UPLOAD_BYTES: positiveInt.default(1024 * 1024 * 1024),
  // Switches for the benchmark's contrast run; keep both on in production.
  STT_GATE_ENABLED: bool.default(true),
  STT_CAP_ENABLED: bool.default(true),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_KEYS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((k) => k.trim()).filter(Boolean) : [])),
  // 10,000 sites of a portfolio request are about 3 MB of JSON.
  API_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 1mb or 512kb').default('5mb'),
  API_TRUST_PROXY: bool.default(false),
});

export type QueueName = 'risk' | 'stt' | 'etl';
export const QUEUE_NAMES: readonly QueueName[] = ['risk', 'stt', 'etl'];

export interface QueueConfig {
  taskQueue: string;
  maxConcurrentActivities: number;
}

/** How a risk assessment is cut into durable steps; passed into each workflow as its input. */
export interface RiskConfig {
  yearsPerActivity: number;
  maxSitesInFlight: number;
  sitesPerRun: number;
  heartbeatTimeoutSeconds: number;
  groupTimeoutSeconds: number;
  maxGridDistanceKm: number;
  windowYears: number;
}

/** The scheduled grid batch (hazardGridBatchWorkflow); passed into the workflow as its tuning. */
export interface GridBatchConfig {
  scheduleId: string;
  /** Whole-batch limit (workflow execution timeout), so a hung batch can never block the next. */
  timeoutSeconds: number;
  /** How late a missed yearly run may still start (server down at the scheduled time). */
  catchupWindowSeconds: number;
  pointsPerChild: number;
  pointsPerActivity: number;
  maxChildrenInFlight: number;
  childrenPerRun: number;
  activityTimeoutSeconds: number;
  heartbeatTimeoutSeconds: number;
  windowYears: number;
}

/** Speech-to-text: how jobs share one vendor account (passed into workflows and activities). */
export interface SttConfig {
  /** Unset means: start the fake vendor locally (npm start) — never in production. */
  vendorUrl?: string;
  clientId: string;
  clientSecret: string;
  fakeVendorPort: number;
  maxInFlight: number;
  /** Jobs one worker lets wait for a slot at once, on their own task queue so they never starve polls. */
  slotWaiters: number;
  pollIntervalMs: number;
  slotLeaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  quotaPauseMs: number;
  maxUploadBytes: number;
  gateEnabled: boolean;
  capEnabled: boolean;
}

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

export interface Config {
  dataDir: string;
  toolsDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  postgres: {
    /** Unset means: start an embedded PostgreSQL under dataDir. */
    url?: string;
    embeddedPort: number;
    poolMax: number;
    statementTimeoutMs: number;
    idleTimeoutMs: number;
    connectTimeoutMs: number;
  };
  temporal: {
    /** Unset means: start the Temporal CLI dev server locally. */
    address?: string;
    namespace: string;
    cliPath?: string;
    port: number;
    uiPort: number;
    uiUrl: string;
  };
  queues: Record<QueueName, QueueConfig>;
  worker: {
    maxConcurrentWorkflowTasks: number;
    /** Workflows kept in memory between tasks; bounded so a 1,000-site portfolio keeps worker memory flat. */
    maxCachedWorkflows: number;
    shutdownGraceMs: number;
    metricsPort: number;
    workflowBundlePath?: string;
  };
  risk: RiskConfig;
  riskBatch: GridBatchConfig;
  stt: SttConfig;
  storage: StorageConfig;
  etl: { connectionsPerHost: number; maxFileBytes: number; chunkSize: number; chunksInFlight: number; videosInFlight: number; sampleHostPort: number };
  /** Fetching user-supplied URLs. */
  fetch: { allowHosts: string[]; maxRedirects: number; timeoutMs: number };
  referenceData: { resolutionDeg: number; seed: number };
  api: {
    host: string;
    port: number;
    apiKeys: string[];
    bodyLimit: string;
    trustProxy: boolean;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    throw new ConfigError(`${name}: ${issue.message} (got ${JSON.stringify(present[name] ?? null)})`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    toolsDir: path.resolve(e.TOOLS_DIR),
    logLevel: e.LOG_LEVEL,
    postgres: {
      url: e.DATABASE_URL,
      embeddedPort: e.EMBEDDED_PG_PORT,
      poolMax: e.PG_POOL_MAX,
      statementTimeoutMs: e.PG_STATEMENT_TIMEOUT_MS,
      idleTimeoutMs: e.PG_IDLE_TIMEOUT_MS,
      connectTimeoutMs: e.PG_CONNECT_TIMEOUT_MS,
    },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      cliPath: e.TEMPORAL_CLI_PATH,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
    },
    queues: {
      risk: { taskQueue: e.TASK_QUEUE_RISK, maxConcurrentActivities: e.RISK_MAX_ACTIVITIES },
      stt: { taskQueue: e.TASK_QUEUE_STT, maxConcurrentActivities: e.STT_MAX_ACTIVITIES },
      etl: { taskQueue: e.TASK_QUEUE_ETL, maxConcurrentActivities: e.ETL_MAX_ACTIVITIES },
    },
    worker: {
      maxConcurrentWorkflowTasks: e.MAX_WORKFLOW_TASKS,
      maxCachedWorkflows: e.MAX_CACHED_WORKFLOWS,
      shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_MS,
      metricsPort: e.WORKER_METRICS_PORT,
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
    },
    risk: {
      yearsPerActivity: e.RISK_YEARS_PER_ACTIVITY,
      maxSitesInFlight: e.RISK_MAX_SITES_IN_FLIGHT,
      sitesPerRun: e.RISK_SITES_PER_RUN,
      heartbeatTimeoutSeconds: e.RISK_HEARTBEAT_TIMEOUT_S,
      groupTimeoutSeconds: e.RISK_GROUP_TIMEOUT_S,
      maxGridDistanceKm: e.RISK_MAX_GRID_DISTANCE_KM,
      windowYears: e.RISK_WINDOW_YEARS,
    },
    riskBatch: {
      scheduleId: e.RISK_BATCH_SCHEDULE_ID,
      timeoutSeconds: e.RISK_BATCH_TIMEOUT_S,
      catchupWindowSeconds: e.RISK_BATCH_CATCHUP_WINDOW_S,
      pointsPerChild: e.RISK_BATCH_POINTS_PER_CHILD,
      pointsPerActivity: e.RISK_BATCH_POINTS_PER_ACTIVITY,
      maxChildrenInFlight: e.RISK_BATCH_CHILDREN_IN_FLIGHT,
      childrenPerRun: e.RISK_BATCH_CHILDREN_PER_RUN,
      activityTimeoutSeconds: e.RISK_BATCH_ACTIVITY_TIMEOUT_S,
      heartbeatTimeoutSeconds: e.RISK_HEARTBEAT_TIMEOUT_S,
      windowYears: e.RISK_WINDOW_YEARS,
    },
    stt: {
      vendorUrl: e.STT_VENDOR_URL,
      clientId: e.STT_CLIENT_ID,
      clientSecret: e.STT_CLIENT_SECRET,
      fakeVendorPort: e.FAKE_STT_VENDOR_PORT,
      maxInFlight: e.STT_MAX_IN_FLIGHT,
      slotWaiters: e.STT_SLOT_WAITERS,
      pollIntervalMs: e.STT_POLL_INTERVAL_MS,
      slotLeaseMs: e.STT_SLOT_LEASE_MS,
      backoffBaseMs: e.STT_BACKOFF_BASE_MS,
      backoffMaxMs: e.STT_BACKOFF_MAX_MS,
      quotaPauseMs: e.STT_QUOTA_PAUSE_MS,
      maxUploadBytes: e.STT_MAX_UPLOAD_BYTES,
      gateEnabled: e.STT_GATE_ENABLED,
      capEnabled: e.STT_CAP_ENABLED,
    },
    etl: {
      connectionsPerHost: e.ETL_CONNECTIONS_PER_HOST,
      maxFileBytes: e.ETL_MAX_FILE_BYTES,
      chunkSize: e.ETL_CHUNK_SIZE,
      chunksInFlight: e.ETL_CHUNKS_IN_FLIGHT,
      videosInFlight: e.ETL_VIDEOS_IN_FLIGHT,
      sampleHostPort: e.SAMPLE_VIDEO_HOST_PORT,
    },
    fetch: { allowHosts: e.FETCH_ALLOW_HOSTS, maxRedirects: e.FETCH_MAX_REDIRECTS, timeoutMs: e.FETCH_TIMEOUT_MS },
    storage: storageConfig(e),
    referenceData: { resolutionDeg: e.REFERENCE_GRID_RESOLUTION, seed: e.REFERENCE_GRID_SEED },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      apiKeys: e.API_KEYS,
      bodyLimit: e.API_BODY_LIMIT,
      trustProxy: e.API_TRUST_PROXY,
    },
  };
}

function storageConfig(e: z.infer<typeof envSchema>): StorageConfig {
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

/**
 * Waiting for a vendor slot is a long, idle activity; it runs on its own task queue so that
 * hundreds of waiting jobs cannot occupy the activity slots that polls and submits need.
 */
export function sttSlotTaskQueue(config: Config): string {
  return `${config.queues.stt.taskQueue}-slots`;
}

/** The Temporal address clients use: the configured server, or the locally started dev server. */
export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.port}`;
}

/** Every environment variable the configuration understands (the compose-file test checks against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);
