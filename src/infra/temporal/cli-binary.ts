import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { goAvailable, goInstallEnv, isExecutable } from '../process/go-tools';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export class TemporalCliNotFoundError extends Error {
  override name = 'TemporalCliNotFoundError';
}

export interface CliLookup {
  /** TEMPORAL_CLI_PATH, if set. */
  explicitPath?: string;
  toolsDir: string;
  pathEnv: string;
  isExecutable?: (file: string) => boolean;
}

/** Where to find the CLI, in the documented order: TEMPORAL_CLI_PATH, PATH, the project's tools directory. */
export function findTemporalCli(lookup: CliLookup): string | undefined {
  const isExec = lookup.isExecutable ?? isExecutable;
  if (lookup.explicitPath) {
    if (!isExec(lookup.explicitPath)) {
      throw new TemporalCliNotFoundError(`TEMPORAL_CLI_PATH: ${lookup.explicitPath} is not an executable file`);
    }
    return lookup.explicitPath;
  }
  for (const dir of lookup.pathEnv.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'temporal');
    if (isExec(candidate)) return candidate;
  }
  const bundled = path.join(lookup.toolsDir, 'bin', 'temporal');
  return isExec(bundled) ? bundled : undefined;
}

const INSTALL_HINT =
  `Install Go (https://go.dev/dl) and run: GOBIN="$PWD/.tools/bin" go install ${TEMPORAL_CLI_MODULE}` +
  ', or put the Temporal CLI on PATH, or set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to use a running server.';

/**
 * Finds the CLI or builds it from source with Go into the tools directory.
 * Building from source (not downloading a release binary) keeps start-up within what
 * the package registries allow.
 */
export function resolveTemporalCli(lookup: CliLookup, log: (msg: string) => void): string {
  const found = findTemporalCli(lookup);
  if (found) return found;
  if (!goAvailable()) throw new TemporalCliNotFoundError(`Temporal CLI not found. ${INSTALL_HINT}`);
  const gobin = path.join(lookup.toolsDir, 'bin');
  log(`building the Temporal CLI from source into ${gobin} (first run only, takes a few minutes)…`);
  const build = spawnSync('go', ['install', TEMPORAL_CLI_MODULE], {
    env: goInstallEnv(gobin),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const built = path.join(gobin, 'temporal');
  if (build.status !== 0 || !isExecutable(built)) {
    throw new TemporalCliNotFoundError(`building the Temporal CLI failed (go install exited ${build.status}). ${INSTALL_HINT}`);
  }
  return built;
}
