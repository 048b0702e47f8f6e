import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Pool } from 'pg';
import { loadConfig } from '../../../src/config';
import { migrate } from '../../../src/infra/db/migrate';
import { createPool } from '../../../src/infra/db/pool';
import { createScratchDatabase } from '../../support/scratch-database';

const MIGRATIONS = readdirSync(path.resolve(__dirname, '../../../src/infra/db/migrations')).filter((f) => f.endsWith('.sql')).length;

let db: Awaited<ReturnType<typeof createScratchDatabase>>;
let pools: Pool[];

before(async () => {
  db = await createScratchDatabase();
  const config = loadConfig({ ...process.env, DATABASE_URL: db.url, PG_POOL_MAX: '2' });
  pools = [1, 2, 3].map((i) => createPool(config, `dp-test-migrate-${i}`));
});
after(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.drop();
});

test('three processes migrating at once apply each migration exactly once, in order', async () => {
  const results = await Promise.all(pools.map((p) => migrate(p)));
  const applied = results.flatMap((r) => r.applied);
  assert.equal(applied.length, MIGRATIONS);
  assert.deepEqual(applied, [...applied].sort());
  const { rows } = await pools[0].query('SELECT version FROM schema_migrations ORDER BY version');
  assert.equal(rows.length, MIGRATIONS);
});

test('a second start-up applies nothing', async () => {
  const again = await migrate(pools[0]);
  assert.deepEqual(again.applied, []);
  assert.equal(again.alreadyApplied, MIGRATIONS);
});
