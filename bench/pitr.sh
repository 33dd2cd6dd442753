#!/usr/bin/env bash
# Point-in-time recovery under `o4o up`, in one run on the same data (issue 15). The shop holds the 2 M-row data set
# of bench/backup.sh (in the schema `bench` of the platform's database) beside its own tables.
#   1. physical backup : `o4o backup create --physical --type=full` against `pgbackrest backup --type=full` by hand,
#                        same configuration and data, ROUNDS rounds, median ratio (target <= 1.05)
#   2. serving         : p99 of order placement (4 customers) with archiving on and idle, during a physical full backup
#                        (ROUNDS of each, alternating), and with archiving off (the conductor restarted with
#                        Archiving__Enabled=false); ratios to idle (target <= 1.5)
#   3. RPO and RTO     : orders keep coming in; DROP TABLE / DELETE FROM / TRUNCATE on the platform's orders; AutoRecovery
#                        restores on its own. RTO = damage -> the shop serving the recovered orders (target <= 60 s);
#                        RPO = orders acknowledged before the damage and missing afterwards (target 0), none twice
#   4. full restore    : `o4o restore --to-time T --full --yes` against `pgbackrest restore --type=time` + `pg_ctl start`
#                        by hand to the same target from the same backup, ROUNDS rounds, median ratio (target <= 1.1)
# Usage: bench/pitr.sh [scale, default 1 = about 2 M rows] [rounds, default 3] [sections, default "1 2 3 4"]
#                      [damages of section 3, default "drop delete truncate"]
# PITR_DATA=bench/many-tables-data.sql puts the same rows in another shape (1,000 small tables).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-1}"
ROUNDS="${2:-3}"
SECTIONS="${3:-1 2 3 4}"
DAMAGES="${4:-drop delete truncate}"
. bench/lib.sh
WORK="$(mktemp -d /tmp/o4o-bench-pitr.XXXXXX)"
chmod 755 "$WORK"
export O4O_HOME="$WORK/home"
PG_PORT=$(free_port); PLATFORM_PORT=$(free_port)
BASE="http://127.0.0.1:$PLATFORM_PORT"
ADMIN_EMAIL=admin@o4o.local ADMIN_PASSWORD="bench-$RANDOM-$RANDOM-password"
# The dashboard's default port is taken by any other conductor on the machine.
export O4O__Dashboard__Port=$(free_port)
export O4O__Database__Port=$PG_PORT O4O__Platform__Port=$PLATFORM_PORT O4O__Admin__Email=$ADMIN_EMAIL O4O__Admin__Password=$ADMIN_PASSWORD
export O4O__AutoRecovery__RestoreOnCorruption=true
# No logical backup catch-up in the middle of a measurement: the first scheduled one is next year.
export O4O__Backup__Schedule="0 3 1 1 *"
conductor=""
load=""
O4O=(dotnet "$PWD/artifacts/publish/O4O.Cli/release/o4o.dll")
export O4O__Platform__Assembly="$PWD/artifacts/publish/O4O.Platform/release/O4O.Platform.dll"

