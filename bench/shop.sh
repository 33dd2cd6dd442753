#!/usr/bin/env bash
# The shop under load, one run: checkout throughput against the floor of our stack, and the product listing.
#
# Checkout: orders placed through POST /api/v1/orders (bearer token, a new Idempotency-Key each) against
# bench/BareCheckout, a minimal API that runs the same transaction with Npgsql on the same database and nothing
# around it, both at concurrency 16 with wrk (bench/checkout.lua picks the customer and the products at random).
# Two shapes, one line and five lines an order, from a catalogue of CATALOGUE products with ample stock; each shape in
# ROUNDS rounds of bare then platform (a warm-up before each shape and side). Listing: GET / at concurrency 16 on the
# 50 demo products and on the large catalogue (page 1; and, for information, a search that matches a tenth of it:
# a substring search reads every product, so it grows with the catalogue).
# Targets: orders/s >= 0.8x the bare app's with our p99 <= 50 ms; / p99 <= 20 ms.
# Usage: bench/shop.sh [duration per measurement, default 10s] [rounds, default 3] [catalogue size, default 10000]
#   (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
rounds=${2:-3}
catalogue=${3:-10000}
connections=16
threads=2
command -v wrk >/dev/null || { echo "shop.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }

. bench/lib.sh
home=$(mktemp -d /tmp/o4o-bench-shop-XXXXXX)
chmod 755 "$home"
pg_port=$(free_port); platform_port=$(free_port); bare_port=$(free_port)
base="http://127.0.0.1:$platform_port"
admin_email=admin@o4o.local admin_password="bench-$RANDOM-$RANDOM-password"
conductor=""; bare=""
cleanup() {
  [ -n "$bare" ] && kill "$bare" 2>/dev/null && wait "$bare" 2>/dev/null
  [ -n "$conductor" ] && kill -TERM "$conductor" 2>/dev/null && wait "$conductor" 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT

dotnet build bench/BareCheckout -c Release --nologo -v quiet >/dev/null
./o4o --version >/dev/null   # builds the platform when needed, before the wait for it to answer starts
# The sign-in limit is raised for the set-up only: 16 customers register and sign in from one address.
O4O_HOME="$home" O4O__Database__Port=$pg_port O4O__Platform__Port=$platform_port O4O__Auth__SignInPermitLimit=1000 \
  O4O__Admin__Email=$admin_email O4O__Admin__Password="$admin_password" ./o4o up >"$home/up.log" 2>&1 &
conductor=$!
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "$base/api/health" 2>/dev/null && break
  sleep 0.5
done
curl -fsS -o /dev/null "$base/api/health" || { echo "shop.sh: the platform did not come up; log:" >&2; cat "$home/up.log" >&2; exit 1; }

psql_() { PGPASSWORD="$(cat "$home/secrets/postgres.password")" "$BIN/psql" -X -q -At -h 127.0.0.1 -p "$pg_port" -U postgres -d o4o_platform "$@"; }
# Statements prepared on each connection, as the platform's data source does (DataExtensions.MaxAutoPrepare).
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$(cat "$home/secrets/postgres.password");Database=o4o_platform;Max Auto Prepare=32"
dotnet artifacts/bin/BareCheckout/release/BareCheckout.dll --urls "http://127.0.0.1:$bare_port" --ConnectionString "$connection" \
  --Logging:LogLevel:Default=Warning >"$home/bare.log" 2>&1 &
bare=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$bare_port/" && break; sleep 0.2; done

# wrk's arguments (options, the URL, then the script's after --) -> its "Requests/sec", its 50% and 99% latencies in ms, and checkout.lua's count of answers other than 201.
measure() {
  wrk -t$threads -c$connections -d"$duration" --latency "$@" | awk '
    function ms(v,   unit) { unit = v; gsub(/[0-9.]/, "", unit); gsub(/[a-z]/, "", v); return unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : v }
    /Requests\/sec/ { rate = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    / Non-2xx/ { errors = $NF }
    $1 == "failures" { errors = $2 }
    END { printf "%.0f %.2f %.2f %d\n", rate, p50, p99, errors }'
}
warm() { wrk -t$threads -c$connections -d"${warmup:-3s}" "$@" >/dev/null; }

# The listing before the large catalogue is there: the demo shop as a new install has it. The platform has just
# started, so its first warm-up is longer (tiered compilation, pools).
warmup=8s warm "$base/"
read -r demo_rate demo_p50 demo_p99 demo_errors < <(measure "$base/")

psql_ -c "INSERT INTO products (sku, name, description, price, stock)
          SELECT 'BENCH-' || n, 'Bench product ' || n, 'A product of the benchmark catalogue.', 1000 + n % 90000, 100000000
          FROM generate_series(1, $catalogue) AS n" -c "VACUUM ANALYZE products"
read -r first last < <(psql_ -F ' ' -c "SELECT min(id), max(id) FROM products WHERE sku LIKE 'BENCH-%'")

python3 bench/orderload.py setup "$base" --session "$home/session.json" --admin-email "$admin_email" \
  --admin-password "$admin_password" --customers $connections
# checkout.lua reads "user_id token" lines; the id is the token's subject.
python3 - "$home/session.json" >"$home/customers" <<'PY'
import base64, json, sys
for token in json.load(open(sys.argv[1]))["tokens"]:
    claims = token.split(".")[1]
    print(json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"], token)
PY

load=$(cut -d' ' -f1 /proc/loadavg)
printf 'shop.sh: %s products (%s-%s), %s customers, concurrency %s, %s per measurement, load %s\n' \
  "$catalogue" "$first" "$last" "$connections" "$connections" "$duration" "$load"
printf '%-34s %6s %10s %8s %8s %7s %8s\n' "checkout" "round" "orders/s" "p50 ms" "p99 ms" "non-201" "ratio"
summary=()
for lines in 1 5; do
  bare_run=(-s bench/checkout.lua "http://127.0.0.1:$bare_port/orders" -- "$home/customers" "$first" "$last" "$lines" user-id)
  ours_run=(-s bench/checkout.lua "$base/api/v1/orders" -- "$home/customers" "$first" "$last" "$lines" bearer)
  warm "${bare_run[@]}"; warm "${ours_run[@]}"
  ratios=(); p99s=()
  for round in $(seq 1 "$rounds"); do
    read -r b_rate b_p50 b_p99 b_errors < <(measure "${bare_run[@]}")
    read -r o_rate o_p50 o_p99 o_errors < <(measure "${ours_run[@]}")
    ratio=$(awk -v a="$o_rate" -v b="$b_rate" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    ratios+=("$ratio"); p99s+=("$o_p99")
    printf '%-34s %6s %10s %8s %8s %7s %8s\n' "bare, $lines line(s)" "$round" "$b_rate" "$b_p50" "$b_p99" "$b_errors" ""
    printf '%-34s %6s %10s %8s %8s %7s %8s\n' "O4O /api/v1/orders, $lines line(s)" "$round" "$o_rate" "$o_p50" "$o_p99" "$o_errors" "$ratio"
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  summary+=("$lines $(median "${ratios[@]}") $(median "${p99s[@]}")")
done

warm "$base/"
read -r big_rate big_p50 big_p99 big_errors < <(measure "$base/")
read -r search_rate search_p50 search_p99 search_errors < <(measure "$base/?q=product+1")

printf '\n%-34s %10s %8s %8s %7s\n' "listing (GET)" "pages/s" "p50 ms" "p99 ms" "non-2xx"
printf '%-34s %10s %8s %8s %7s\n' "/ (50 demo products)" "$demo_rate" "$demo_p50" "$demo_p99" "$demo_errors"
printf '%-34s %10s %8s %8s %7s\n' "/ ($((catalogue + 50)) products)" "$big_rate" "$big_p50" "$big_p99" "$big_errors"
printf '%-34s %10s %8s %8s %7s\n' "/?q=product+1 (search, no target)" "$search_rate" "$search_p50" "$search_p99" "$search_errors"

printf '\nload at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
for entry in "${summary[@]}"; do
  read -r lines ratio p99 <<<"$entry"
  awk -v l="$lines" -v r="$ratio" -v p="$p99" 'BEGIN {
    printf "checkout, %s line(s): median ratio (O4O / bare) %.2f, median p99 %.2f ms   target >= 0.80 with p99 <= 50 ms: %s\n",
      l, r, p, (r >= 0.8 && p <= 50) ? "met" : "NOT met" }'
done
for entry in "demo $demo_p99" "large $big_p99"; do
  read -r name p99 <<<"$entry"
  awk -v n="$name" -v p="$p99" 'BEGIN { printf "listing, %s catalogue: p99 %.2f ms   target <= 20 ms: %s\n", n, p, p <= 20 ? "met" : "NOT met" }'
done
