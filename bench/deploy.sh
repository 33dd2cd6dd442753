#!/usr/bin/env bash
# Deploys under `o4o up` with a steady order load (bench/orderload.py: CUSTOMERS customers placing orders in a loop,
# every attempt that is not acknowledged written down with its time).
#
# 1. DEPLOYS good deploys in a row (`o4o deploy` of this checkout): failed requests during them (target 0), acknowledged
#    orders missing afterwards (0), and the time from `o4o deploy` to the new release serving (median and max), split
#    into publishing (until the release's name is printed) and the switch (from there until the command returns: the
#    new release passed its gate and accepts from the shared socket).
# 2. A release that passes its gate and then answers 500 to every order from its 30th on: time from its first 5xx to
#    the old release serving again (the last 5xx, and the first order acknowledged after it), default watch settings
#    (Releases:RateWindow 10 s, ErrorRate 5 %, MinimumRequests 20). Target <= 30 s.
# 3. Baseline, measured once before the deploys: the runbook's manual rollback, `git checkout` of the platform's previous
#    sources in a clone that was built (as an operator's checkout is), `./o4o` rebuilding it (Release, ReadyToRun), the
#    conductor stopped and started again on it, until /api/health answers. The ratio is baseline / automatic rollback.
# Usage: bench/deploy.sh [deploys, default 10] [customers, default 4]   (DEPLOY_LOGS=DIR keeps the logs)
set -euo pipefail
cd "$(dirname "$0")/.."
deploys=${1:-10}
customers=${2:-4}
repo=$PWD
. bench/lib.sh
home=$(mktemp -d /tmp/o4o-bench-deploy-XXXXXX)
chmod 755 "$home"
pg_port=$(free_port); platform_port=$(free_port); dashboard_port=$(free_port)
base="http://127.0.0.1:$platform_port"
admin_email=admin@o4o.local admin_password="bench-$RANDOM-$RANDOM-password"
conductor=""; load=""
cleanup() {
  touch "$home/stop"
  [ -n "$load" ] && wait "$load" 2>/dev/null
  [ -n "$conductor" ] && kill -TERM "$conductor" 2>/dev/null && wait "$conductor" 2>/dev/null
  [ -n "${DEPLOY_LOGS:-}" ] && mkdir -p "$DEPLOY_LOGS" && cp "$home"/*.log "$home"/failures "$home"/acknowledged "$DEPLOY_LOGS"/ 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT

o4o() { O4O_HOME="$home" "$repo/o4o" "$@"; }
# The conductor, on this checkout's CLI; $1 the platform assembly it runs while no release is current.
start_up() {
  O4O_HOME="$home" O4O__Database__Port=$pg_port O4O__Platform__Port=$platform_port O4O__Dashboard__Port=$dashboard_port \
    O4O__Auth__SignInPermitLimit=1000 O4O__Admin__Email=$admin_email O4O__Admin__Password="$admin_password" \
    O4O__Platform__Assembly="$1" "$repo/o4o" up >>"$home/up.log" 2>&1 &
  conductor=$!
}
wait_healthy() {
  for _ in $(seq 1 1200); do
    curl -fsS -m 1 -o /dev/null "$base/api/health" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "deploy.sh: the platform did not come up; log:" >&2; tail -40 "$home/up.log" >&2; exit 1
}
stop_up() { kill -TERM "$conductor"; wait "$conductor" 2>/dev/null || true; conductor=""; }
platform_pid() { python3 -c "import json;print(json.load(open('$home/run/conductor.json'))['platform']['pid'])"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maximum() { printf '%s\n' "$@" | sort -g | tail -1; }
load_now() { cut -d' ' -f1 /proc/loadavg; }

o4o --version >/dev/null   # builds this checkout's CLI and platform (Release) before anything is timed
platform="$repo/artifacts/publish/O4O.Platform/release/O4O.Platform.dll"

# The operator's checkout for the baseline: a clone at this commit, built once as the one in production was.
git clone -q --shared "$repo" "$home/clone"
git -C "$home/clone" checkout -q "$(git rev-parse HEAD)"
(cd "$home/clone" && O4O_HOME="$home/clone-home" ./o4o --version >/dev/null)
touched=$(git rev-list -1 HEAD -- src/O4O.Platform)
previous=$(git rev-parse "$touched~1")

start_up "$platform"
wait_healthy
python3 bench/orderload.py setup "$base" --session "$home/session.json" --admin-email "$admin_email" \
  --admin-password "$admin_password" --customers "$customers"

# 3. The baseline: the runbook's rollback by hand (no load yet: it refuses requests while the conductor is down).
baseline_load=$(load_now)
t0=$(now)
git -C "$home/clone" checkout -q "$previous" -- src/O4O.Platform
t_checkout=$(now)
(cd "$home/clone" && O4O_HOME="$home/clone-home" ./o4o --version >/dev/null)
t_build=$(now)
stop_up
start_up "$home/clone/artifacts/publish/O4O.Platform/release/O4O.Platform.dll"
wait_healthy
t1=$(now)
baseline=$(echo "$t1 - $t0" | bc)
baseline_split=$(printf 'checkout %.1f s, build %.1f s, restart %.1f s' "$(echo "$t_checkout - $t0" | bc)" \
  "$(echo "$t_build - $t_checkout" | bc)" "$(echo "$t1 - $t_build" | bc)")
# Back to this checkout's build for the deploys (not timed).
stop_up
start_up "$platform"
wait_healthy

python3 bench/orderload.py run "$base" --session "$home/session.json" --stop-file "$home/stop" \
  --out "$home/acknowledged" --failures "$home/failures" &
load=$!
sleep 5

# 1. Good deploys.
deploy_load=$(load_now)
declare -a totals publishes switches
: >"$home/failures"
for round in $(seq 1 "$deploys"); do
  before=$(platform_pid)
  t0=$(now)
  o4o deploy "$repo" 2>>"$home/deploy.log" | { read -r _; now >"$home/published"; cat >/dev/null; }
  t1=$(now)
  published=$(cat "$home/published")
  [ "$(platform_pid)" != "$before" ] || { echo "deploy.sh: deploy $round did not switch the platform" >&2; tail -20 "$home/deploy.log" >&2; exit 1; }
  totals+=("$(echo "$t1 - $t0" | bc)"); publishes+=("$(echo "$published - $t0" | bc)"); switches+=("$(echo "$t1 - $published" | bc)")
  printf 'deploy %2d: %6.1f s (publish %5.1f s, switch %4.1f s), failed requests so far %d, load %s\n' "$round" \
    "${totals[-1]}" "${publishes[-1]}" "${switches[-1]}" "$(wc -l <"$home/failures")" "$(load_now)" >&2
done
sleep 2
deploy_failures=$(wc -l <"$home/failures")
deploy_end_load=$(load_now)

# 2. A release that fails after its switch.
failing="$home/failing"
mkdir -p "$failing"
cp -a "$repo/src" "$repo/Directory.Build.props" "$repo/Directory.Packages.props" "$repo/global.json" "$repo/.editorconfig" "$failing/"
python3 - "$failing/src/O4O.Platform/Program.cs" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
failing = """var orders = 0;
app.Use(async (context, next) =>
{
    if (context.Request.Path.StartsWithSegments("/api/v1/orders") && Interlocked.Increment(ref orders) > 30)
    {
        context.Response.StatusCode = 500;
        return;
    }

    await next(context);
});
app.MapOrders();"""
assert "app.MapOrders();" in text
open(path, "w").write(text.replace("app.MapOrders();", failing))
PY
: >"$home/failures"
rollback_load=$(load_now)
o4o deploy "$failing" >/dev/null 2>>"$home/deploy.log"
for _ in $(seq 1 600); do
  o4o releases --json 2>/dev/null | grep -q '"rolled back"' && break
  sleep 0.5
done
o4o releases --json | grep -q '"rolled back"' || { echo "deploy.sh: the failing release was not rolled back" >&2; tail -40 "$home/up.log" >&2; exit 1; }
sleep 3
touch "$home/stop"; wait "$load"; load=""

read -r first_5xx last_5xx count_5xx < <(awk '$2 ~ /^5/ { if (!f) f = $1; l = $1; n++ } END { print f, l, n }' "$home/failures")
[ -n "$first_5xx" ] || { echo "deploy.sh: the failing release answered no 5xx" >&2; exit 1; }
first_ack=$(awk -v l="$last_5xx" '$3 > l { print $3; exit }' "$home/acknowledged")
rollback_last=$(echo "$last_5xx - $first_5xx" | bc)
rollback_ack=$(echo "$first_ack - $first_5xx" | bc)

# Every acknowledged order is in the database.
PGPASSWORD="$(cat "$home/secrets/postgres.password")" "$BIN/psql" -X -q -At -h 127.0.0.1 -p "$pg_port" -U postgres -d o4o_platform \
  -c "SELECT id FROM orders" | sort -n >"$home/stored"
acknowledged=$(wc -l <"$home/acknowledged")
missing=$(cut -d' ' -f2 "$home/acknowledged" | sort -n | comm -23 - "$home/stored" | wc -l)

printf '\ndeploy.sh: %s good deploys under %s customers ordering, load %s at the start, %s at the end\n' "$deploys" "$customers" "$deploy_load" "$deploy_end_load"
printf '%-44s %10s %10s\n' "o4o deploy -> new release serving" "median s" "max s"
printf '%-44s %10.1f %10.1f\n' "total" "$(median "${totals[@]}")" "$(maximum "${totals[@]}")"
printf '%-44s %10.1f %10.1f\n' "  publish (until its name is printed)" "$(median "${publishes[@]}")" "$(maximum "${publishes[@]}")"
printf '%-44s %10.1f %10.1f\n' "  switch (gate, go, drain)" "$(median "${switches[@]}")" "$(maximum "${switches[@]}")"
printf 'failed requests during the deploys: %s   target 0: %s\n' "$deploy_failures" "$([ "$deploy_failures" -eq 0 ] && echo met || echo 'NOT met')"
printf 'acknowledged orders: %s, missing afterwards: %s   target 0: %s\n' "$acknowledged" "$missing" "$([ "$missing" -eq 0 ] && echo met || echo 'NOT met')"
printf '\nfailing release (load %s): %s answers 5xx; first 5xx -> last 5xx %.1f s, -> first order acknowledged after it %.1f s   target <= 30 s: %s\n' \
  "$rollback_load" "$count_5xx" "$rollback_last" "$rollback_ack" "$(awk -v s="$rollback_ack" 'BEGIN { print (s <= 30) ? "met" : "NOT met" }')"
printf 'manual rollback, the runbook way (load %s): %.1f s (%s)\n' "$baseline_load" "$baseline" "$baseline_split"
awk -v b="$baseline" -v a="$rollback_ack" 'BEGIN { printf "ratio manual / automatic: %.1f\n", b / a }'
