import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ANY_PIPELINES } from '../pipelines';

const SRC_DIR = path.resolve(__dirname, '..');
const LOCKFILE = path.resolve(SRC_DIR, '..', 'package-lock.json');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** A content hash of everything the bundle can import, so a cached bundle is never stale. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(SRC_DIR).sort()) hash.update(file).update(readFileSync(file));
  if (existsSync(LOCKFILE)) hash.update(readFileSync(LOCKFILE));
  return hash.digest('hex').slice(0, 16);
}

/**
 * One bundle holds every registered pipeline's workflows (a worker of any queue can replay any of
 * them); its entry is written from the registry, so no second list of pipelines exists.
 */
export async function buildWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  // Inside the source tree, so the bundler resolves the SDK from the project's node_modules.
  const entry = path.join(SRC_DIR, 'workflows', `.bundle-entry-${process.pid}-${randomUUID()}.js`);
  writeFileSync(entry, ANY_PIPELINES.map((p) => `export * from ${JSON.stringify(p.workflowsModule)};\n`).join(''));
  try {
    return await bundleWorkflowCode({ workflowsPath: entry, logger: quietLogger });
  } finally {
    rmSync(entry, { force: true });
  }
}

/**
 * Bundling the workflow code takes seconds; cache it under the data directory keyed by the
 * source hash so restarts are fast. Production images ship a pre-built bundle instead.
 */
export async function cachedWorkflowBundlePath(cacheDir: string): Promise<string> {
  const file = path.join(cacheDir, `workflow-bundle-${sourceHash()}.js`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const { code } = await buildWorkflowBundle();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file);
  return file;
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    console.warn(message);
  },
  error(message: string) {
    console.error(message);
  },
};
