import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { DEPLOY_FILES, temporalDatabaseEnv } from '../../../devtools/cluster/temporal-database';
import { INTERNAL_PORT_VARIABLES, temporalServerEnv } from '../../../devtools/cluster/temporal-server';
import { CLUSTER_TOOLS, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../../devtools/cluster/tools';

// `npm run start:cluster` (devtools/cluster) and docker-compose.yml must run one Temporal setup:
// the same server version, config file, schema and namespace steps and variable names.
const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}
const services = (parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> }).services;

/** Container path a service mounts a repository file at. */
const mountOf = (service: Service, file: string) =>
  (service.volumes ?? []).map((v) => v.split(':')).find(([source]) => source === `./${file}`)?.[1];

/** Variables a Go template reads with `env "NAME"`, or a shell script with $NAME / ${NAME…}. */
const templateVariables = (text: string) => new Set([...text.matchAll(/env "(\w+)"/g)].map(([, name]) => name));
const shellVariables = (text: string) => new Set([...text.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map(([, name]) => name));

// Read by temporal-server itself (flags' environment twins), not by its config file.
const SERVER_FLAG_VARIABLES = new Set(['TEMPORAL_SERVER_CONFIG_FILE_PATH', 'TEMPORAL_ALLOW_NO_AUTH']);

const serverConfigVariables = templateVariables(read(DEPLOY_FILES.serverConfig));
const schemaVariables = shellVariables(read(DEPLOY_FILES.schemaScript));
const sampleDb = temporalDatabaseEnv('postgres://app:secret@db.example:6543/pipelines');

describe('npm run start:cluster and docker-compose.yml run one Temporal setup', () => {
  test('the images are the versions the launcher builds from source', () => {
    assert.equal(services.temporal.image, `temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    assert.equal(services['temporal-schema'].image, `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    assert.equal(services['temporal-namespace'].image, `temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    assert.equal(services['temporal-ui'].image, `temporalio/ui:${TEMPORAL_UI_VERSION}`);
    assert.match(CLUSTER_TOOLS.server.module, new RegExp(`^go\\.temporal\\.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}$`));
    assert.match(CLUSTER_TOOLS.sqlTool.module, new RegExp(`^go\\.temporal\\.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}$`));
    assert.match(CLUSTER_TOOLS.ui.module, new RegExp(`^github\\.com/temporalio/ui-server/v2/cmd/server@v${TEMPORAL_UI_VERSION}$`));
  });

  test('the server reads the config files in deploy/ that the launcher points it at', () => {
    const temporal = services.temporal;
    const launcher = temporalServerEnv({ db: sampleDb, frontendPort: 7233, ports: {} });
    assert.equal(temporal.environment!.TEMPORAL_SERVER_CONFIG_FILE_PATH, mountOf(temporal, DEPLOY_FILES.serverConfig));
    assert.equal(temporal.environment!.DYNAMIC_CONFIG_FILE_PATH, mountOf(temporal, DEPLOY_FILES.dynamicConfig));
    assert.equal(launcher.TEMPORAL_SERVER_CONFIG_FILE_PATH, path.join(ROOT, DEPLOY_FILES.serverConfig));
    assert.equal(launcher.DYNAMIC_CONFIG_FILE_PATH, path.join(ROOT, DEPLOY_FILES.dynamicConfig));
    assert.equal(launcher.TEMPORAL_ALLOW_NO_AUTH, temporal.environment!.TEMPORAL_ALLOW_NO_AUTH);
  });

  test('the schema and namespace steps are the same scripts', () => {
    for (const [service, script] of [['temporal-schema', DEPLOY_FILES.schemaScript], ['temporal-namespace', DEPLOY_FILES.namespaceScript]] as const) {
      const target = mountOf(services[service], script);
      assert.ok(target, `${service} mounts ${script}`);
      assert.deepEqual(services[service].entrypoint, ['sh', target]);
    }
  });

  test('both set only variables the config file or the server reads, with the same names', () => {
    const launcher = temporalServerEnv({ db: sampleDb, frontendPort: 7233, ports: Object.fromEntries(INTERNAL_PORT_VARIABLES.map((v) => [v, '1'])) });
    for (const [who, env] of [['docker-compose.yml temporal', services.temporal.environment!], ['the launcher', launcher]] as const) {
      for (const name of Object.keys(env)) {
        assert.ok(serverConfigVariables.has(name) || SERVER_FLAG_VARIABLES.has(name), `${who} sets ${name}, which ${DEPLOY_FILES.serverConfig} does not read`);
      }
    }
    // What compose passes to the schema step is what the launcher derives from DATABASE_URL.
    assert.deepEqual(Object.keys(services['temporal-schema'].environment!).sort(), Object.keys(sampleDb).filter((k) => !['DBNAME', 'VISIBILITY_DBNAME'].includes(k)).sort());
    for (const name of Object.keys(sampleDb)) assert.ok(schemaVariables.has(name), `${DEPLOY_FILES.schemaScript} reads ${name}`);
  });

  test('the Temporal database follows DATABASE_URL unless the compose variables are set', () => {
    assert.deepEqual(sampleDb, {
      DB: 'postgres12',
      POSTGRES_SEEDS: 'db.example',
      DB_PORT: '6543',
      POSTGRES_USER: 'app',
      POSTGRES_PWD: 'secret',
      DBNAME: 'temporal',
      VISIBILITY_DBNAME: 'temporal_visibility',
    });
    const fromCompose = temporalDatabaseEnv('postgres://app@localhost/pipelines', { ...services.temporal.environment, DBNAME: 'temporal_a' });
    assert.equal(fromCompose.POSTGRES_SEEDS, 'postgresql');
    assert.equal(fromCompose.POSTGRES_USER, 'temporal');
    assert.equal(fromCompose.DBNAME, 'temporal_a');
    assert.throws(() => temporalDatabaseEnv('postgres://x@y/z', { DBNAME: 'temporal; DROP' }), /lower-case letters/);
  });
});
