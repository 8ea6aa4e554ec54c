# Start a throwaway PostgreSQL server on loopback for the test suite. Sourced by bin/test.
# Creates the attune database and sets ATTUNE_PG_URL on success; pg_stop cleans up.
# PG_OPTS adds server settings ("-c work_mem=64MB ..."), as the county benchmark does.

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

pg_as() {  # run as the postgres user when we are root (the server refuses to run as root)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local bindir port
  bindir=$(pg_bindir) || return 1
  PG_DIR=$(mktemp -d /tmp/attune-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as "$bindir/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || {
    cat "$PG_DIR/initdb.log" >&2; return 1; }
  pg_as "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-h 127.0.0.1 -p $port -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_OPTS:-}" start >/dev/null || {
    cat "$PG_DIR/server.log" >&2; return 1; }
  PG_BINDIR=$bindir
  pg_as "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres attune || {
    echo "Could not create the attune database." >&2; return 1; }
  ATTUNE_PG_URL="postgres://postgres@127.0.0.1:$port/attune"
  export ATTUNE_PG_URL
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    pg_as "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
