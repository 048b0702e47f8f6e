import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

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

export interface GoTool {
  /** `module/path/cmd@version`, as `go install` takes it. */
  module: string;
  /** The file name in `<toolsDir>/bin` (go install would name it after the last path element). */
  binary: string;
}

/**
 * `go install` of one tool into `<toolsDir>/bin/<binary>`, asynchronous so the caller's timers keep
 * running meanwhile. It builds into a directory of its own first: several tools are all called
 * `server` by go install, and a half-written binary never appears under the final name.
 */
export async function goInstall(tool: GoTool, toolsDir: string, log: (msg: string) => void): Promise<string> {
  const bin = path.join(toolsDir, 'bin');
  mkdirSync(bin, { recursive: true });
  const staging = mkdtempSync(path.join(toolsDir, `.build-${tool.binary}-`));
  log(`building ${tool.binary} from source (go install ${tool.module}) into ${bin}…`);
  const started = Date.now();
  try {
    const child = spawn('go', ['install', tool.module], { env: goInstallEnv(staging), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const [built] = readdirSync(staging);
    if (code !== 0 || !built || !isExecutable(path.join(staging, built))) throw new Error(`go install ${tool.module} exited ${code}:\n${stderr}`);
    const target = path.join(bin, tool.binary);
    renameSync(path.join(staging, built), target);
    log(`built ${tool.binary} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
