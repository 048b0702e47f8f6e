import client from 'prom-client';

/**
 * App metrics for this process, plus the Temporal runtime's own Prometheus exporter
 * (worker poll/task/activity metrics) appended when a worker runs in this process.
 */
export interface Metrics {
  registry: client.Registry;
  httpRequests: client.Counter<'method' | 'route' | 'status'>;
  httpDuration: client.Histogram<'method' | 'route'>;
  /** Set when the Temporal runtime exports metrics from this process. */
  temporalRuntimeUrl?: string;
  render(): Promise<string>;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'dp_' });
  const metrics: Metrics = {
    registry,
    httpRequests: new client.Counter({
      name: 'dp_http_requests_total',
      help: 'API requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: 'dp_http_request_duration_seconds',
      help: 'API request duration',
      labelNames: ['method', 'route'],
      registers: [registry],
    }),
    async render() {
      // Modules that time their own work (e.g. the risk activities) register on prom-client's default registry.
      const own = `${await registry.metrics()}\n${await client.register.metrics()}`;
      if (!metrics.temporalRuntimeUrl) return own;
      try {
        const res = await fetch(metrics.temporalRuntimeUrl, { signal: AbortSignal.timeout(2000) });
        return `${own}\n${await res.text()}`;
      } catch {
        return own;
      }
    },
  };
  return metrics;
}
