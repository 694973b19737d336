#!/usr/bin/env bash
# A real Temporal cluster on this machine, for trying cordon as it runs in production: PostgreSQL (Debian's package,
# a private data folder, not the system service) and the Temporal server built from its Go module, at the version the
# pinned Temporal CLI depends on. Everything lives under .cordon/cluster/ (git-ignored) and listens on 127.0.0.1.
#
#   scripts/cluster.sh up       build what is missing, start PostgreSQL and Temporal, set up the namespace (idempotent)
#   scripts/cluster.sh status   what runs, and whether the frontend answers
#   scripts/cluster.sh down     stop both (the data stays; `down --purge` deletes it)
#
# Settings (environment): CLUSTER_PORT (frontend, default 17233; the other services take the next ports and those
# 300 below), CLUSTER_PG_PORT (default 15432), CLUSTER_NAMESPACE (default cordon), CLUSTER_DIR (default
# .cordon/cluster). Needs: go (1.26.8 or newer, and the Go module proxy), PostgreSQL 15 (`apt-get install -y
# postgresql`), node with this repository's dependencies installed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The server version github.com/temporalio/cli v1.9.1 (the CLI the tests pin) requires in its go.mod.
SERVER_VERSION=v1.32.0
STATE=${CLUSTER_DIR:-$ROOT/.cordon/cluster}
PORT=${CLUSTER_PORT:-17233}
PG_PORT=${CLUSTER_PG_PORT:-15432}
NAMESPACE=${CLUSTER_NAMESPACE:-cordon}
BIN=$STATE/bin
PGDATA=$STATE/postgres
SERVER_PID=$STATE/temporal.pid

say() { printf 'cluster: %s\n' "$*"; }
fail() {
  printf 'cluster: %s\n' "$*" >&2
  exit 1
}

for value in "$PORT" "$PG_PORT"; do
  [[ $value =~ ^[0-9]+$ ]] && ((value >= 1024 && value <= 65000)) ||
    fail "CLUSTER_PORT and CLUSTER_PG_PORT must be ports between 1024 and 65000, got $value"
done
[[ $NAMESPACE =~ ^[a-zA-Z0-9._-]+$ ]] || fail "CLUSTER_NAMESPACE must be letters, digits, '.', '_' or '-', got $NAMESPACE"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n $dir && -x $dir/pg_ctl ]] || fail "PostgreSQL is not installed: apt-get install -y postgresql"
  printf '%s' "$dir"
}

# PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user of Debian's package.
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_password() { cat "$STATE/postgres-password"; }

