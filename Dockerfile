# syntax=docker/dockerfile:1
# lookalike gateway image: `docker build -t lookalike .` (any standard builder: BuildKit, buildah, kaniko).
#
# Base: node:24-bookworm-slim pinned by its multi-arch index digest, as recorded by docker-library/repo-info
# (repos/node/remote/24-bookworm-slim.md at commit 2fb42a7c1204ce90c8bf85e458cec1447d6f2bbb: Node 24.18.1,
# built 2026-07-30). Refresh the digest with `docker buildx imagetools inspect node:24-bookworm-slim`; a
# different base is `--build-arg NODE_IMAGE=<repository>:<tag>@sha256:<64 hex>` (keep the digest).
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:235600a8101ab264e117b1768e925532262668dc9b581ef1dd7d96ced463b8e7
# pg_dump must be at least the source server's major; 18 dumps every server from 9.2 to 18.
ARG PG_MAJOR=18

# ---- build: compile TypeScript with the dev dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency runs code at install, and `prepare` (the build) waits for the sources.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY connectors ./connectors
RUN npm run build

# ---- pgdg-key: the PostgreSQL apt repository's signing key, accepted only with its pinned fingerprint ----
FROM ${NODE_IMAGE} AS pgdg-key
ARG PGDG_KEY_FINGERPRINT=B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl gnupg; \
    curl --fail --silent --show-error --location --proto '=https' \
        --output /pgdg.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
    fingerprints="$(gpg --batch --show-keys --with-colons /pgdg.asc | awk -F: '$1 == "fpr" { print $10 }')"; \
    test "$fingerprints" = "$PGDG_KEY_FINGERPRINT"

# ---- runtime: production dependencies, compiled code, pg_dump; no compiler, no writes outside /tmp ----
FROM ${NODE_IMAGE} AS runtime
ARG PG_MAJOR
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="lookalike" \
      org.opencontainers.image.description="Privacy gateway: realistic non-production PostgreSQL snapshots with nothing real in them" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/node:24-bookworm-slim"

# Debian bookworm ships only PostgreSQL 15 clients, too old for 16-18 sources: use the PGDG repository.
COPY --from=pgdg-key /pgdg.asc /usr/share/keyrings/pgdg.asc
RUN set -eux; \
    echo "deb [signed-by=/usr/share/keyrings/pgdg.asc] http://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates "postgresql-client-${PG_MAJOR}"; \
    rm -rf /var/lib/apt/lists/*; \
    "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" --version; \
    groupadd --system --gid 10001 lookalike; \
    useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin lookalike

WORKDIR /app
# HOME and TMPDIR point at /tmp: the only writable path when the root filesystem is read-only.
ENV NODE_ENV=production \
    HOME=/tmp \
    TMPDIR=/tmp \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    LOOKALIKE_PG_DUMP=/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY rules ./rules
COPY examples ./examples

# Files stay root-owned and read-only to the process; numeric ids let the kubelet verify runAsNonRoot.
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
# The launcher's shebang settings (bin/lookalike.js), which running node directly bypasses.
ENV MALLOC_MMAP_THRESHOLD_=131072
ENTRYPOINT ["node", "--max-semi-space-size=4", "/app/bin/lookalike.js"]
CMD ["serve", "--config", "/etc/lookalike/config.yaml"]
