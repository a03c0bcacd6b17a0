# syntax=docker/dockerfile:1
#
# The `ratus` server image.
#
#   docker build -t ratus:local .
#   docker run --rm -p 8000:8080 -v ratus-data:/data ratus:local
#   docker run --rm ratus:local --help          (arguments go to `ratus`)
#
# tests/Ratus.Api.Tests/Deployment checks this file: the COPY sources exist and cover every project the server
# needs, every ENV name is a variable the server reads, EXPOSE equals the PORT default, and the server started with
# exactly this ENV block answers /livez and the HEALTHCHECK command below.

# ---- build --------------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files only, so that the package layer is reused until a project file or the
# central package versions change. Keep this list in step with the ProjectReferences of src/Ratus.Api (a test
# checks it).
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Ratus.Domain/Ratus.Domain.csproj src/Ratus.Domain/
COPY src/Ratus.Application/Ratus.Application.csproj src/Ratus.Application/
COPY src/Ratus.Infrastructure/Ratus.Infrastructure.csproj src/Ratus.Infrastructure/
COPY src/Ratus.Api/Ratus.Api.csproj src/Ratus.Api/
RUN dotnet restore src/Ratus.Api/Ratus.Api.csproj

COPY .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Ratus.Api/Ratus.Api.csproj -c Release --no-restore -o /app

# ---- runtime ------------------------------------------------------------------------------------------------------
# The full ASP.NET Core runtime image rather than chiseled or alpine: the HEALTHCHECK needs something that can make
# an HTTP request, and this image has bash, whose /dev/tcp is enough for one GET. Nothing is installed for it and
# the `ratus` command line keeps exactly the original's flags (no extra probe mode).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime

# The original image's defaults (docs/protocol.md §4), with these changes:
# - PORT is 8080, not 80: the process runs as a non-root user, which cannot bind a port below 1024 without extra
#   privileges (a capability or a sysctl that not every runtime grants). The server binds through its own
#   PORT/BIND settings; Kestrel's ASPNETCORE_* URL settings are not used.
# - BIND instead of the original's ADDR, which the original never read.
# - No GIN_MODE: it configured the Go web framework and means nothing here.
# - The memdb snapshot lives on the /data volume instead of /ratus.db.
# ASPNETCORE_HTTP_PORTS is emptied because the base image sets it to 8080 and Kestrel would warn at start that it
# overrides it with the endpoint from PORT/BIND.
ENV ENGINE=memdb \
    PORT=8080 \
    BIND=0.0.0.0 \
    CHORE_INTERVAL=10s \
    CHORE_INITIAL_DELAY=10s \
    CHORE_INITIAL_RANDOM=true \
    PAGINATION_MAX_LIMIT=100 \
    PAGINATION_MAX_OFFSET=10000 \
    MEMDB_SNAPSHOT_PATH=/data/ratus.db \
    MEMDB_SNAPSHOT_INTERVAL=5m \
    MEMDB_RETENTION_PERIOD=72h \
    MONGODB_URI=mongodb://mongo:27017 \
    MONGODB_DATABASE=ratus \
    MONGODB_COLLECTION=tasks \
    MONGODB_RETENTION_PERIOD=72h \
    MONGODB_DISABLE_INDEX_CREATION=false \
    MONGODB_DISABLE_AUTO_FALLBACK=false \
    MONGODB_DISABLE_ATOMIC_POLL=false \
    ASPNETCORE_HTTP_PORTS=

WORKDIR /app
COPY --from=build /app ./
# The entrypoint is the published apphost /app/ratus; the link puts `ratus` on the PATH for `docker exec`.
RUN ln -s /app/ratus /usr/local/bin/ratus \
    && mkdir -p /data \
    && chown "$APP_UID:$APP_UID" /data

# The base image's non-root user `app` (APP_UID 1654), numeric so that Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
# Declared after the directory is created and chowned, so a new named volume starts out owned by the runtime user.
VOLUME /data

EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8080} && printf 'GET /livez HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["/app/ratus"]
