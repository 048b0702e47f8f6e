import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findTemporalCli, TemporalCliNotFoundError } from '../../../src/infra/temporal/cli-binary';

const lookup = (executables: string[], explicitPath?: string) => ({
  explicitPath,
  toolsDir: '/repo/.tools',
  pathEnv: '/usr/local/bin:/opt/temporal/bin',
  isExecutable: (file: string) => executables.includes(file),
});

test('TEMPORAL_CLI_PATH wins over PATH and the tools directory', () => {
  assert.equal(findTemporalCli(lookup(['/x/temporal', '/opt/temporal/bin/temporal', '/repo/.tools/bin/temporal'], '/x/temporal')), '/x/temporal');
});

test('a TEMPORAL_CLI_PATH that is not executable is an error, not a silent fallback', () => {
  assert.throws(() => findTemporalCli(lookup(['/opt/temporal/bin/temporal'], '/missing/temporal')), TemporalCliNotFoundError);
});

test('PATH comes before the tools directory, in PATH order', () => {
  assert.equal(findTemporalCli(lookup(['/opt/temporal/bin/temporal', '/repo/.tools/bin/temporal'])), '/opt/temporal/bin/temporal');
});

test('the tools directory is the last resort', () => {
  assert.equal(findTemporalCli(lookup(['/repo/.tools/bin/temporal'])), '/repo/.tools/bin/temporal');
  assert.equal(findTemporalCli(lookup([])), undefined);
});