stop_conductor() {
  if [ -n "$conductor" ]; then kill -TERM "$conductor" 2>/dev/null || true; wait "$conductor" 2>/dev/null || true; conductor=""; fi
}
cleanup() {
  # Customers retry an order until the shop answers, which it no longer will: stop them before the shop.
  if [ -n "${load:-}" ]; then kill "$load" 2>/dev/null || true; wait "$load" 2>/dev/null || true; fi
  stop_conductor
  # PITR_LOGS=DIR keeps the conductor's output and logs and pgBackRest's (where a recovery's time went) after the run.
  if [ -n "${PITR_LOGS:-}" ]; then mkdir -p "$PITR_LOGS"; cp -r "$WORK/up.log" "$O4O_HOME/logs" "$O4O_HOME/pgbackrest/log" "$PITR_LOGS"/ 2>/dev/null || true; fi
  [ -f "$WORK/stop" ] || touch "$WORK/stop"
  as_postgres "$BIN/pg_ctl" -D "$WORK/byhand" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

pgbackrest_() { as_postgres env PGPASSWORD="$(cat "$O4O_HOME/secrets/postgres.password")" pgbackrest --config="$O4O_HOME/pgbackrest/pgbackrest.conf" --stanza=o4o "$@"; }
healthy() { curl -fsS -m 2 -o /dev/null "$BASE/api/health" 2>/dev/null; }

start_conductor() {
  "${O4O[@]}" up >>"$WORK/up.log" 2>&1 &
  conductor=$!
  local deadline=$(( $(date +%s) + 600 ))
  until healthy; do
    [ "$(date +%s)" -gt "$deadline" ] && { echo "pitr.sh: the shop did not come up; log:" >&2; tail -30 "$WORK/up.log" >&2; exit 1; }
    sleep 0.2
  done
}

# Waits until the repository has a full backup (the conductor takes one after checking archiving on first start).
wait_for_full_backup() {
  local deadline=$(( $(date +%s) + 600 ))
  until pgbackrest_ info --output=json 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]; sys.exit(0 if any(b["type"]=="full" for b in s.get("backup",[])) else 1)'; do
    [ "$(date +%s)" -gt "$deadline" ] && { echo "pitr.sh: no full backup appeared" >&2; exit 1; }
    sleep 1
  done
}

load_start() { rm -f "$WORK/stop"; : > "$1"; python3 bench/orderload.py run "$BASE" --session "$WORK/session" --stop-file "$WORK/stop" --out "$1" & load=$!; }
load_stop() { touch "$WORK/stop"; wait "$load" || true; load=""; }
p99() { python3 -c "import statistics,sys; v=sorted(float(l.split()[3]) for l in open(sys.argv[1])); print(f'{v[int(len(v)*0.99)-1]:.1f} ms p99 of {len(v)} orders (median {statistics.median(v):.1f} ms)' if v else 'no orders')" "$1"; }
p99_value() { python3 -c "import sys; v=sorted(float(l.split()[3]) for l in open(sys.argv[1])); print(v[int(len(v)*0.99)-1])" "$1"; }

echo "bench: building o4o (Release, ReadyToRun, as ./o4o runs it)"
./o4o --version >/dev/null
echo "bench: starting the shop (o4o up) in $O4O_HOME"
start_conductor
wait_for_full_backup
echo "bench: generating the data set (${PITR_DATA:-bench/backup-data.sql}, scale $SCALE) in the schema bench of o4o_platform"
psql_ -d o4o_platform -c "CREATE SCHEMA bench"
PGOPTIONS="-c search_path=bench" psql_ -d o4o_platform -v scale="$SCALE" -f "${PITR_DATA:-bench/backup-data.sql}"
psql_ -d o4o_platform -c "VACUUM ANALYZE" -c "CHECKPOINT"
psql_ -d o4o_platform -c "SELECT 'bench: ' || (SELECT sum(n_live_tup) FROM pg_stat_user_tables) || ' rows, database ' || pg_size_pretty(pg_database_size('o4o_platform'))"
python3 bench/orderload.py setup "$BASE" --session "$WORK/session" --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD" --customers 4
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

if [[ " $SECTIONS " == *" 1 "* ]]; then
  echo "bench: 1. physical full backup, o4o against pgbackrest by hand, $ROUNDS rounds"
  : > "$WORK/backups"
  by_hand() { t0=$(now); pgbackrest_ backup --type=full >/dev/null; t1=$(now); hand=$(elapsed "$t0" "$t1"); }
  by_o4o() { t0=$(now); "${O4O[@]}" backup create --physical --type=full >/dev/null 2>>"$WORK/o4o-backup.log"; t1=$(now); ours=$(elapsed "$t0" "$t1"); }
  for round in $(seq 1 "$ROUNDS"); do
    # Each side goes first every other round: whichever runs second finds the other's files in the page cache.
    if (( round % 2 )); then by_hand; by_o4o; else by_o4o; by_hand; fi
    echo "round $round: pgbackrest by hand $hand s | o4o $ours s | ratio $(python3 -c "print(f'{$ours / $hand:.3f}')")" | tee -a "$WORK/backups"
  done
  python3 -c "import statistics,sys; r=[float(l.split()[-1]) for l in open(sys.argv[1])]; print(f'physical backup: median ratio {statistics.median(r):.3f} (target <= 1.05)')" "$WORK/backups"
