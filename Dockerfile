# condor-xyk: multi-stage image on Node 24 LTS. The build stage has the toolchain better-sqlite3 compiles with and
# esbuild; it bundles src/ into dist/ and keeps only the production dependencies, without better-sqlite3's C
# sources and objects. The runtime stage has Node, that, and fonts for the charts, and runs compiled JavaScript as a
# non-root user with the database on the /data volume.
# The base is pinned by digest (node:24-bookworm-slim, 24.18.0); update both FROM lines together.

FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY tools ./tools
COPY commands ./commands
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
      node_modules/better-sqlite3/build/Release/obj node_modules/better-sqlite3/build/Release/obj.target \
      node_modules/better-sqlite3/build/Release/.deps node_modules/better-sqlite3/build/deps
COPY bin ./bin
COPY README.md .env.example ./

FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system condor \
 && useradd --system --gid condor --home-dir /app --shell /usr/sbin/nologin condor \
 && mkdir -p /data \
 && chown condor:condor /data
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/README.md /app/.env.example ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/bin ./bin
ENV NODE_ENV=production \
    DATABASE_PATH=/data/condor-xyk.db \
    MARKET_DATA_DIR=/data/market \
    CHARTS_DIR=/data/charts \
    HEALTH_PORT=8079
USER condor
VOLUME ["/data"]
# The health endpoint (GET /healthz on loopback, HEALTH_PORT) answers 200 while every platform is
# connected and the scheduler ticks; start-period leaves time for the first connection.
HEALTHCHECK --interval=60s --timeout=5s --start-period=90s --retries=3 CMD ["node", "bin/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "bin/condor-xyk.js", "start"]
