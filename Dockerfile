# syntax=docker/dockerfile:1
# ESoviet web app: build with the .NET SDK, run on the slimmer ASP.NET runtime image.
#   docker build -t esoviet .
#   docker run -p 5080:8080 -e ConnectionStrings__Postgres="Host=...;Database=esoviet;Username=...;Password=..." esoviet

# ---- build ------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The web project may run `npm ci` during build to produce its browser bundle.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src

# Restore first from just the project files, so editing code doesn't invalidate the
# (slow) package restore layer. The [x] globs make optional files optional.
COPY Directory.Build.props Directory.Packages.props .editorconfig global.jso[n] NuGet.confi[g] nuget.confi[g] ./
COPY src/ESoviet.EventStore/ESoviet.EventStore.csproj src/ESoviet.EventStore/
COPY src/ESoviet.Web/ESoviet.Web.csproj src/ESoviet.Web/
RUN dotnet restore src/ESoviet.Web/ESoviet.Web.csproj

COPY src/ src/
RUN dotnet publish src/ESoviet.Web/ESoviet.Web.csproj -c Release -o /app --no-restore

# ---- runtime ----------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Listen on all interfaces inside the container. The image's default
# ASPNETCORE_HTTP_PORTS is cleared so Kestrel doesn't warn that URLS overrides it.
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS="" \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080
# The .NET images ship a non-root "app" user; APP_UID is its numeric id.
USER $APP_UID
ENTRYPOINT ["dotnet", "ESoviet.Web.dll"]
