import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { goAvailable, goInstall, isExecutable, type GoTool } from '../../src/infra/process/go-tools';

/**
 * The Temporal server, its schema tool and the Web UI server, built from source with Go like the
 * CLI (never downloaded as binaries). The versions match the images in docker-compose.yml
 * (test/unit/deploy/compose.test.ts checks), so both run the same server on the same schema.
 */
export const TEMPORAL_SERVER_VERSION = '1.32.1';
export const TEMPORAL_UI_VERSION = '2.42.1';

export const CLUSTER_TOOLS = {
  server: { module: `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`, binary: 'temporal-server', version: TEMPORAL_SERVER_VERSION },
  sqlTool: { module: `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`, binary: 'temporal-sql-tool', version: TEMPORAL_SERVER_VERSION },
  ui: { module: `github.com/temporalio/ui-server/v2/cmd/server@v${TEMPORAL_UI_VERSION}`, binary: 'temporal-ui-server', version: TEMPORAL_UI_VERSION },
} as const satisfies Record<string, GoTool & { version: string }>;

export type ClusterToolName = keyof typeof CLUSTER_TOOLS;

export class ClusterToolError extends Error {
  override name = 'ClusterToolError';
}

/** `<tool> --version` prints e.g. "temporal-server version 1.32.1"; another version is rebuilt, not trusted. */
function hasVersion(file: string, version: string): boolean {
  const out = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return out.status === 0 && new RegExp(`\\b${version.replace(/\./g, '\\.')}\\b`).test(`${out.stdout}${out.stderr}`);
}

/** The tool in `<toolsDir>/bin` at the pinned version, built there on first use. */
export async function resolveClusterTool(name: ClusterToolName, toolsDir: string, log: (msg: string) => void): Promise<string> {
  const tool = CLUSTER_TOOLS[name];
  const file = path.join(toolsDir, 'bin', tool.binary);
  if (isExecutable(file) && hasVersion(file, tool.version)) return file;
  if (!goAvailable()) {
    throw new ClusterToolError(`${tool.binary} ${tool.version} is not in ${path.dirname(file)} and Go is not installed to build it: GOBIN="$PWD/.tools/bin" go install ${tool.module}`);
  }
  const built = await goInstall(tool, toolsDir, log);
  if (!hasVersion(built, tool.version)) throw new ClusterToolError(`${built} does not report version ${tool.version}`);
  return built;
}

/** Every tool the topology runs, built one after another (each build uses every core). */
export async function resolveClusterTools(toolsDir: string, log: (msg: string) => void): Promise<Record<ClusterToolName, string>> {
  const resolved: Partial<Record<ClusterToolName, string>> = {};
  for (const name of Object.keys(CLUSTER_TOOLS) as ClusterToolName[]) resolved[name] = await resolveClusterTool(name, toolsDir, log);
  return resolved as Record<ClusterToolName, string>;
}
