#!/usr/bin/env bash
# Backup and restore, the runbook's pipeline against o4o, in one run on the same data.
#   baseline backup : pg_dump -Fp o4o_platform | gzip > file.sql.gz
#   o4o backup      : o4o backup create
#   baseline restore: gunzip -c file.sql.gz | psql -d <new database>
#   o4o restore     : o4o restore latest --db-only --yes   (load, verify, swap)
# Starts a throwaway PostgreSQL cluster (initdb --data-checksums, like the managed one) in a temporary O4O_HOME
# and removes it afterwards.
# Usage: bench/backup.sh [scale] [rounds]   (scale 1 = about 2 million rows, 0.05 for a quick smoke run; 7 rounds:
# run to run this machine swings ±0.3 s; five-round medians of the restore ratio ranged 0.65–0.72 on one build)
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-1}"
ROUNDS="${2:-7}"
BIN="${O4O_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
export PATH="$BIN:$PATH"
WORK="$(mktemp -d /tmp/o4o-bench.XXXXXX)"
chmod 755 "$WORK"
export O4O_HOME="$WORK/home"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export O4O__Database__Port="$PORT" PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres
export PGPASSWORD="bench-$RANDOM$RANDOM"
as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }

cleanup() {
  as_postgres pg_ctl -D "$O4O_HOME/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "bench: building o4o (Release, ReadyToRun, as ./o4o runs it)"
./o4o --version >/dev/null
O4O=(dotnet "$PWD/artifacts/publish/O4O.Cli/release/o4o.dll")

. bench/data-cluster.sh

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# Each round runs both sides back to back; the ratios of the rounds are reported with their median, because a
# 2-core machine's timings swing by a few tenths of a second from run to run.
: > "$WORK/rounds"
for round in $(seq 1 "$ROUNDS"); do
  echo "bench: round $round of $ROUNDS"
  psql -X -q -c "CHECKPOINT"
  t0=$(now); pg_dump -Fp o4o_platform | gzip > "$WORK/runbook.sql.gz"; t1=$(now)
  base_backup=$(elapsed "$t0" "$t1"); base_size=$(stat -c %s "$WORK/runbook.sql.gz")

  t0=$(now); "${O4O[@]}" backup create > "$WORK/archive-path"; t1=$(now)
  o4o_backup=$(elapsed "$t0" "$t1"); o4o_size=$(stat -c %s "$(cat "$WORK/archive-path")")

  psql -X -q -c "CREATE DATABASE runbook_restore" -c "CHECKPOINT"
  t0=$(now); gunzip -c "$WORK/runbook.sql.gz" | psql -X -q -d runbook_restore >/dev/null; t1=$(now)
  base_restore=$(elapsed "$t0" "$t1")
  psql -X -q -c "DROP DATABASE runbook_restore" -c "CHECKPOINT"

  t0=$(now); "${O4O[@]}" restore latest --db-only --yes >/dev/null; t1=$(now)
  o4o_restore=$(elapsed "$t0" "$t1")
  # The replaced database is kept by o4o; the next round restores over the restored copy, which holds the same rows.
  psql -X -q -At -c "SELECT datname FROM pg_database WHERE datname LIKE 'o4o\_platform\_broken\_%'" |
    while read -r kept; do psql -X -q -c "DROP DATABASE \"$kept\""; done
  # Untimed, as after generating the data: the restored tables have no statistics yet, and autovacuum's ANALYZE of
  # them (about 0.8 CPU-seconds) would otherwise land in whichever timing of the next round it happens to overlap.
  psql -X -q -d o4o_platform -c "VACUUM ANALYZE"
  echo "$base_backup $base_size $o4o_backup $o4o_size $base_restore $o4o_restore" >> "$WORK/rounds"
done
raw_size=$(gunzip -c "$WORK/runbook.sql.gz" | wc -c)

echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews both sides)"
python3 - "$raw_size" "$WORK/rounds" <<'PY'
import statistics, sys
raw = int(sys.argv[1])
rounds = [line.split() for line in open(sys.argv[2])]
mib = lambda n: f"{n / 2**20:.1f} MiB"
backup, restore = [], []
for index, (bb, bs, ob, os_, br, orr) in enumerate(rounds, 1):
    bb, ob, br, orr, bs, os_ = float(bb), float(ob), float(br), float(orr), int(bs), int(os_)
    backup.append(ob / bb); restore.append(orr / br)
    print(f"round {index}: backup runbook {bb:.2f} s, {mib(bs)} | o4o {ob:.2f} s, {mib(os_)} | ratio {ob / bb:.2f}, size {os_ / bs:.3f}"
          f" || restore runbook {br:.2f} s | o4o {orr:.2f} s | ratio {orr / br:.2f}")
print(f"plain dump {mib(raw)}; gzip ratio {raw / bs:.2f}x")
print(f"backup : median time ratio {statistics.median(backup):.2f} (target <= 0.35), size ratio {os_ / bs:.3f} (target <= 1)")
print(f"restore: median time ratio {statistics.median(restore):.2f} (target <= 0.7; o4o's time includes load, verify and swap)")
PY
