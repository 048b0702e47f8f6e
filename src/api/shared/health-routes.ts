import type { Router } from 'express';
import type { ApiDeps } from './deps';

type HealthDeps = Pick<ApiDeps, 'pool' | 'temporal' | 'metrics'>;
import { isTemporalServing } from '../../infra/temporal/client';

async function isPostgresServing(deps: HealthDeps): Promise<boolean> {
  try {
    await deps.pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** Liveness, readiness and metrics live outside /api so probes need no API key. */
export function mountHealthRoutes(router: Router, deps: HealthDeps): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const [temporal, postgres] = await Promise.all([isTemporalServing(deps.temporal), isPostgresServing(deps)]);
    const ready = temporal && postgres;
    // The pid tells a supervisor this process answered, not another one that took the port it was given.
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: { temporal, postgres }, pid: process.pid });
  });

  router.get('/metrics', async (_req, res) => {
    res.type('text/plain; version=0.0.4').send(await deps.metrics.render());
  });
}
