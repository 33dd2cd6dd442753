#!/usr/bin/env bash
# Bare-machine restore (issue 16, the runbook's scenario 3) on the 2 M-row data set of bench/backup.sh, in one run:
# a shop under `o4o up` holds the data set (schema `bench` of the platform's database, as bench/pitr.sh puts it) with a
# local s3rver over TLS as its off-site bucket; its archive is uploaded by the conductor and a full physical backup of it
# taken into the off-site repository. Then, each timed from the command to the shop serving (/api/health answers 200):
#   local : `o4o restore NAME --yes` of that archive on the machine itself (the shop stays up; it serves the restored data
#           once the command returns)
#   bare  : a new, empty home on the same machine: `o4o restore --from s3://bench/shop --key-file KEY --yes`, then `o4o up`
# and the ratio bare / local (target <= 2). The rows of the data set are counted on both sides.
# Usage: bench/offsite-restore.sh [scale, default 1 = about 2 M rows]
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-1}"
. bench/lib.sh
WORK="$(mktemp -d /tmp/o4o-bench-offsite-restore.XXXXXX)"
chmod 755 "$WORK"
export O4O_HOME="$WORK/lost"
PG_PORT=$(free_port); PLATFORM_PORT=$(free_port); S3_PORT=$(free_port)
BASE="http://127.0.0.1:$PLATFORM_PORT"
export O4O__Dashboard__Port=$(free_port)
export O4O__Database__Port=$PG_PORT O4O__Platform__Port=$PLATFORM_PORT O4O__Admin__Password="bench-$RANDOM-$RANDOM-password"
# No scheduled backup in the middle of a measurement.
export O4O__Backup__Schedule="0 3 1 1 *"
export O4O__Offsite__Endpoint="https://localhost:$S3_PORT" O4O__Offsite__Bucket=bench O4O__Offsite__Prefix=shop
export O4O__Offsite__AccessKeyId=S3RVER O4O__Offsite__SecretAccessKey=S3RVER O4O__Offsite__CaFile="$WORK/cert.pem"
O4O=(dotnet "$PWD/artifacts/publish/O4O.Cli/release/o4o.dll")
export O4O__Platform__Assembly="$PWD/artifacts/publish/O4O.Platform/release/O4O.Platform.dll"
conductor=""
s3rver_pid=""

