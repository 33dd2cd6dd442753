#!/usr/bin/env bash
# Interleaved restores of one archive by two builds of o4o on one cluster, to tell a change's effect on the restore from
# the machine's swings: A_DLL and B_DLL are the two builds' o4o.dll (say, a copy of main's publish and the change's);
# B makes the archive. DATA_SQL picks the data set (bench/backup-data.sql unless set, e.g. bench/shapes/2-one-table.sql).
# Usage: A_DLL=... B_DLL=... [DATA_SQL=...] bench/restore-ab.sh [scale] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SCALE="${1:-1}"; ROUNDS="${2:-4}"
A=(dotnet "$A_DLL"); B=(dotnet "$B_DLL")
throwaway_home ab
trap stop_throwaway EXIT
. bench/data-cluster.sh
"${B[@]}" backup create > /dev/null
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