fi

if [[ " $SECTIONS " == *" 2 "* ]]; then
  echo "bench: 2. order placement while archiving (4 customers): $ROUNDS rounds of 10 s idle and a physical backup, 20 s archiving off, 20 s on"
  mode_on=$(psql_ -c "SHOW archive_mode")
  : > "$WORK/idle"; : > "$WORK/during-backup"; took=""
  # Idle and backup windows alternate, and idle windows come before and after the one with archiving off, so that
  # the load other work puts on this machine falls on every side alike.
  for round in $(seq 1 "$ROUNDS"); do
    load_start "$WORK/window"; sleep 10; load_stop; cat "$WORK/window" >> "$WORK/idle"
    load_start "$WORK/window"; sleep 1; t0=$(now); pgbackrest_ backup --type=full >/dev/null; t1=$(now); sleep 1; load_stop
    # Only the orders placed and acknowledged while the backup ran.
    awk -v from="$t0" -v to="$t1" '$3 - $4 / 1000 >= from && $3 <= to' "$WORK/window" >> "$WORK/during-backup"
    took="$took $(elapsed "$t0" "$t1")"
  done
  stop_conductor
  O4O__Archiving__Enabled=false start_conductor
  mode_off=$(psql_ -c "SHOW archive_mode")
  load_start "$WORK/off"; sleep 20; load_stop
  stop_conductor
  start_conductor
  load_start "$WORK/window"; sleep 20; load_stop; cat "$WORK/window" >> "$WORK/idle"
  echo "archiving on, idle         : $(p99 "$WORK/idle") (archive_mode $mode_on)"
  echo "during a physical backup   : $(p99 "$WORK/during-backup") (the backups took$took s, process-max $(grep -oP 'process-max=\K\d+' "$O4O_HOME/pgbackrest/pgbackrest.conf"))"
  echo "archiving off              : $(p99 "$WORK/off") (archive_mode $mode_off)"
  python3 -c "
on, backup, off = (float(x) for x in '$(p99_value "$WORK/idle") $(p99_value "$WORK/during-backup") $(p99_value "$WORK/off")'.split())
print(f'serving: p99 archiving on / off {on / off:.2f}, during a backup / idle {backup / on:.2f} (target <= 1.5)')"
fi

# Where the time went: the conductor's record from a moment on, as seconds after it.
timeline() {
  python3 - "$O4O_HOME/logs/conductor.log" "$1" <<'PY'
import datetime, sys
since = float(sys.argv[2])
for line in open(sys.argv[1]):
    try:
        at = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        continue
    if at >= since - 1 and " Notification " not in line:
        print(f"  {at - since:+7.2f} s  {line[25:].strip()[:240]}")
PY
}

