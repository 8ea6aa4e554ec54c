#!/usr/bin/env bash
# The daily pages' benchmarks (issue 22), every size on one database, one after another:
#   bash benchmarks/daily_pages.sh            SQLite, a throwaway folder per run
#   bash benchmarks/daily_pages.sh postgres   a throwaway PostgreSQL server (bin/_postgres.sh),
#                                             a new database per run, stopped at the end
# Run from the repository root with the virtualenv active. Figures go to benchmarks/results/.
set -euo pipefail
sizes=(${SIZES:-500 1000 2000})

run() {  # run NAME [ARGS...]: on a fresh database each time
  if [ -n "${ATTUNE_PG_URL:-}" ]; then
    local name="bench_$RANDOM"
    local port="${ATTUNE_PG_URL##*:}"
    port="${port%%/*}"
    pg_as "$PG_BINDIR/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name"
    DATABASE_URL="${ATTUNE_PG_URL%/*}/$name" python -m "benchmarks.$1" "${@:2}"
  else
    python -m "benchmarks.$1" "${@:2}"
  fi
}

if [ "${1:-}" = postgres ]; then
  source bin/_postgres.sh
  pg_start
  trap pg_stop EXIT
fi
for n in "${sizes[@]}"; do run attendance_school_page "$n"; done
run chronology
run early_years_day
run home_pages
