// Writes the pre-built workflow bundle that production images ship: `node dist/bin/bundle-workflows.js OUT`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildWorkflowBundle } from '../stack/workflow-bundle';
import { runMain } from './run-main';

runMain(async () => {
  const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await buildWorkflowBundle();
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`workflow bundle written to ${out} (${Math.round(code.length / 1024)} KiB)`);
});
