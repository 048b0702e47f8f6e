import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { findFreePort, isPortInUse, waitFor } from '../../src/infra/net';
import { goInstall, isExecutable } from '../../src/infra/process/go-tools';
import { spawnSupervised } from '../../src/infra/process/supervised-child';

/**
 * A real S3-compatible server for the storage contract tests: Versity's S3 gateway over a plain
 * directory. It is built from source with Go, like the Temporal CLI, because nothing but package
 * registries is reachable here; a cold build (module downloads included) takes about two minutes,
 * a rebuild with Go's caches warm a few seconds.
 */
export const VERSITYGW_MODULE = 'github.com/versity/versitygw/cmd/versitygw@v1.8.0';

/** The project's copy in `<toolsDir>/bin`, else one on PATH. */
export function findVersitygw(toolsDir: string): string | undefined {
  const dirs = [path.join(toolsDir, 'bin'), ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  return dirs.map((dir) => path.join(dir, 'versitygw')).find(isExecutable);
}

/** `go install` into `<toolsDir>/bin`; asynchronous so a test file's timers keep running meanwhile. */
export function buildVersitygw(toolsDir: string, log: (msg: string) => void): Promise<string> {
  return goInstall({ module: VERSITYGW_MODULE, binary: 'versitygw' }, toolsDir, log);
}

export interface RunningS3 {
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Serves `dataDir` on a free loopback port; every directory in it is a bucket. */
export async function startVersitygw(binary: string, dataDir: string, bucket: string): Promise<RunningS3> {
  mkdirSync(path.join(dataDir, bucket), { recursive: true });
  const port = await findFreePort();
  const credentials = { accessKeyId: 'contract-tests', secretAccessKey: 'contract-tests-secret' };
  const output: string[] = [];
  const child = spawnSupervised(binary, ['--port', `127.0.0.1:${port}`, '--quiet', 'posix', dataDir], {
    // The environment rather than flags, so the keys do not show in `ps`.
    env: { ...process.env, ROOT_ACCESS_KEY_ID: credentials.accessKeyId, ROOT_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    onOutput: (line) => {
      output.push(line);
      if (output.length > 20) output.shift();
    },
  });
  try {
    await Promise.race([
      waitFor('versitygw', async () => ((await isPortInUse(port)) ? true : undefined), 30_000, 100),
      child.exited.then((code) => {
        throw new Error(`versitygw exited with code ${code} during start-up: ${output.join(' | ')}`);
      }),
    ]);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { endpoint: `http://127.0.0.1:${port}`, bucket, credentials, stop: () => child.stop() };
}
