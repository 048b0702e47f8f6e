import client from 'prom-client';

/** `write-grid`: H and P(H) a site computed for a grid point with none stored, kept for the next site there. */
export type RiskPhase = 'read' | 'compute' | 'write' | 'write-grid';

/**
 * Where the site activities spend their time (reading inputs, computing, writing results). It
 * sits on prom-client's default registry, which every process's /metrics serves; the
 * risk-scale benchmark reads the sums to show which phase limits a portfolio.
 */
const phaseSeconds = new client.Histogram({
  name: 'dp_risk_site_phase_seconds',
  help: 'Time the risk site activities spend per phase (read, compute, write-grid, write)',
  labelNames: ['phase'],
  buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export async function timed<T>(phase: RiskPhase, work: () => Promise<T> | T): Promise<T> {
  const stop = phaseSeconds.startTimer({ phase });
  try {
    return await work();
  } finally {
    stop();
  }
}