if [[ " $SECTIONS " == *" 3 "* ]]; then
  declare -A statement=([drop]="DROP TABLE orders CASCADE" [delete]="DELETE FROM orders" [truncate]="TRUNCATE orders CASCADE")
  for name in $DAMAGES; do
    damage="${statement[$name]}"
    # The shop's steady state: a recent set (the schedule takes one every hour) and no copy of a replaced database,
    # which the previous case kept and which the whole-cluster restore of the side instance would otherwise carry.
    psql_ -c "SELECT datname FROM pg_database WHERE datname LIKE 'o4o\_platform\_broken\_%'" |
      while read -r kept; do psql_ -c "DROP DATABASE \"$kept\""; done
    "${O4O[@]}" backup create --physical --type=full >/dev/null 2>>"$WORK/o4o-backup.log"
    echo "bench: 3. RPO and RTO: $damage under load"
    load_start "$WORK/acked"; sleep 15
    # Recovered = every order there before the damage is back; orders placed after a DELETE or TRUNCATE refill the
    # table with higher ids, so they must not count (they made a plain count look recovered within seconds).
    read -r before newest <<<"$(psql_ -d o4o_platform -F ' ' -c "SELECT count(*), max(id) FROM orders")"
    t0=$(now); psql_ -d o4o_platform -c "$damage"; damaged_at=$(date +%s.%N)
    deadline=$(( $(date +%s) + 300 ))
    until [ "$(psql_ -d o4o_platform -c "SELECT CASE WHEN to_regclass('public.orders') IS NULL THEN 0 ELSE (SELECT count(*) FROM orders WHERE id <= $newest) END" 2>/dev/null || echo 0)" -ge "$before" ] && healthy; do
      [ "$(date +%s)" -gt "$deadline" ] && { echo "pitr.sh: $damage: not recovered within 300 s; the conductor's record:" >&2; timeline "$damaged_at" >&2; exit 1; }
      sleep 0.2
    done
    t1=$(now)
    # Serving must last: the shop is watched for 30 s more, under the same load, for the time it does not answer.
    down=0; watch_until=$(( $(date +%s) + 30 ))
    while [ "$(date +%s)" -lt "$watch_until" ]; do
      checked=$(now); healthy || down=$(python3 -c "print(f'{$down + $(now) - $checked + 0.2:.1f}')"); sleep 0.2
    done
    load_stop
    echo "$damage: in the 30 s after the recovery the shop did not answer /api/health for $down s"
    psql_ -d o4o_platform -c "SELECT id FROM orders" > "$WORK/present"
    python3 - "$WORK/acked" "$WORK/present" "$damaged_at" "$(elapsed "$t0" "$t1")" "$damage" <<'PY'
import collections, sys
acked = [line.split() for line in open(sys.argv[1])]
present = collections.Counter(line.strip() for line in open(sys.argv[2]) if line.strip())
damaged_at, rto, damage = float(sys.argv[3]), sys.argv[4], sys.argv[5]
before = [a for a in acked if float(a[2]) < damaged_at]
after = [a for a in acked if float(a[2]) >= damaged_at]
missing = [a for a in acked if present[a[1]] == 0]
twice = [id for id, n in present.items() if n > 1]
last = max((float(a[2]) for a in before if present[a[1]]), default=0)
print(f"{damage}: RTO {rto} s (target <= 60); acknowledged before the damage {len(before)}, missing {sum(1 for a in before if present[a[1]] == 0)} (target 0); "
      f"after it {len(after)}, missing {sum(1 for a in after if present[a[1]] == 0)}; twice {len(twice)}; "
      f"last recovered order acknowledged {damaged_at - last:.2f} s before the damage")
PY
    timeline "$damaged_at"
    sleep 5
  done
fi