pg_running() { [[ -d $PGDATA ]] && as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

server_running() { [[ -f $SERVER_PID ]] && kill -0 "$(cat "$SERVER_PID")" 2>/dev/null; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

build_server() {
  if [[ -x $BIN/temporal-server && -x $BIN/temporal-sql-tool && $(cat "$BIN/version" 2>/dev/null) == "$SERVER_VERSION" ]]; then
    return
  fi
  command -v go >/dev/null || fail "go is not installed (https://go.dev/dl/, 1.26.8 or newer)"
  say "building go.temporal.io/server $SERVER_VERSION (server and temporal-sql-tool): minutes on two cores, once"
  mkdir -p "$BIN"
  local started=$SECONDS
  # nice: the build shares the machine; -modcacherw keeps the module cache deletable.
  CGO_ENABLED=0 GOFLAGS=-modcacherw GOBIN=$BIN nice -n 10 go install \
    "go.temporal.io/server/cmd/server@$SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$SERVER_VERSION" ||
    fail "the Go build failed (see above); with no checksum database reachable, retry with GOSUMDB=off"
  mv "$BIN/server" "$BIN/temporal-server"
  mv "$BIN/sql" "$BIN/temporal-sql-tool"
  echo "$SERVER_VERSION" >"$BIN/version"
  say "built in $((SECONDS - started)) s: $BIN/temporal-server, $BIN/temporal-sql-tool"
}

init_postgres() {
  [[ -f $PGDATA/PG_VERSION ]] && return
  say "initialising PostgreSQL in $PGDATA (port $PG_PORT)"
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  [[ -f $STATE/postgres-password ]] || (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$STATE/postgres-password")
  local pwfile
  pwfile=$(mktemp)
  cp "$STATE/postgres-password" "$pwfile"
  if [[ $(id -u) == 0 ]]; then chown postgres "$PGDATA" "$pwfile"; fi
  as_pg "$(pg_bin)/initdb" -D "$PGDATA" -U temporal --pwfile="$pwfile" --auth=scram-sha-256 >"$STATE/initdb.log" ||
    { rm -f "$pwfile"; fail "initdb failed: see $STATE/initdb.log"; }
  rm -f "$pwfile"
  # TCP on 127.0.0.1 only, no Unix socket (nothing of the system's PostgreSQL is touched).
  as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 100
EOF
}

start_postgres() {
  pg_running && return
  port_taken "$PG_PORT" && fail "port $PG_PORT is taken by another process: set CLUSTER_PG_PORT"
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  local log=$STATE/postgres.log
  if [[ $(id -u) == 0 ]]; then touch "$log" && chown postgres "$log"; fi
  as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA" -l "$log" -w -t 60 start >/dev/null || fail "PostgreSQL did not start: see $log"
}

sql_tool() {
  "$BIN/temporal-sql-tool" --plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" -u temporal --pw "$(pg_password)" "$@"
}

database_exists() {
  local found
  found=$(PGPASSWORD=$(pg_password) "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U temporal -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$1'")
  [[ $found == 1 ]]
}

setup_schemas() {
  local db schema
  for db in temporal temporal_visibility; do
    schema=postgresql/v12/${db#temporal_} # postgresql/v12/temporal, postgresql/v12/visibility
    if ! database_exists "$db"; then
      say "creating database $db"
      sql_tool --db "$db" create-database >>"$STATE/schema.log" 2>&1 || fail "create-database $db failed: see $STATE/schema.log"
      sql_tool --db "$db" setup-schema -v 0.0 >>"$STATE/schema.log" 2>&1 || fail "setup-schema $db failed: see $STATE/schema.log"
    fi
    # A no-op when the schema is current; brings it up to date after a server upgrade.
    sql_tool --db "$db" update-schema --schema-name "$schema" >>"$STATE/schema.log" 2>&1 ||
      fail "update-schema $db failed: see $STATE/schema.log"
  done
  say "schemas of temporal and temporal_visibility are current"
}

# The server's config: deploy/cluster/temporal.yaml with its @NAME@ placeholders filled in (ports, password, paths).
render_config() {
  sed -e "s|@PORT@|$PORT|g; s|@HTTP_PORT@|$((PORT + 10))|g; s|@HISTORY_PORT@|$((PORT + 1))|g" \
    -e "s|@MATCHING_PORT@|$((PORT + 2))|g; s|@WORKER_PORT@|$((PORT + 6))|g" \
    -e "s|@FRONTEND_MEMBERSHIP_PORT@|$((PORT - 300))|g; s|@HISTORY_MEMBERSHIP_PORT@|$((PORT - 299))|g" \
    -e "s|@MATCHING_MEMBERSHIP_PORT@|$((PORT - 298))|g; s|@WORKER_MEMBERSHIP_PORT@|$((PORT - 294))|g" \
    -e "s|@PG_PORT@|$PG_PORT|g; s|@PG_PASSWORD@|$(pg_password)|g" \
    -e "s|@DYNAMIC_CONFIG@|$ROOT/deploy/cluster/dynamic-config.yaml|g" \
    "$ROOT/deploy/cluster/temporal.yaml" >"$STATE/temporal.yaml"
  chmod 600 "$STATE/temporal.yaml"
  ! grep -q '@[A-Z_]*@' "$STATE/temporal.yaml" || fail "unfilled placeholder in $STATE/temporal.yaml"
}

start_server() {
  server_running && return
  port_taken "$PORT" && fail "port $PORT is taken by another process: set CLUSTER_PORT"
  render_config
  say "starting Temporal $SERVER_VERSION on 127.0.0.1:$PORT"
  # setsid: the server outlives this script and the terminal that ran it.
  TEMPORAL_VERSION_CHECK_DISABLED=1 setsid "$BIN/temporal-server" --config-file "$STATE/temporal.yaml" \
    --allow-no-auth start >>"$STATE/temporal.log" 2>&1 </dev/null &
  echo $! >"$SERVER_PID"
}

namespace_tool() {
  (cd "$ROOT" && node --import tsx scripts/cluster-namespace.ts --address "127.0.0.1:$PORT" --namespace "$NAMESPACE" "$@")
}

up() {
  mkdir -p "$STATE"
  build_server
  init_postgres
  start_postgres
  setup_schemas
  start_server
  namespace_tool || {
    tail -n 20 "$STATE/temporal.log" >&2
    fail "the Temporal server is not serving: see $STATE/temporal.log"
  }
  say "ready: TEMPORAL_ADDRESS=127.0.0.1:$PORT TEMPORAL_NAMESPACE=$NAMESPACE"
}

status() {
  local code=0
  if pg_running; then say "PostgreSQL: running on 127.0.0.1:$PG_PORT ($PGDATA)"; else say "PostgreSQL: stopped" && code=1; fi
  if server_running; then
    say "Temporal server: running, pid $(cat "$SERVER_PID")"
    namespace_tool --check --wait-seconds 5 | sed 's/^/cluster: /' || code=1
  else
    say "Temporal server: stopped" && code=1
  fi
  return $code
}

down() {
  if server_running; then
    local pid
    pid=$(cat "$SERVER_PID")
    say "stopping the Temporal server (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$SERVER_PID"
  if pg_running; then
    say "stopping PostgreSQL"
    as_pg "$(pg_bin)/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  if [[ ${1:-} == --purge ]]; then
    say "deleting the cluster's data (the build stays in $BIN)"
    rm -rf "$PGDATA" "$STATE/postgres-password" "$STATE"/*.log
  fi
  say "stopped"
}

case ${1:-} in
  up) up ;;
  status) status ;;
  down) down "${2:-}" ;;
  *) fail "usage: scripts/cluster.sh up | status | down [--purge]" ;;
esac
