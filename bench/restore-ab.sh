#!/usr/bin/env bash
# Interleaved restores of one archive by two builds of o4o on one cluster, to tell a change's effect on the restore from
# the machine's swings: A_DLL and B_DLL are the two builds' o4o.dll (say, a copy of main's publish and the change's);
# B makes the archive. DATA_SQL picks the data set (bench/backup-data.sql unless set, e.g. bench/shapes/2-one-table.sql).
# Usage: A_DLL=... B_DLL=... [DATA_SQL=...] bench/restore-ab.sh [scale] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-1}"; ROUNDS="${2:-4}"
A=(dotnet "$A_DLL"); B=(dotnet "$B_DLL")
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"; export PATH="$BIN:$PATH"
WORK="$(mktemp -d /tmp/o4o-ab.XXXXXX)"; chmod 755 "$WORK"; export O4O_HOME="$WORK/home"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export O4O__Database__Port="$PORT" PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres PGPASSWORD="bench-$RANDOM$RANDOM"
as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
cleanup() { as_postgres pg_ctl -D "$O4O_HOME/pg" -m fast stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
. bench/data-cluster.sh
"${B[@]}" backup create > /dev/null
now() { date +%s.%N; }
for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    if [ $side = A ]; then cmd=("${A[@]}"); else cmd=("${B[@]}"); fi
    psql -X -q -c CHECKPOINT
    t0=$(now); "${cmd[@]}" restore latest --db-only --yes >/dev/null; t1=$(now)
    psql -X -q -At -c "SELECT datname FROM pg_database WHERE datname LIKE 'o4o\_platform\_broken\_%'" | while read -r kept; do psql -X -q -c "DROP DATABASE \"$kept\""; done
    psql -X -q -d o4o_platform -c "VACUUM ANALYZE"
    echo "round $round $side $(python3 -c "print(f'{$t1 - $t0:.2f}')") s load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
