# shellcheck shell=bash
# Shared by scripts/backup and scripts/restore: which database, and the PostgreSQL client tools.
#
# The database is named the way the app is configured: ESOVIET_DB (an Npgsql connection string, as for scripts/run
# and ConnectionStrings__Postgres) or, without it, the private cluster scripts/run keeps under $ESOVIET_DATA/pg
# (default <repo>/.data/pg, port $ESOVIET_PG_PORT, default 55432, database "esoviet").

# pg_dump must be at least as new as the server: use the binaries scripts/pg uses, not Debian's wrappers.
find_pg_client() {
    if [[ -n "${PG_BIN:-}" ]]; then
        [[ -x "$PG_BIN/pg_dump" ]] || die "PG_BIN=$PG_BIN has no pg_dump"
    elif [[ -x /usr/lib/postgresql/15/bin/pg_dump ]]; then
        PG_BIN=/usr/lib/postgresql/15/bin
    else
        PG_BIN=$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n 1 || true)
        if [[ -z "$PG_BIN" ]] && command -v pg_dump >/dev/null; then PG_BIN=$(dirname "$(command -v pg_dump)"); fi
        [[ -n "$PG_BIN" && -x "$PG_BIN/pg_dump" ]] || die "pg_dump not found (apt-get install postgresql-client-15, or set PG_BIN)"
    fi
}

# Sets PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE from an Npgsql connection string ("Host=…;Port=…;…").
# Keys are case-insensitive; values may not contain ';' (quoting is not supported).
use_connection_string() {
    local part key value
    unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
    IFS=';' read -r -a parts <<<"$1"
    for part in "${parts[@]}"; do
        [[ "$part" == *=* ]] || continue
        key=$(tr '[:upper:]' '[:lower:]' <<<"${part%%=*}" | tr -d ' ')
        value=${part#*=}
        case "$key" in
            host|server) export PGHOST=$value ;;
            port) export PGPORT=$value ;;
            username|userid|user) export PGUSER=$value ;;
            password) export PGPASSWORD=$value ;;
            database|db) export PGDATABASE=$value ;;
        esac
    done
    [[ -n "${PGDATABASE:-}" ]] || die "the connection string names no Database"
}

# Chooses the database: ESOVIET_DB, else scripts/run's cluster (started for the duration when it is not running).
CLUSTER_STARTED_HERE=0
choose_database() {
    if [[ -n "${ESOVIET_DB:-}" ]]; then
        use_connection_string "$ESOVIET_DB"
        return
    fi
    local data_root=${ESOVIET_DATA:-$REPO/.data} port=${ESOVIET_PG_PORT:-55432}
    [[ -f "$data_root/pg/PG_VERSION" ]] || die "no database: set ESOVIET_DB, or run scripts/run once so that $data_root/pg exists"
    if ! "$REPO/scripts/pg" status "$data_root/pg" >/dev/null 2>&1; then
        "$REPO/scripts/pg" start "$data_root/pg" "$port" >&2
        CLUSTER_STARTED_HERE=1
        STARTED_DATA_DIR="$data_root/pg"
    fi
    use_connection_string "Host=127.0.0.1;Port=$port;Database=esoviet;Username=postgres"
}

stop_cluster_if_started() {
    if (( CLUSTER_STARTED_HERE )); then "$REPO/scripts/pg" stop "$STARTED_DATA_DIR" >&2 || true; fi
}

psql_at() { PGCONNECT_TIMEOUT=10 "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
