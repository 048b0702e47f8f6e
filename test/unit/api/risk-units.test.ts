import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { z } from 'zod';
import { presentResult, presentSummary } from '../../../src/api/risk/result-presentation';
import { HazardResultView } from '../../../src/api/risk/result-schemas';
import type { ApiDeps } from '../../../src/api/shared/deps';
import { buildOpenApi } from '../../../src/api/shared/openapi';
import { loadConfig } from '../../../src/config';
import { riskPipeline } from '../../../src/pipelines/risk';

type Json = Record<string, any>;

/** The risk pipeline's routes as the OpenAPI document sees them; declaring them touches no dependency. */
function riskRoutesForDocs() {
  const config = loadConfig({});
  return riskPipeline.routes({ config, taskQueues: {} } as unknown as ApiDeps, config.pipelines.risk);
}

/** Every numeric leaf of a JSON schema with its path. */
function numbers(schema: Json, path: string, out: Array<[string, Json]> = []): Array<[string, Json]> {
  if (!schema || typeof schema !== 'object') return out;
  const types = [schema.type].flat();
  if (types.includes('number') || types.includes('integer')) out.push([path, schema]);
  for (const [name, child] of Object.entries<Json>(schema.properties ?? {})) numbers(child, `${path}.${name}`, out);
  if (schema.items) numbers(schema.items, `${path}[]`, out);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') numbers(schema.additionalProperties, `${path}{}`, out);
  for (const key of ['anyOf', 'oneOf', 'allOf']) (schema[key] ?? []).forEach((s: Json, i: number) => numbers(s, `${path}|${i}`, out));
  return out;
}

describe('risk API units', () => {
  const doc = buildOpenApi(riskRoutesForDocs(), { title: 't', version: '0' }) as { paths: Record<string, Record<string, Json>> };

  test('every number a risk operation answers or takes has its unit in a description and an example', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schemas: Array<[string, Json]> = [
          ...Object.entries<Json>(op.responses).flatMap(([status, r]) => Object.entries<Json>(r.content ?? {}).map(([type, m]) => [`${status} ${type}`, m.schema] as [string, Json])),
          ...Object.entries<Json>(op.requestBody?.content ?? {}).map(([type, m]) => [`body ${type}`, m.schema] as [string, Json]),
        ];
        for (const [where, schema] of schemas) {
          for (const [field, s] of numbers(schema, '')) {
            seen++;
            if (!s.description || !Array.isArray(s.examples)) missing.push(`${method.toUpperCase()} ${path} ${where}: ${field || '(root)'}`);
          }
        }
      }
    }
    assert.ok(seen > 80, `${seen} numeric fields`);
    assert.deepEqual(missing, []);
  });

  test('answers carry no float noise: scores to 2 decimals, rates to 8, probabilities to 6', () => {
    const row = {
      siteId: 's', scenario: 'SSP585', year: 2050, hazard: 'typhoon', h: 52.74000000000001, e: 70, v: 55, pBins: [0.28630000000000003, 0.7136999999999999],
      baseAal: 0.023411023411023411, finalAal: 0.017370960000000002, expectedLoss: 173709600, integratedScore: 20.3, grade: 'minor', modelVersion: 'risk-model/2', computedAt: '2026-01-01T00:00:00.000Z',
    };
    const shown: z.output<typeof HazardResultView> = presentResult(row);
    assert.deepEqual([shown.h, shown.pBins, shown.baseAal, shown.finalAal], [52.74, [0.2863, 0.7137], 0.02341102, 0.01737096]);
    assert.equal(JSON.stringify(shown).match(/\d\.\d{9,}/), null);
    const summary = presentSummary({ siteId: 's', scenario: 'SSP585', year: 2050, results: [
      { hazard: 'drought', finalAal: 0.1 + 0.2, expectedLoss: 1, integratedScore: 5.2 },
      { hazard: 'typhoon', finalAal: 0, expectedLoss: 0, integratedScore: 5.3 },
      { hazard: 'wildfire', finalAal: 0, expectedLoss: 0, integratedScore: 5.35 },
    ] });
    assert.deepEqual([summary.totalFinalAal, summary.meanIntegratedScore, summary.topHazards], [0.3, 5.28, ['drought', 'typhoon', 'wildfire']]);
  });
});
