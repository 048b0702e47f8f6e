import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { CONSOLE_DIR, VENDOR_FILES, vendorFilePath } from '../../../src/api/console';
import { CONFIG_VARIABLES, loadConfig } from '../../../src/config';
import { PIPELINE_NAMES } from '../../../src/pipelines';
import { ALL_SEARCH_ATTRIBUTES } from '../../../src/workflows/shared/search-attributes';
import { searchAttributeFlags } from '../../../src/infra/temporal/dev-server';

// No Docker engine runs here, so this keeps the production stack honest by reading it:
// every name, port, variable and path it uses must agree with the code.
const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const appServices = Object.entries(services).filter(([, s]) => s.build === '.');
const dockerfile = read('Dockerfile');

const published = (s: Service) => (s.ports ?? []).map((p) => p.split(':').map(Number) as [number, number]);
/** Compose's ${VAR:-default} as an unset environment would resolve it. */
const resolveEnv = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{\w+:-([^}]*)\}/g, '$1')]));

describe('docker-compose.yml agrees with the code', () => {
  test('every dependency names a service, and the stack has the pieces the brief asks for', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const dep of Object.keys(s.depends_on ?? {})) assert.ok(services[dep], `${name} depends on unknown service ${dep}`);
    }
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-ui', 'api']) assert.ok(services[name], name);
    assert.match(services['temporal-schema'].image ?? '', /^temporalio\/admin-tools:/);
    assert.equal(services.temporal.environment?.DB, 'postgres12');
  });

  test('app services set only variables the configuration knows, and those values validate', () => {
    assert.ok(appServices.length >= 4);
    for (const [name, s] of appServices) {
      const env = resolveEnv(s.environment ?? {});
      for (const key of Object.keys(env)) assert.ok(CONFIG_VARIABLES.includes(key), `${name} sets ${key}, which src/config.ts does not read`);
      assert.doesNotThrow(() => loadConfig(env), `${name} environment`);
    }
  });

  test('DATABASE_URL and TEMPORAL_ADDRESS point at services that provide them', () => {
    const init = read('deploy/postgres-init.sql');
    for (const [name, s] of appServices) {
      const db = new URL(s.environment!.DATABASE_URL);
      assert.ok(services[db.hostname], `${name}: DATABASE_URL host ${db.hostname}`);
      assert.match(init, new RegExp(`CREATE ROLE ${db.username} LOGIN PASSWORD '${db.password}'`));
      assert.match(init, new RegExp(`CREATE DATABASE ${db.pathname.slice(1)} OWNER ${db.username}`));
      const [host, port] = s.environment!.TEMPORAL_ADDRESS.split(':');
      assert.equal(host, 'temporal');
      assert.equal(Number(port), 7233);
      assert.ok(s.depends_on?.postgresql && s.depends_on['temporal-namespace'], `${name} waits for the database and namespace`);
    }
    assert.deepEqual(published(services.temporal), [[7233, 7233]]);
  });

  test('the API publishes the port it listens on, and the UI link matches the UI service', () => {
    const api = services.api;
    const port = Number(api.environment!.API_PORT);
    assert.deepEqual(published(api), [[port, port]]);
    assert.match(api.healthcheck!.test.join(' '), new RegExp(`127\\.0\\.0\\.1:${port}/readyz`));
    const [uiHostPort] = published(services['temporal-ui'])[0];
    assert.equal(api.environment!.TEMPORAL_UI_URL, `http://localhost:${uiHostPort}`);
  });

  test('every registered pipeline has exactly one worker service, worker-<name>, running the compiled worker entry point', () => {
    const workers = appServices.filter(([, s]) => s.command?.includes('dist/bin/worker.js'));
    const queues = workers.map(([name, s]) => [name, s.command![s.command!.indexOf('--queue') + 1]]);
    assert.deepEqual(queues.sort(), PIPELINE_NAMES.map((p) => [`worker-${p}`, p]).sort());
    for (const [, s] of appServices) {
      const entry = s.command!.find((c) => c.startsWith('dist/'))!;
      assert.ok(existsSync(path.join(ROOT, entry.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))), entry);
    }
  });

  test('the image ships the workflow bundle and migrations where the code looks for them', () => {
    const bundlePath = /WORKFLOW_BUNDLE_PATH=(\S+)/.exec(dockerfile)?.[1];
    assert.equal(bundlePath, '/app/dist/workflow-bundle.js');
    assert.match(dockerfile, /node dist\/bin\/bundle-workflows\.js dist\/workflow-bundle\.js/);
    assert.match(dockerfile, /cp -r src\/infra\/db\/migrations dist\/infra\/db\/migrations/);
    assert.ok(existsSync(path.join(ROOT, 'src/infra/db/migrations')));
    assert.match(dockerfile, /FROM node:20/);
  });

  test('the image ships the console where the API looks for it, and the packages it serves as production dependencies', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
    assert.match(runtime, /^COPY console \.\/console$/m);
    assert.match(runtime, /npm install --omit=dev/);
    // dist/api/console.js resolves the folder as src/api/console.ts does: two levels up, /app/console.
    assert.equal(path.relative(path.join(ROOT, 'src', 'api'), CONSOLE_DIR), path.join('..', '..', 'console'));
    assert.ok(existsSync(path.join(CONSOLE_DIR, 'index.html')));
    const dependencies = (JSON.parse(read('package.json')) as { dependencies: Record<string, string> }).dependencies;
    for (const [name, { pkg }] of Object.entries(VENDOR_FILES)) {
      assert.ok(dependencies[pkg], `${pkg} (served as /console/vendor/${name}) is a production dependency`);
      assert.ok(existsSync(vendorFilePath(name)), vendorFilePath(name));
    }
  });

  test('mounted scripts exist and the namespace script registers exactly the search attributes the workflows set', () => {
    for (const [, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const [source] = v.split(':');
        if (source.startsWith('./')) assert.ok(existsSync(path.join(ROOT, source)), source);
      }
    }
    const script = read('deploy/temporal-namespace.sh');
    const registered = [...script.matchAll(/^search_attribute (\w+) (\w+)$/gm)].map(([, n, t]) => `${n}=${t}`).sort();
    const expected = searchAttributeFlags(ALL_SEARCH_ATTRIBUTES).filter((f) => f !== '--search-attribute').sort();
    assert.deepEqual(registered, expected);
  });
});
