# syntax=docker/dockerfile:1
# Any one of the four services: they differ only in their folder and port, so one file serves all
# (docker-compose.yml passes SERVICE and PORT). Built from the repository root, because a service
# needs the workspace's shared packages:
#   docker build -f infra/docker/service.Dockerfile --build-arg SERVICE=billing --build-arg PORT=3001 -t bill-gateway/billing .
ARG NODE_IMAGE=node:24-bookworm-slim

# Stage 1: only the package manifests, in their folders. The dependency layer
# below then depends on these files alone and is rebuilt when a manifest
# changes, not on every source edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests \
 && cp package.json package-lock.json /manifests/ \
 && find packages services -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /manifests/ \;

# Stage 2: production dependencies of this service and of the workspace
# packages it uses, exactly as the lockfile has them. Every workspace's
# package.json is present so npm ci can check the lockfile against them.
FROM ${NODE_IMAGE} AS deps
ARG SERVICE
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN test -n "${SERVICE}" \
 && npm ci --omit=dev --workspace "services/${SERVICE}" --include-workspace-root=false --no-audit --no-fund \
 && npm cache clean --force

# Stage 3: what runs. Node 24 runs the TypeScript sources directly (type
# stripping; the code uses only erasable syntax), so there is no build step.
# Files stay owned by root: the service, running as the unprivileged node
# user, can read its code but not change it.
FROM ${NODE_IMAGE}
ARG SERVICE
ARG PORT
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=${PORT} \
    CLIENTS_FILE=/app/infra/local/clients.json
WORKDIR /app
COPY --from=deps /app/ ./
COPY packages/ ./packages/
COPY services/${SERVICE}/ ./services/${SERVICE}/
COPY infra/local/clients.json ./infra/local/clients.json
# The service's own folder, so the exec-form CMD below needs no shell (SIGTERM reaches node itself).
WORKDIR /app/services/${SERVICE}
USER node
EXPOSE ${PORT}
# The service drains in-flight work and flushes its outbox on SIGTERM.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.HTTP_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/main.ts"]
