#!/usr/bin/env bash
# The backup's compression, two builds against pg_dump | gzip -6 on each shape of issue 19: CPU seconds (user + sys of the
# process and its pg_dump children, steadier than wall time on a loaded machine), wall time and the archive's size
# against gzip's, the builds interleaved round by round on one cluster per shape. A_DLL and B_DLL are the two builds'
# o4o.dll (say, a copy of main's build and the change's).
# Usage: A_DLL=... B_DLL=... [SHAPE="1 2 3 4 5"] bench/compression-ab.sh [scale] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SCALE="${1:-0.1}"; ROUNDS="${2:-3}"
for shape in ${SHAPE:-1 2 3 4 5}; do
  (
    case "$shape" in 1) DATA_SQL=bench/backup-data.sql ;; *) DATA_SQL="$(ls bench/shapes/"$shape"-*.sql)" ;; esac
    throwaway_home compression
    trap stop_throwaway EXIT
    . bench/data-cluster.sh
    cpu() { python3 -c "import sys; u, s, e = open(sys.argv[1]).read().split()[-3:]; print(f'{float(u) + float(s):.2f} s CPU, {float(e):.2f} s')" "$1"; }
    for round in $(seq 1 "$ROUNDS"); do
      /usr/bin/time -o "$WORK/time" -f "%U %S %e" sh -c "pg_dump -Fp o4o_platform | gzip -6 > '$WORK/runbook.sql.gz'"
      line="shape $shape round $round: gzip -6 $(cpu "$WORK/time")"
      for side in A B; do
        if [ $side = A ]; then dll="$A_DLL"; else dll="$B_DLL"; fi
        /usr/bin/time -o "$WORK/time" -f "%U %S %e" dotnet "$dll" backup create > "$WORK/archive-path"
        archive="$(cat "$WORK/archive-path")"
        line="$line | $side $(cpu "$WORK/time"), size $(python3 -c "import os, sys; print(f'{os.path.getsize(sys.argv[1]) / os.path.getsize(sys.argv[2]):.3f}')" "$archive" "$WORK/runbook.sql.gz")"
        rm -f "$archive"
      done
      echo "$line; load $(cut -d' ' -f1 /proc/loadavg)"
    done
  )
done
