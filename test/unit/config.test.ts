import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config';
import { assertApiExposureIntended } from '../../src/config/api-exposure';
import { PIPELINE_NAMES } from '../../src/pipelines';
import { temporalAddress } from '../../src/infra/temporal/client';

describe('configuration', () => {
  test('defaults describe a local stack: dev server on 7233, UI on 8233, embedded PostgreSQL', () => {
    const config = loadConfig({});
    assert.equal(config.postgres.url, undefined);
    assert.equal(config.temporal.address, undefined);
    assert.equal(temporalAddress(config), '127.0.0.1:7233');
    assert.equal(config.temporal.uiUrl, 'http://localhost:8233');
    assert.deepEqual(
      Object.values(config.pipelines).map((p) => p.queue.taskQueue),
      PIPELINE_NAMES,
    );
    assert.deepEqual(config.api.apiKeys, []);
  });

  test('values are parsed and typed', () => {
    const config = loadConfig({ API_PORT: '8080', API_KEYS: 'a, b,,c', RISK_MAX_ACTIVITIES: '2', DATABASE_URL: 'postgres://u@db:5432/x' });
    assert.equal(config.api.port, 8080);
    assert.deepEqual(config.api.apiKeys, ['a', 'b', 'c']);
    assert.equal(config.pipelines.risk.queue.maxConcurrentActivities, 2);
    assert.equal(config.postgres.url, 'postgres://u@db:5432/x');
  });

  test('names derived from a task queue follow it unless set', () => {
    const config = loadConfig({ TASK_QUEUE_RISK: 'risk-blue', TASK_QUEUE_STT: 'stt-blue' });
    assert.equal(config.pipelines.risk.gridBatch.scheduleId, 'risk-blue-grid-batch');
    assert.equal(config.pipelines.stt.slotQueue.taskQueue, 'stt-blue-slots');
    assert.equal(config.pipelines.stt.tuning.slotTaskQueue, 'stt-blue-slots');
    assert.equal(loadConfig({ RISK_BATCH_SCHEDULE_ID: 'yearly' }).pipelines.risk.gridBatch.scheduleId, 'yearly');
  });

  test('STT_PROVIDER picks the vendor and the settings it reads; rtzr by default', () => {
    const rtzr = loadConfig({ STT_VENDOR_URL: 'https://openapi.vito.ai', STT_OPENAI_BASE_URL: 'https://api.openai.com/v1' }).pipelines.stt.provider;
    assert.deepEqual(rtzr, { name: 'rtzr', baseUrl: 'https://openapi.vito.ai', baseUrlVariable: 'STT_VENDOR_URL', clientId: 'dev-client', clientSecret: 'dev-secret' });
    const openai = loadConfig({ STT_PROVIDER: 'openai', STT_OPENAI_BASE_URL: 'https://api.openai.com/v1', STT_OPENAI_API_KEY: 'sk-1', STT_OPENAI_LANGUAGE: 'ko' }).pipelines.stt.provider;
    assert.deepEqual(openai, {
      name: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      baseUrlVariable: 'STT_OPENAI_BASE_URL',
      apiKey: 'sk-1',
      model: 'whisper-1',
      language: 'ko',
    });
    assert.equal(loadConfig({ STT_PROVIDER: 'openai' }).pipelines.stt.provider.baseUrl, undefined, 'unset: npm start runs the fake vendor');
  });

  test('FETCH_ALLOW_HOSTS holds host:port endpoints, host:* for every port', () => {
    assert.deepEqual(loadConfig({ FETCH_ALLOW_HOSTS: '127.0.0.1:4010, videos.local:*' }).fetch.allowEndpoints, [
      { host: '127.0.0.1', port: 4010 },
      { host: 'videos.local', port: '*' },
    ]);
    assert.equal(loadConfig({}).fetch.deadlineMs, 900_000);
  });

  test('an API off loopback without API_KEYS refuses to start, in one line, unless API_AUTH=none', () => {
    const api = (env: Record<string, string>) => () => assertApiExposureIntended(loadConfig(env).api);
    assert.throws(api({ API_HOST: '0.0.0.0' }), (err: Error) => err instanceof ConfigError && err.message.startsWith('API_KEYS: ') && err.message.includes('API_AUTH=none') && !err.message.includes('\n'));
    assert.throws(api({ API_HOST: '::' }), ConfigError);
    assert.throws(api({ API_HOST: '192.168.1.20' }), ConfigError);
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) assert.doesNotThrow(api({ API_HOST: host }), host);
    assert.doesNotThrow(api({ API_HOST: '0.0.0.0', API_KEYS: 'k1' }));
    assert.doesNotThrow(api({ API_HOST: '0.0.0.0', API_AUTH: 'none' }));
  });

  test('empty variables count as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '' }).postgres.url, undefined);
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root@localhost/db' }],
    ['TEMPORAL_ADDRESS', { TEMPORAL_ADDRESS: 'http://localhost' }],
    ['API_PORT', { API_PORT: '70000' }],
    ['RISK_MAX_ACTIVITIES', { RISK_MAX_ACTIVITIES: '0' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['STT_PROVIDER', { STT_PROVIDER: 'whisper' }],
    ['STT_OPENAI_BASE_URL', { STT_PROVIDER: 'openai', STT_OPENAI_BASE_URL: 'api.openai.com' }],
    ['STT_OPENAI_LANGUAGE', { STT_OPENAI_LANGUAGE: 'korean' }],
    ['FETCH_ALLOW_HOSTS', { FETCH_ALLOW_HOSTS: '127.0.0.1' }],
    ['FETCH_ALLOW_HOSTS', { FETCH_ALLOW_HOSTS: 'videos.local:8080, localhost' }],
    ['API_AUTH', { API_AUTH: 'off' }],
  ];
  for (const [name, env] of bad) {
    test(`a bad ${name} fails with one line naming it`, () => {
      assert.throws(
        () => loadConfig(env),
        (err: Error) => err instanceof ConfigError && err.message.startsWith(`${name}: `) && !err.message.includes('\n'),
      );
    });
  }
});
