import { Client, Connection } from '@temporalio/client';
import type { PlatformConfig } from '../../config/platform';

export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

/** The Temporal address clients use: the configured server, or the locally started dev server. */
export function temporalAddress(config: PlatformConfig): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.port}`;
}

export async function connectTemporalClient(config: PlatformConfig): Promise<Client> {
  const address = temporalAddress(config);
  try {
    const connection = await Connection.connect({ address, connectTimeout: 5_000 });
    return new Client({ connection, namespace: config.temporal.namespace });
  } catch (err) {
    throw new TemporalUnreachableError(`TEMPORAL_ADDRESS: cannot reach a Temporal server at ${address} (${(err as Error).message})`);
  }
}

/** True when the frontend answers a real RPC within the deadline. */
export async function isTemporalServing(client: Client, timeoutMs = 2_000): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}

/** Link to a run in the Temporal Web UI. */
export function webUiRunUrl(config: PlatformConfig, workflowId: string, runId?: string): string {
  const base = `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}
