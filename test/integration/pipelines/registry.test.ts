import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { ANY_PIPELINES } from '../../../src/pipelines';
import { taskQueueVariable } from '../../../src/pipelines/definition';
import { startTestStack, type TestStack } from '../../support/stack';

// The registry is the one list of pipelines; this keeps everything else that must know about a
// pipeline honest, so a pipeline added per docs/adding-a-pipeline.md cannot miss a piece.
const ROOT = path.resolve(__dirname, '../../..');
const HISTORIES = path.join(ROOT, 'test/replay/histories');

/** Workflow type → recorded history files, read from each history's first event. */
function recordedWorkflowTypes(): Map<string, string[]> {
  const types = new Map<string, string[]>();
  for (const file of readdirSync(HISTORIES).filter((f) => f.endsWith('.json') && f !== 'workflow-ids.json')) {
    const history = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')) as { events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }> };
    const type = history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    if (type) types.set(type, [...(types.get(type) ?? []), file]);
  }
  return types;
}

describe('every registered pipeline is complete', () => {
  let stack: TestStack;
  let operations: Array<{ path: string; method: string; tags: string[] }>;
  before(async () => {
    stack = await startTestStack({ queues: false });
    const doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags: string[] }>> };
    operations = Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([method, op]) => ({ path: p, method, tags: op.tags })));
  });
  after(() => stack.stop());

  const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command?: string[] }> };
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const histories = recordedWorkflowTypes();

  test('names and task queues are unique', () => {
    const names = ANY_PIPELINES.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    const queues = ANY_PIPELINES.map((p) => stack.config.pipelines[p.name].queue.taskQueue);
    assert.equal(new Set(queues).size, queues.length);
  });

  for (const pipeline of ANY_PIPELINES) {
    describe(pipeline.name, () => {
      test('its settings name exactly one TASK_QUEUE_* variable', () => {
        assert.match(taskQueueVariable(pipeline), /^TASK_QUEUE_[A-Z_]+$/);
      });

      test('its workflow module exports exactly the workflow types it declares', () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exported = Object.keys(require(pipeline.workflowsModule) as object).sort();
        assert.deepEqual(exported, [...pipeline.workflowTypes].sort());
      });

      test('it has a worker service in docker-compose.yml running its queue', () => {
        const service = compose.services[`worker-${pipeline.name}`];
        assert.ok(service, `docker-compose.yml has no worker-${pipeline.name} service`);
        assert.equal(service.command?.[service.command.indexOf('--queue') + 1], pipeline.name);
      });

      test('its routes are in /openapi.json under its tag', () => {
        const own = operations.filter((op) => op.tags.includes(pipeline.name));
        assert.ok(own.length > 0, `no operation tagged ${pipeline.name}`);
        assert.ok(own.every((op) => op.path.startsWith('/api/')), 'pipeline routes live under /api');
      });

      test('every workflow type it declares has a recorded replay history', () => {
        for (const type of pipeline.workflowTypes) assert.ok(histories.has(type), `no history in test/replay/histories starts a ${type}`);
      });

      test('the README has a section for it', () => {
        assert.match(readme, new RegExp(`^## ${pipeline.title}$`, 'm'), `README.md has no "## ${pipeline.title}" section`);
      });
    });
  }
});