if [[ " $SECTIONS " == *" 4 "* ]]; then
  echo "bench: 4. full-cluster point-in-time restore, o4o against pgbackrest + pg_ctl by hand, $ROUNDS rounds"
  password="$(cat "$O4O_HOME/secrets/postgres.password")"
  psql_ -d o4o_platform -c "CREATE TABLE bench.marker (round int, at timestamptz)"
  # By hand, beside the running shop (o4o's restore needs its conductor): restore into a directory of its own, start
  # it, and wait until it has replayed to the target and promoted (pg_ctl -w returns once a hot standby accepts
  # connections, which can be before).
  by_hand() {
    mkdir -p "$WORK/byhand" "$WORK/byhand-log"; chown postgres "$WORK/byhand" "$WORK/byhand-log"; chmod 700 "$WORK/byhand" "$WORK/byhand-log"
    local port; port=$(free_port)
    t0=$(now)
    pgbackrest_ restore --pg1-path="$WORK/byhand" --type=time "--target=$target" --target-action=promote --archive-mode=off >/dev/null
    restored=$(now)
    as_postgres "$BIN/pg_ctl" -D "$WORK/byhand" -l "$WORK/byhand-log/server.log" -w -t 600 -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=" start >/dev/null
    until [ "$(PGPASSWORD="$password" "$BIN/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ]; do
      as_postgres "$BIN/pg_ctl" -D "$WORK/byhand" status >/dev/null || { echo "pitr.sh: the server restored by hand stopped:" >&2; tail -5 "$WORK/byhand-log/server.log" >&2; exit 1; }
      sleep 0.05
    done
    t1=$(now); hand=$(elapsed "$t0" "$t1")
    markers=$(PGPASSWORD="$password" "$BIN/psql" -X -At -h 127.0.0.1 -p "$port" -U postgres -d o4o_platform -c "SELECT count(*) FROM bench.marker WHERE round = $round")
    as_postgres "$BIN/pg_ctl" -D "$WORK/byhand" -m fast stop >/dev/null
    rm -rf "$WORK/byhand" "$WORK/byhand-log"
    echo "  by hand: pgbackrest restore $(elapsed "$t0" "$restored") s, pg_ctl start to promoted $(elapsed "$restored" "$t1") s; markers $markers (1 expected)"
  }
  # o4o's steps as it prints them, with the seconds since it started.
  by_o4o() {
    t0=$(now)
    "${O4O[@]}" restore --to-time "$target" --full --yes 2>&1 |
      python3 -u -c "import sys, time; t = float(sys.argv[1]); [print(f'  {time.time() - t:7.2f} s  {l.rstrip()[:200]}') for l in sys.stdin]" "$t0"
    t1=$(now); ours=$(elapsed "$t0" "$t1")
    echo "  o4o: markers $(psql_ -d o4o_platform -c "SELECT count(*) FROM bench.marker WHERE round = $round") (1 expected), timeline $(psql_ -c "SELECT timeline_id FROM pg_control_checkpoint()")"
  }
  : > "$WORK/restores"
  for round in $(seq 1 "$ROUNDS"); do
    psql_ -d o4o_platform -c "INSERT INTO bench.marker VALUES ($round, now())"
    sleep 2; target=$(psql_ -c "SELECT now()"); target_lsn=$(psql_ -c "SELECT pg_current_wal_lsn()"); sleep 2
    psql_ -d o4o_platform -c "INSERT INTO bench.marker VALUES ($round, now())"
    # Both sides need the target's WAL in the repository: wait for the archiver rather than guess (a replay's
    # asynchronous archive-get holds pgBackRest's archive lock, and a push that meets it waits a minute).
    segment=$(psql_ -c "SELECT pg_walfile_name(pg_switch_wal())")
    deadline=$(( $(date +%s) + 180 ))
    until [ "$(psql_ -c "SELECT coalesce(last_archived_wal, '') >= '$segment' FROM pg_stat_archiver")" = t ]; do
      [ "$(date +%s)" -gt "$deadline" ] && { echo "pitr.sh: $segment not archived within 180 s" >&2; exit 1; }
      sleep 0.2
    done
    # What both sides replay: from the start of the newest set to the target.
    set_lsn=$(pgbackrest_ info --output=json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["backup"][-1]["lsn"]["start"])')
    echo "  WAL from the newest set's start to the target: $(psql_ -c "SELECT pg_size_pretty(pg_wal_lsn_diff('$target_lsn', '$set_lsn'))")"
    # Each side goes first every other round.
    if (( round % 2 )); then by_hand; by_o4o; else by_o4o; by_hand; fi
    echo "round $round, to $target: pgbackrest + pg_ctl by hand $hand s | o4o $ours s | ratio $(python3 -c "print(f'{$ours / $hand:.3f}')")" | tee -a "$WORK/restores"
  done
  python3 -c "import statistics,sys; r=[float(l.split()[-1]) for l in open(sys.argv[1])]; print(f'full restore: median ratio {statistics.median(r):.3f} (target <= 1.1)')" "$WORK/restores"
fi
