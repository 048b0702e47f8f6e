import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPgError } from '../../../src/infra/db/errors';

const cases: Array<[string, unknown, ReturnType<typeof classifyPgError>]> = [
  ['admin shutdown (backend terminated)', { code: '57P01' }, 'transient'],
  ['statement timeout', { code: '57014' }, 'transient'],
  ['serialization failure', { code: '40001' }, 'transient'],
  ['deadlock', { code: '40P01' }, 'transient'],
  ['connection failure', { code: '08006' }, 'transient'],
  ['too many connections', { code: '53300' }, 'transient'],
  ['lock not available', { code: '55P03' }, 'transient'],
  ['socket reset', { code: 'ECONNRESET' }, 'transient'],
  ['dropped socket without code', new Error('Connection terminated unexpectedly'), 'transient'],
  ['pool connect timeout', new Error('timeout exceeded when trying to connect'), 'transient'],
  ['numeric out of range', { code: '22003' }, 'permanent'],
  ['unique violation', { code: '23505' }, 'permanent'],
  ['undefined column', { code: '42703' }, 'permanent'],
  ['plain error', new Error('boom'), 'unknown'],
  ['not an error', 'text', 'unknown'],
];

for (const [name, err, expected] of cases) {
  test(`${name} is ${expected}`, () => assert.equal(classifyPgError(err), expected));
}
