#!/usr/bin/env bash
# Failover under `o4o up` in Patroni mode (Database:Mode=patroni, one synchronous standby, Patroni's ttl 10 s,
# loop_wait 2 s, retry_timeout 4 s, primary_start_timeout 0), with a steady order load (bench/orderload.py: CUSTOMERS
# customers placing orders in a loop, each with its own Idempotency-Key, every unacknowledged attempt written down).
# ROUNDS times: kill -9 the current leader's postmaster, then wait until the old leader streams from the new one.
# Per round: the time from the kill to the first order sent after it being acknowledged (target <= 15 s) and the attempts that
# were not acknowledged meanwhile; at the end, acknowledged orders missing from the leader's database (target 0) and
# keys stored twice (0). The baseline is the runbook's scenario 3 for a lost database server: a new server and a
# restore from the last backup (hours to provision, everything since the backup lost), not run here.
# Usage: bench/failover.sh [rounds, default 3] [customers, default 4]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
customers=${2:-4}
. bench/lib.sh
# Two consecutive free ports (members and their REST APIs take one each, etcd its client and peer port).
free_pair() {
  python3 -c '
import socket
while True:
    a = socket.socket(); a.bind(("127.0.0.1", 0)); port = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", port + 1)); print(port); break
    except OSError:
        pass
'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
load_now() { cut -d' ' -f1 /proc/loadavg; }
home=$(mktemp -d /tmp/o4o-bench-failover-XXXXXX)
chmod 755 "$home"
pg_port=$(free_pair); rest_port=$(free_pair); etcd_port=$(free_pair); platform_port=$(free_port); dashboard_port=$(free_port)
base="http://127.0.0.1:$platform_port"
admin_email=admin@o4o.local admin_password="bench-$RANDOM-$RANDOM-password"
conductor=""; load=""
cleanup() {
  touch "$home/stop"
  [ -n "$load" ] && wait "$load" 2>/dev/null
  [ -n "$conductor" ] && kill -TERM "$conductor" 2>/dev/null && wait "$conductor" 2>/dev/null
  [ -n "${FAILOVER_LOGS:-}" ] && mkdir -p "$FAILOVER_LOGS" && cp "$home"/*.log "$home"/failures "$home"/acknowledged "$FAILOVER_LOGS"/ 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT

./o4o --version >/dev/null   # builds this checkout's CLI and platform (Release) before anything is timed
O4O_HOME="$home" O4O__Database__Mode=patroni O4O__Database__Replicas=1 O4O__Database__Port=$pg_port \
  O4O__Database__Patroni__RestPort=$rest_port O4O__Database__Patroni__EtcdPort=$etcd_port \
  O4O__Platform__Port=$platform_port O4O__Dashboard__Port=$dashboard_port O4O__Auth__SignInPermitLimit=1000 \
  O4O__Admin__Email=$admin_email O4O__Admin__Password="$admin_password" ./o4o up >>"$home/up.log" 2>&1 &
conductor=$!
for _ in $(seq 1 2400); do
  curl -fsS -m 1 -o /dev/null "$base/api/health" 2>/dev/null && break
  sleep 0.05
done
curl -fsS -m 1 -o /dev/null "$base/api/health" || { echo "failover.sh: the platform did not come up; log:" >&2; tail -40 "$home/up.log" >&2; exit 1; }

cluster() { curl -fsS -m 2 "http://127.0.0.1:$rest_port/cluster" 2>/dev/null || curl -fsS -m 2 "http://127.0.0.1:$((rest_port + 1))/cluster"; }
# "NAME PORT" of the running leader; empty during an election.
leader() { cluster | python3 -c 'import json,sys; print(next((m["name"] + " " + str(m["port"]) for m in json.load(sys.stdin)["members"] if m["role"] == "leader" and m["state"] == "running"), ""))' 2>/dev/null || true; }
# True once NAME is a running standby with no lag on the leader's timeline.
streaming() { cluster | python3 -c '
import json, sys
members = json.load(sys.stdin)["members"]
leader = next(m for m in members if m["role"] == "leader")
sys.exit(0 if any(m["name"] == sys.argv[1] and m["role"] in ("sync_standby", "replica") and m["state"] == "running"
                  and m.get("lag") == 0 and m.get("timeline") == leader.get("timeline") for m in members) else 1)' "$1" 2>/dev/null; }
wait_for() { local deadline=$(( $(date +%s) + $1 )); shift; until "$@"; do [ "$(date +%s)" -gt "$deadline" ] && return 1; sleep 0.2; done; }

standby=$(cluster | python3 -c 'import json,sys; print(next(m["name"] for m in json.load(sys.stdin)["members"] if m["role"] != "leader"))')
wait_for 120 streaming "$standby" || { echo "failover.sh: the standby never caught up" >&2; exit 1; }
python3 bench/orderload.py setup "$base" --session "$home/session.json" --admin-email "$admin_email" \
  --admin-password "$admin_password" --customers "$customers"
: >"$home/acknowledged"; : >"$home/failures"
python3 bench/orderload.py run "$base" --session "$home/session.json" --stop-file "$home/stop" \
  --out "$home/acknowledged" --failures "$home/failures" &
load=$!
sleep 5

declare -a firsts
printf '| round | load | leader killed | new leader | kill to first acknowledged order | unacknowledged attempts |\n|---|---|---|---|---|---|\n'
for round in $(seq 1 "$rounds"); do
  read -r name _ <<<"$(leader)"
  round_load=$(load_now)
  failed_before=$(wc -l <"$home/failures")
  t0=$(now)
  kill -9 "$(head -1 "$home/patroni/$name/data/postmaster.pid")"
  first=""
  for _ in $(seq 1 1200); do
    # The first order sent after the kill: one acknowledged just after it may have been committed by the old leader's
    # backend before it noticed its postmaster was gone.
    first=$(awk -v t="$t0" '$3 - $4 / 1000 > t { print $3; exit }' "$home/acknowledged")
    [ -n "$first" ] && break
    sleep 0.05
  done
  [ -n "$first" ] || { echo "failover.sh: no order acknowledged within 60 s of round $round's kill" >&2; tail -40 "$home/up.log" >&2; exit 1; }
  elapsed=$(echo "$first - $t0" | bc)
  firsts+=("$elapsed")
  wait_for 120 streaming "$name" || { echo "failover.sh: $name did not rejoin as a standby in round $round" >&2; exit 1; }
  read -r promoted _ <<<"$(leader)"
  printf '| %s | %s | %s | %s | %.2f s | %s |\n' "$round" "$round_load" "$name" "$promoted" "$elapsed" "$(( $(wc -l <"$home/failures") - failed_before ))"
  sleep 5
done
touch "$home/stop"; wait "$load"; load=""

read -r _ port <<<"$(leader)"
PGPASSWORD="$(cat "$home/secrets/postgres.password")" "$BIN/psql" -X -q -At -h 127.0.0.1 -p "$port" -U postgres -d o4o_platform \
  -c "SELECT idempotency_key || ' ' || id FROM orders WHERE idempotency_key IS NOT NULL" | LC_ALL=C sort >"$home/stored"
acknowledged=$(wc -l <"$home/acknowledged")
missing=$(cut -d' ' -f1,2 "$home/acknowledged" | LC_ALL=C sort | LC_ALL=C comm -23 - "$home/stored" | wc -l)
twice=$(cut -d' ' -f1 "$home/stored" | sort | uniq -d | wc -l)
median_first=$(median "${firsts[@]}")
printf '\nkill to first acknowledged order, median of %s: %.2f s   target <= 15 s: %s\n' "$rounds" "$median_first" \
  "$(echo "$median_first <= 15" | bc | grep -q 1 && echo met || echo 'NOT met')"
printf 'acknowledged orders: %s, missing afterwards: %s, keys stored twice: %s   target 0: %s\n' "$acknowledged" "$missing" "$twice" \
  "$([ "$missing" -eq 0 ] && [ "$twice" -eq 0 ] && echo met || echo 'NOT met')"
printf 'baseline, the runbook scenario 3 (new server + restore from the last backup): hours; ratio of the median to one hour: %.4f\n' \
  "$(echo "$median_first / 3600" | bc -l)"
