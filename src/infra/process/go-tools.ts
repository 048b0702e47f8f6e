import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Dev tools we build from source with `go install` (never downloaded as binaries) share these checks. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function goAvailable(): boolean {
  const go = spawnSync('go', ['version'], { stdio: 'ignore' });
  return !go.error && go.status === 0;
}

/** Environment for `go install` into `gobin`; static binaries unless the caller asks for cgo. */
export function goInstallEnv(gobin: string): NodeJS.ProcessEnv {
  return { ...process.env, GOBIN: gobin, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' };
}
