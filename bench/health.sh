#!/usr/bin/env bash
# /api/health against a bare Kestrel endpoint, same machine, same load, one run.
# Starts the platform with ./o4o up in a throwaway O4O_HOME, loads both with wrk, prints rates, p99 and the ratio.
# Usage: bench/health.sh [duration, default 15s]   (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15s}
connections=10
threads=2
command -v wrk >/dev/null || { echo "health.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }

. bench/lib.sh
home=$(mktemp -d /tmp/o4o-bench-health-XXXXXX)
chmod 755 "$home"
pg_port=$(free_port); platform_port=$(free_port); bare_port=$(free_port)
conductor=""; bare=""
cleanup() {
  [ -n "$bare" ] && kill "$bare" 2>/dev/null && wait "$bare" 2>/dev/null
  [ -n "$conductor" ] && kill -TERM "$conductor" 2>/dev/null && wait "$conductor" 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT

dotnet build bench/BareKestrel -c Release --nologo -v quiet >/dev/null
O4O_HOME="$home" O4O__Database__Port=$pg_port O4O__Platform__Port=$platform_port \
  O4O__Admin__Password="bench-$RANDOM-password" ./o4o up >"$home/up.log" 2>&1 &
conductor=$!
dotnet artifacts/bin/BareKestrel/release/BareKestrel.dll --urls "http://127.0.0.1:$bare_port" --Logging:LogLevel:Default=Warning >/dev/null 2>&1 &
bare=$!

wait_for() {
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "health.sh: $1 did not come up; log:" >&2; cat "$home/up.log" >&2; exit 1
}
platform_url="http://127.0.0.1:$platform_port/api/health"
bare_url="http://127.0.0.1:$bare_port/health"
wait_for "$platform_url"; wait_for "$bare_url"

# wrk prints "Requests/sec: N" and, with --latency, a "99%  1.23ms" line; p99 is turned into milliseconds.
measure() {
  wrk -t$threads -c$connections -d3s "$1" >/dev/null   # warm-up: JIT, pools, caches
  wrk -t$threads -c$connections -d"$duration" --latency "$1" | awk '
    /Requests\/sec/ { rate = $2 }
    $1 == "99%" { v = $2; unit = v; gsub(/[0-9.]/, "", unit); gsub(/[a-z]/, "", v);
                  p99 = (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v }
    / Non-2xx/ { errors = $NF }
    END { printf "%.0f %.2f %d\n", rate, p99, errors }'
}
read -r bare_rate bare_p99 bare_errors < <(measure "$bare_url")
read -r health_rate health_p99 health_errors < <(measure "$platform_url")

printf '%-28s %12s %10s %8s\n' "endpoint ($connections connections)" "requests/s" "p99 ms" "non-2xx"
printf '%-28s %12s %10s %8s\n' "bare Kestrel /health" "$bare_rate" "$bare_p99" "${bare_errors:-0}"
printf '%-28s %12s %10s %8s\n' "O4O /api/health" "$health_rate" "$health_p99" "${health_errors:-0}"
awk -v a="$health_rate" -v b="$bare_rate" -v p="$health_p99" 'BEGIN {
  ratio = a / b
  printf "ratio (O4O / bare): %.2f   target >= 0.50 with p99 < 10 ms: %s\n", ratio, (ratio >= 0.5 && p + 0 < 10) ? "met" : "NOT met" }'
curl -fsS "$platform_url"; echo
