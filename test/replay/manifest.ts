import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** histories/workflow-ids.json: history file → the workflow id it was recorded under. */
export const MANIFEST = 'workflow-ids.json';

export function readManifest(dir: string): Record<string, string> {
  const file = path.join(dir, MANIFEST);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}
