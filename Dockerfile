# condor-xyk: multi-stage image. The build stage has the toolchain better-sqlite3 compiles with;
# the runtime stage has Node, the production dependencies and fonts for the charts, and runs as
# a non-root user with the database on the /data volume.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Production dependencies only.
RUN npm ci --omit=dev --no-audit --no-fund
COPY commands ./commands
COPY src ./src
COPY bin ./bin
COPY tsconfig.json README.md .env.example ./

FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system condor \
 && useradd --system --gid condor --home-dir /app --shell /usr/sbin/nologin condor \
 && mkdir -p /data \
 && chown condor:condor /data
WORKDIR /app
COPY --from=build --chown=root:root /app /app
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
CMD ["node", "--import", "tsx", "src/main.ts", "start"]