stop_conductor() {
  if [ -n "$conductor" ]; then kill -TERM "$conductor" 2>/dev/null || true; wait "$conductor" 2>/dev/null || true; conductor=""; fi
}
cleanup() {
  stop_conductor
  if [ -n "$s3rver_pid" ]; then kill "$s3rver_pid" 2>/dev/null || true; wait "$s3rver_pid" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Each line of stdin after the seconds since $1: where the bare restore's time goes, step by step.
stamped() { python3 -u -c 'import sys,time
for line in sys.stdin: print(f"{time.time() - float(sys.argv[1]):6.1f} s  {line}", end="")' "$1"; }
healthy() { curl -fsS -m 2 -o /dev/null "$BASE/api/health" 2>/dev/null; }
# pgBackRest by hand, as the conductor runs it: as postgres, the off-site repository's secrets in its environment.
pgbackrest_() { PGBACKREST_CONFIG=pgbackrest.conf pgbackrest_as_conductor "$@"; }
# The off-site repository has a configuration of its own (the live cluster archives to the local one only).
pgbackrest_offsite() { PGBACKREST_CONFIG=offsite.conf pgbackrest_as_conductor "$@"; }
pgbackrest_as_conductor() {
  setpriv --reuid=postgres --regid=postgres --init-groups -- env PGPASSWORD="$(cat "$O4O_HOME/secrets/postgres.password")" \
    PGBACKREST_REPO2_S3_KEY=S3RVER PGBACKREST_REPO2_S3_KEY_SECRET=S3RVER \
    PGBACKREST_REPO2_CIPHER_PASS="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["repositoryPassphrase"])' "$O4O_HOME/secrets/archive-keys/keys.json")" \
    pgbackrest --config="$O4O_HOME/pgbackrest/$PGBACKREST_CONFIG" --stanza=o4o "$@"
}
until_() { local deadline=$(( $(date +%s) + $1 )); shift; until "$@"; do [ "$(date +%s)" -gt "$deadline" ] && { echo "offsite-restore.sh: timed out: $*" >&2; tail -30 "$WORK/up.log" >&2; exit 1; }; sleep 0.2; done; }
start_conductor() { "${O4O[@]}" up >>"$WORK/up.log" 2>&1 & conductor=$!; until_ 600 healthy; }
has_full() { "${1:-pgbackrest_}" info --output=json "${@:2}" 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]; sys.exit(0 if any(b["type"]=="full" for b in s.get("backup",[])) else 1)' 2>/dev/null; }
has_offsite_full() { has_full pgbackrest_offsite --repo=2; }
offsite_holds() { pgbackrest_offsite info --output=json --repo=2 2>/dev/null | python3 -c 'import json,sys; a=json.load(sys.stdin)[0]["archive"]; sys.exit(0 if a and max(x["max"] or "" for x in a) >= sys.argv[1] else 1)' "$1" 2>/dev/null; }
uploaded() { [ -f "$WORK/s3/bench/shop/archives/$NAME.sealed._S3rver_object" ]; }
rows() { psql_ -d o4o_platform -c "SELECT sum(n) FROM (SELECT (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM bench.%I', tablename), false, true, '')))[1]::text::bigint AS n FROM pg_tables WHERE schemaname = 'bench') counts"; }

echo "bench: building o4o (Release, ReadyToRun, as ./o4o runs it)"
./o4o --version >/dev/null
. bench/s3-server.sh

echo "bench: the lost machine: o4o up in $O4O_HOME with the data set (scale $SCALE)"
start_conductor
until_ 600 has_full
# The conductor copies its first full backup off-site next: the one by hand below must not meet it.
until_ 600 has_offsite_full
psql_ -d o4o_platform -c "CREATE SCHEMA bench"
PGOPTIONS="-c search_path=bench" psql_ -d o4o_platform -v scale="$SCALE" -f bench/backup-data.sql
psql_ -d o4o_platform -c "VACUUM ANALYZE" -c "CHECKPOINT"
ROWS=$(rows)
echo "bench: $ROWS rows, database $(psql_ -c "SELECT pg_size_pretty(pg_database_size('o4o_platform'))")"
ARCHIVE=$("${O4O[@]}" backup create 2>>"$WORK/cli.log")
NAME=$(basename "$ARCHIVE")
echo "bench: $NAME, $(( $(stat -c %s "$ARCHIVE") / 1048576 )) MiB; waiting for the conductor's upload"
until_ 900 uploaded
echo "bench: a full physical backup into the off-site repository"
pgbackrest_offsite backup --type=full --repo=2 >/dev/null
"${O4O[@]}" backup key export > "$WORK/keys.json" 2>>"$WORK/cli.log"

echo "bench: local: o4o restore $NAME --yes"
t0=$(now); "${O4O[@]}" restore "$NAME" --yes >/dev/null 2>>"$WORK/cli.log"; until_ 600 healthy; t1=$(now)
LOCAL=$(elapsed "$t0" "$t1")
[ "$(rows)" = "$ROWS" ] || { echo "offsite-restore.sh: the local restore holds $(rows) rows, not $ROWS" >&2; exit 1; }
SEGMENT=$(psql_ -c "SELECT pg_walfile_name(pg_switch_wal())")
pgbackrest_ check >/dev/null
# The bare restore replays what reached the bucket: the local restore's WAL too, once the conductor has shipped it, so
# that every run replays the same WAL.
echo "bench: waiting for the conductor to ship the WAL through $SEGMENT off-site"
until_ 900 offsite_holds "$SEGMENT"
stop_conductor

echo "bench: bare: a new home, o4o restore --from s3://bench/shop, then o4o up"
export O4O_HOME="$WORK/new"
t0=$(now)
"${O4O[@]}" restore --from s3://bench/shop --key-file "$WORK/keys.json" --yes 2>&1 >/dev/null | stamped "$t0" >"$WORK/restore-from.log"
t1=$(now)
start_conductor
t2=$(now)
BARE=$(elapsed "$t0" "$t2")
[ "$(rows)" = "$ROWS" ] || { echo "offsite-restore.sh: the restored shop holds $(rows) rows, not $ROWS" >&2; exit 1; }
sed 's/^/  restore --from: /' "$WORK/restore-from.log"
echo "local restore : $LOCAL s (o4o restore $NAME --yes, the shop serving the restored data)"
echo "bare machine  : $BARE s ($(elapsed "$t0" "$t1") s o4o restore --from, $(elapsed "$t1" "$t2") s o4o up to serving)"
python3 -c "print(f'bare-machine restore: ratio {$BARE / $LOCAL:.2f} of the local restore (target <= 2)')"
