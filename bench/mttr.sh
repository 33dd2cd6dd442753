#!/usr/bin/env bash
# Mean time to recovery under `o4o up`, default supervision settings (probe every 2 s, 1 s timeout, 3 failures).
# For "platform killed" (kill -9), "platform hung" (SIGSTOP) and "PostgreSQL killed" (kill -9 of the postmaster):
# time from the fault to the first 200 of /api/health, TRIALS trials each, p50 and p95. In the same run, the
# platform's cold start: from the restarted process's start (/proc/PID/stat) to its first healthy /api/health.
# Trials are spaced wider than Supervision:StableAfter (set to 3 s here), so each one measures a first failure
# (100 ms back-off) and ten faults in a minute are not a crash loop; everything else is the default.
# Each fault lands at a random point of the 2 s probe period (a fixed pause would put every fault at the same phase
# of the probe schedule, which restarts with the platform, and measure one point of the detection window only).
# Usage: bench/mttr.sh [trials, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-10}
. bench/lib.sh
home=$(mktemp -d /tmp/o4o-bench-mttr-XXXXXX)
chmod 755 "$home"
pg_port=$(free_port); platform_port=$(free_port)
health="http://127.0.0.1:$platform_port/api/health"
conductor=""
cleanup() {
  [ -n "$conductor" ] && kill -TERM "$conductor" 2>/dev/null && wait "$conductor" 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT

O4O_HOME="$home" O4O__Database__Port=$pg_port O4O__Platform__Port=$platform_port \
  O4O__Supervision__StableAfter=00:00:03 O4O__Supervision__CrashLoopRestarts=1000 \
  O4O__Admin__Password="bench-$RANDOM-password" ./o4o up >"$home/up.log" 2>&1 &
conductor=$!

pause() { sleep "$(python3 -c 'import random; print(f"{4 + 2 * random.random():.3f}")')"; }
healthy() { curl -fsS -m 1 -o /dev/null "$health" 2>/dev/null; }
wait_healthy() {
  local deadline=$(( $(date +%s) + ${1:-60} ))
  until healthy; do
    [ "$(date +%s)" -gt "$deadline" ] && { echo "mttr.sh: $health did not come back; log:" >&2; tail -30 "$home/up.log" >&2; exit 1; }
    sleep 0.02
  done
}
platform_pid() { python3 -c "import json;print(json.load(open('$home/run/conductor.json'))['platform']['pid'])"; }
postmaster_pid() { head -1 "$home/pg/postmaster.pid"; }
# The start time of a process in seconds since the epoch, from /proc (clock ticks since boot).
started_at() {
  python3 - "$1" <<'PY'
import os, sys, time
ticks = os.sysconf('SC_CLK_TCK')
start = int(open(f'/proc/{sys.argv[1]}/stat').read().rsplit(')', 1)[1].split()[19]) / ticks
uptime = float(open('/proc/uptime').read().split()[0])
print(f'{time.time() - uptime + start:.3f}')
PY
}

wait_healthy 600
sleep 4
declare -a killed hung pg cold
for _ in $(seq 1 "$trials"); do
  pid=$(platform_pid); t0=$(now); kill -9 "$pid"
  until [ "$(platform_pid 2>/dev/null || echo "$pid")" != "$pid" ] && healthy; do sleep 0.02; done
  t1=$(now); killed+=("$(echo "$t1 - $t0" | bc)")
  cold+=("$(echo "$t1 - $(started_at "$(platform_pid)")" | bc)")
  pause
done
for _ in $(seq 1 "$trials"); do
  pid=$(platform_pid); t0=$(now); kill -STOP "$pid"
  until [ "$(platform_pid 2>/dev/null || echo "$pid")" != "$pid" ] && healthy; do sleep 0.02; done
  t1=$(now); hung+=("$(echo "$t1 - $t0" | bc)")
  pause
done
for _ in $(seq 1 "$trials"); do
  pid=$(postmaster_pid); t0=$(now); kill -9 "$pid"
  until [ "$(postmaster_pid 2>/dev/null || echo "$pid")" != "$pid" ] && healthy; do sleep 0.02; done
  t1=$(now); pg+=("$(echo "$t1 - $t0" | bc)")
  pause
done

python3 - "${killed[*]}" "${hung[*]}" "${pg[*]}" "${cold[*]}" <<'PY'
import sys
def pct(values, p):
    values = sorted(values); k = (len(values) - 1) * p / 100; f = int(k); c = min(f + 1, len(values) - 1)
    return values[f] + (values[c] - values[f]) * (k - f)
rows = {name: [float(v) for v in sys.argv[i].split()] for i, name in enumerate(["killed", "hung", "pg", "cold"], 1)}
cold = pct(rows["cold"], 50)
# Detection of a hung platform: the fault lands on average halfway between probes (1 s), then 3 failed probes,
# each timing out after 1 s (after a failure the next probe follows at once): 1 + 3 * 1 = 4 s.
window = 1.0 + 3 * 1.0
targets = {"killed": cold + 0.5, "hung": window + cold + 0.5, "pg": 5.0}
names = {"killed": "platform killed (kill -9)", "hung": "platform hung (SIGSTOP)", "pg": "PostgreSQL killed (kill -9)", "cold": "platform cold start"}
print(f"| case | trials | p50 s | p95 s | target p50 s | p50 / target |")
print(f"|---|---|---|---|---|---|")
for key in ["killed", "hung", "pg", "cold"]:
    p50, p95 = pct(rows[key], 50), pct(rows[key], 95)
    target = targets.get(key)
    print(f"| {names[key]} | {len(rows[key])} | {p50:.2f} | {p95:.2f} | {'' if target is None else f'{target:.2f}'} | {'' if target is None else f'{p50 / target:.2f}'} |")
print(f"\ndetection window for a hung platform: {window:.1f} s (median phase 1 s + 3 probes timing out after 1 s)")
PY
