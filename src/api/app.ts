import express, { Router } from 'express';
import helmet from 'helmet';
import type { Config } from '../config';
import { consoleRouter } from './console';
import { ANY_PIPELINES } from '../pipelines';
import type { ApiDeps } from './shared/deps';
import { apiKeyAuth } from './shared/middleware/api-key-auth';
import { requestContext } from './shared/middleware/request-context';
import { buildOpenApi } from './shared/openapi';
import { ProblemError, problemHandler } from './shared/problem';
import { mountHealthRoutes } from './shared/health-routes';
import { mountRoutes, type RouteSpec } from './shared/route';
import { runListRoute } from './shared/run-list';
import { runRoutes } from './shared/run-routes';

/** The API's dependencies before it derives the per-pipeline view: the whole configuration. */
export type AppDeps = Omit<ApiDeps, 'config' | 'taskQueues'> & { config: Config };

/** Every documented /api route: the platform's, then each registered pipeline's. */
export function apiRoutes(appDeps: AppDeps): RouteSpec[] {
  const { config } = appDeps;
  const taskQueues = Object.fromEntries(ANY_PIPELINES.map((p) => [p.name, config.pipelines[p.name].queue.taskQueue]));
  const deps: ApiDeps = { ...appDeps, taskQueues };
  const kinds = Object.assign({}, ...ANY_PIPELINES.map((p) => p.listedRuns?.(deps, config.pipelines[p.name]) ?? {}));
  const names = ANY_PIPELINES.map((p) => p.name) as [string, ...string[]];
  // A pipeline's operations carry its name as their OpenAPI tag.
  return [runListRoute(deps, names, kinds), ...runRoutes(deps), ...ANY_PIPELINES.flatMap((p) => p.routes(deps, config.pipelines[p.name]).map((route) => ({ ...route, tag: p.name })))];
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.api.trustProxy);
  app.use(requestContext(deps.logger, deps.metrics));
  // Helmet's strict default policy (scripts from this origin only, none inline), less
  // upgrade-insecure-requests: the compose stack serves the console over plain HTTP on :3000, where
  // that directive would have the browser ask for the console's own scripts over https.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));

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
  app.use(consoleRouter());

  app.use((req, _res, next) => next(new ProblemError(404, 'Not Found', `No route for ${req.method} ${req.path}`)));
  app.use(problemHandler);
  return app;
}
