# popp-bridge image. Checked by test/unit/docker.test.ts (no Docker engine is needed to run that test).
#
#   docker build -t popp-bridge .
#   docker run --stop-timeout 35 -p 3000:3000 -e POPP_WEBHOOK_SECRET=... -e KAFKA_BROKERS=broker:9092 popp-bridge
#
# --stop-timeout: docker's default of 10 s would kill the bridge in the middle of its own shutdown,
# which SHUTDOWN_TIMEOUT_MS bounds at 30 s by default; give it that and a few seconds more.

ARG NODE_VERSION=20
# The image both stages start from: the official Node.js image users pull. Where no registry can be
# reached, `popp-bridge images` builds a Debian one and passes it here (docs/guides/containers.md):
#   docker build --build-arg BASE_IMAGE=popp-bridge-local/node:20 -t popp-bridge .
ARG BASE_IMAGE=node:${NODE_VERSION}-slim

# --- build: all dependencies, TypeScript compiled to dist/ ---------------------------------------
FROM ${BASE_IMAGE} AS build
WORKDIR /app
# Scripts are skipped here (and `prepare` runs as `npm run build` below, once the sources are in),
# so the dependency layer stays cached while only the sources change.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY generated ./generated
COPY schemas ./schemas
COPY bin ./bin
RUN npm run build

# --- runtime: production dependencies and the built files, run as the non-root `node` user -----
FROM ${BASE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
# Owned by root and read-only to `node`: the code never writes here.
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# Validators are compiled from these JSON Schemas at start-up.
COPY --from=build /app/schemas ./schemas
COPY --from=build /app/generated ./generated
# The two places the bridge writes, owned by `node` (a volume mounted there starts with this owner):
# the dedupe window (DEDUPE_STORE=memory), kept across restarts, and SPOOL_DIR's default
# (OUTAGE_POLICY=spool). Mount volumes on both so they outlive the container:
#   docker run -v popp-state:/var/lib/popp-bridge -v popp-spool:/app/spool ...
RUN mkdir -p /var/lib/popp-bridge/dedupe spool && chown -R node:node /var/lib/popp-bridge spool
ENV DEDUPE_DIR=/var/lib/popp-bridge/dedupe
VOLUME ["/var/lib/popp-bridge"]
USER node
EXPOSE 3000
# Liveness only (/readyz also needs Kafka). Slim images have no curl: ask node itself.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself: it finishes in-flight requests (bounded by SHUTDOWN_TIMEOUT_MS), then exits.
CMD ["node", "bin/popp-bridge.js", "serve"]
