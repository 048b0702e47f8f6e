# syntax=docker/dockerfile:1
# Build: compile TypeScript and pre-bundle the workflow code, so workers start without a bundler.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json \
 && cp -r src/infra/db/migrations dist/infra/db/migrations \
 && node dist/bin/bundle-workflows.js dist/workflow-bundle.js

# Runtime: production dependencies and the compiled output only.
FROM node:20-bookworm-slim AS runtime
# Two malloc arenas instead of one per core-ish thread: the workers' RSS stays ~60 MB lower
# (bench:etl) with no throughput cost.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    DATA_DIR=/var/lib/durable-pipelines \
    API_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The web console's static files (served at / by the API; its libraries come from node_modules).
COPY console ./console
RUN mkdir -p /var/lib/durable-pipelines && chown node:node /var/lib/durable-pipelines
USER node
EXPOSE 3000 9464
# The API by default; workers run `node dist/bin/worker.js --queue <name>`.
CMD ["node", "dist/bin/api.js"]
