# syntax=docker/dockerfile:1
#
# SnackBase: one image with the API (dist/apps/api) that also serves the admin console.
#   docker build -t snackbase .
#   docker run -p 8000:8000 -v sb_data:/data snackbase          # SQLite in the /data volume
#   docker compose up                                           # PostgreSQL + Redis, see docker-compose.yml
#
# Stages: build (whole workspace, dev dependencies, compilers) -> deps (production
# node_modules of the API only, compiled here) -> runtime (no compilers, no sources, non-root).
# All three share one base image, so better-sqlite3 is compiled against the Node it runs on.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
# python3/make/g++: better-sqlite3 is compiled from source (no prebuilds are fetched).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The repository's .npmrc says nodedir=/usr (Debian's node). The official image keeps Node and
# its headers under /usr/local; an environment variable wins over the project .npmrc.
ENV npm_config_nodedir=/usr/local \
    CI=true NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NG_CLI_ANALYTICS=false
COPY package.json package-lock.json .npmrc ./
# The devDependency "snackbase-cli": "file:tools/snackbase-cli" must exist before npm ci.
COPY tools/snackbase-cli ./tools/snackbase-cli
RUN npm ci
COPY . .
# Same builds as `npm start`: dist/apps/api (main.js + its package.json/lock) and dist/apps/admin/browser.
RUN npx nx run-many -t build -p api admin --configuration=production --output-style=static

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV npm_config_nodedir=/usr/local
COPY --from=build /src/dist/apps/api/package.json /src/dist/apps/api/package-lock.json ./
# The generated package.json has no allowScripts map; npm 11 would otherwise skip building
# better-sqlite3 (TOOLCHAIN §7a). Older npm ignores the field.
RUN npm pkg set allowScripts.better-sqlite3=true --json \
 && npm ci --omit=dev \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SNACKBASE_STATIC_DIR=/app/admin \
    SNACKBASE_DATA_DIR=/data \
    SNACKBASE_DATABASE_URL=sqlite:////data/snackbase.db \
    SNACKBASE_HOST=0.0.0.0 \
    SNACKBASE_PORT=8000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist/apps/api/ ./
COPY --from=build /src/dist/apps/admin/browser ./admin
# The code stays root-owned and read-only for the server; only /data is writable.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8000
# No curl in slim images: Node's built-in fetch against the readiness route.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SNACKBASE_PORT||8000)+'/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# `npm start` ends in `node --max-semi-space-size=4 --heap-growing-percent=100
# dist/apps/api/main.js serve`; here dist/apps/api is /app. The first flag shrinks V8's young
# generation (16 MB semi-spaces by default to 4 MB); the second lets the old generation grow to
# at most twice what was live after its last full collection (V8 otherwise allows up to four
# times: 100 MB of garbage under the create benchmark). Under the benchmark's load the resident
# set stays ~150 MB instead of ~200 at the same throughput (docs/collections.md).
# serve handles SIGTERM/SIGINT itself (drains requests, closes pools).
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=100", "main.js", "serve"]
