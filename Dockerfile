# syntax=docker/dockerfile:1
#
# The Gorax API and worker images from one Dockerfile:
#   docker build --target api    -t <repository>-api:<tag> .
#   docker build --target worker -t <repository>-worker:<tag> .
# The two images differ only in their command, so one file keeps their build,
# dependencies, user and base in step (two files would repeat every line but
# the last and could drift apart). <repository> and <tag> are the
# `image` settings of lib/config/environments.ts.

# Node.js LTS (24, the services' runtime), Debian slim. 24 rather than 22: Node 22
# leaves maintenance in April 2027, and on 24 AsyncLocalStorage (OpenTelemetry's
# context) no longer runs a hook per promise; the same API request costs about 40%
# fewer instructions there (docs/performance.md). The test suite passes with the
# services on Node 24.21.0.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# Compile TypeScript with the dev dependencies; only build/ leaves this stage.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY lib ./lib
COPY bin ./bin
COPY alerts-src ./alerts-src
COPY dashboards-src ./dashboards-src
RUN npm run build

# Production dependencies only.
FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# What both images run: compiled JS and production dependencies, owned by
# root and read-only to the process, which runs as the image's numeric
# non-root `node` user (uid 1000, the runAsUser of the manifests).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY package.json ./
USER 1000:1000
# METRICS_PORT
EXPOSE 9090

FROM runtime AS worker
# WORKER_HEALTH_PORT
EXPOSE 8081
CMD ["node", "build/bin/worker.js"]

# The last stage is the default target.
FROM runtime AS api
# PORT
EXPOSE 8080
CMD ["node", "build/bin/api.js"]
