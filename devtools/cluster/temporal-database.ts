import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Files in deploy/ that docker-compose.yml mounts too: one configuration, two ways to run it. */
export const DEPLOY_FILES = {
  serverConfig: 'deploy/temporal-server.yaml',
  dynamicConfig: 'deploy/temporal-dynamic-config.yaml',
  schemaScript: 'deploy/temporal-schema.sh',
  namespaceScript: 'deploy/temporal-namespace.sh',
} as const;

/**
 * Where Temporal keeps its own data, in the variables of deploy/temporal-server.yaml and
 * deploy/temporal-schema.sh (the names docker-compose.yml sets).
 */
export interface TemporalDatabaseEnv {
  DB: string;
  POSTGRES_SEEDS: string;
  DB_PORT: string;
  POSTGRES_USER: string;
  POSTGRES_PWD: string;
  DBNAME: string;
  VISIBILITY_DBNAME: string;
}

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Temporal's databases on a PostgreSQL server: the variables docker-compose.yml sets when they are
 * in `env`, else the server that `serverUrl` points at (the application's own DATABASE_URL).
 */
export function temporalDatabaseEnv(serverUrl: string, env: NodeJS.ProcessEnv = {}, names = { DBNAME: 'temporal', VISIBILITY_DBNAME: 'temporal_visibility' }): TemporalDatabaseEnv {
  const url = new URL(serverUrl);
  const dbname = env.DBNAME || names.DBNAME;
  const visibility = env.VISIBILITY_DBNAME || names.VISIBILITY_DBNAME;
  for (const name of [dbname, visibility]) {
    if (!DATABASE_NAME.test(name)) throw new Error(`Temporal database name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
  }
  const fromUrl = !env.POSTGRES_SEEDS;
  return {
    DB: env.DB || 'postgres12',
    POSTGRES_SEEDS: fromUrl ? url.hostname : env.POSTGRES_SEEDS!,
    DB_PORT: (fromUrl ? url.port : env.DB_PORT) || '5432',
    POSTGRES_USER: (fromUrl ? decodeURIComponent(url.username) : env.POSTGRES_USER) || 'postgres',
    POSTGRES_PWD: (fromUrl ? decodeURIComponent(url.password) : env.POSTGRES_PWD) ?? '',
    DBNAME: dbname,
    VISIBILITY_DBNAME: visibility,
  };
}

/** Runs a deploy/ shell script with the cluster's tools first on PATH; its output goes to `log`. */
export async function runDeployScript(script: string, env: Record<string, string>, toolDirs: string[], log: (line: string) => void): Promise<void> {
  const child = spawn('sh', [path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env, PATH: [...toolDirs, process.env.PATH ?? ''].join(path.delimiter) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter((l) => l.trim())) {
      log(line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${script} exited ${code}:\n${tail.join('\n')}`);
}

/** Creates (if missing) and migrates Temporal's two databases with temporal-sql-tool. */
export function setUpTemporalSchema(db: TemporalDatabaseEnv, sqlToolDir: string, log: (line: string) => void): Promise<void> {
  return runDeployScript(DEPLOY_FILES.schemaScript, { ...db }, [sqlToolDir], log);
}

/** For throw-away clusters (the tests): drops both databases, whoever is still connected. */
export async function dropTemporalDatabases(db: TemporalDatabaseEnv): Promise<void> {
  const client = new Client({ host: db.POSTGRES_SEEDS, port: Number(db.DB_PORT), user: db.POSTGRES_USER, password: db.POSTGRES_PWD, database: 'postgres' });
  await client.connect();
  try {
    // Names were checked against DATABASE_NAME, so quoting them is enough.
    for (const name of [db.DBNAME, db.VISIBILITY_DBNAME]) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
