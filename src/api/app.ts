import express, { Router } from 'express';
import helmet from 'helmet';
import type { ApiDeps } from './shared/deps';
import { apiKeyAuth } from './shared/middleware/api-key-auth';
import { requestContext } from './shared/middleware/request-context';
import { buildOpenApi } from './shared/openapi';
import { ProblemError, problemHandler } from './shared/problem';
import { mountHealthRoutes } from './shared/health-routes';
import { mountRoutes, type RouteSpec } from './shared/route';
import { etlJobRoutes } from './etl/routes';
import { regionRoutes } from './risk/region-routes';
import { riskRoutes } from './risk/assessment-routes';
import { riskBatchRoutes } from './risk/grid-batch-routes';
import { runRoutes } from './shared/run-routes';
import { systemCheckRoutes } from './system-check/routes';
import { transcriptionRoutes } from './stt/routes';

/** Every documented /api route; each pipeline contributes its own list. */
export function apiRoutes(deps: ApiDeps): RouteSpec[] {
  return [...runRoutes(deps), ...systemCheckRoutes(deps), ...riskRoutes(deps), ...riskBatchRoutes(deps), ...regionRoutes(deps), ...transcriptionRoutes(deps, deps.store), ...etlJobRoutes(deps)];
}

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.api.trustProxy);
  app.use(requestContext(deps.logger, deps.metrics));
  app.use(helmet());

  const routes = apiRoutes(deps);
  const openapi = buildOpenApi(routes, { title: 'durable-pipelines', version: '0.1.0' });
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  const probes = Router();
  mountHealthRoutes(probes, deps);
  app.use(probes);

  const api = Router();
  api.use('/api', apiKeyAuth(deps.config.api.apiKeys));
  mountRoutes(api, routes, { jsonLimit: deps.config.api.bodyLimit });
  app.use(api);

  app.use((req, _res, next) => next(new ProblemError(404, 'Not Found', `No route for ${req.method} ${req.path}`)));
  app.use(problemHandler);
  return app;
}
