#!/usr/bin/env bash
# Off-site copies (issue 16), in one run on the 2 M-row data set of bench/backup.sh: one section per measurement.
#   upload  : the data set's archive (`o4o backup create`) uploaded to a local s3rver over TLS by o4o's uploader
#             (ArchiveUpload: sealed with its SHA-256 and part MD5s in one pass, 4 parts at once, each MD5 checked) against the SDK's plain
#             single-stream PutObject of the same file (Debian has no aws CLI), ROUNDS rounds alternating which goes
#             first, median ratio (target <= 0.7); beside them the floor of any multipart upload to this server: the SDK's
#             plain multipart of the same file, not sealed, as many parts at once as the uploader, MD5s taken beforehand
#   encrypt : what sealing adds to the backup's time (target <= 10 %): bench/encrypt.sh on the same archive
# Usage: bench/offsite.sh [scale, default 1 = about 2 M rows] [rounds, default 5] [sections, default "upload encrypt"]
# OFFSITE_ARCHIVE=FILE OFFSITE_BACKUP_SECONDS=S measure an archive made before (no cluster, no backup); UPLOAD_PART_MIB sets
# the uploader's part size.
# A new measurement is one more section: a function section_NAME below, run when NAME is in the sections.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-1}"
ROUNDS="${2:-5}"
SECTIONS="${3:-upload encrypt}"
. bench/lib.sh
throwaway_home bench-offsite
S3_PORT=$(free_port)
s3rver_pid=""

cleanup() {
  if [ -n "$s3rver_pid" ]; then kill "$s3rver_pid" 2>/dev/null || true; wait "$s3rver_pid" 2>/dev/null || true; fi
  stop_throwaway
}
trap cleanup EXIT

echo "bench: building o4o (Release, ReadyToRun, as ./o4o runs it) and the upload driver"
./o4o --version >/dev/null
O4O=(dotnet "$PWD/artifacts/publish/O4O.Cli/release/o4o.dll")
dotnet build bench/OffsiteUploadBench -c Release --nologo -v quiet >/dev/null

if [ -n "${OFFSITE_ARCHIVE:-}" ]; then
  ARCHIVE="$OFFSITE_ARCHIVE"
  BACKUP_SECONDS="${OFFSITE_BACKUP_SECONDS:?the time o4o backup create took for it}"
else
  . bench/data-cluster.sh
  t0=$(now); "${O4O[@]}" backup create > "$WORK/archive-path"; t1=$(now)
  ARCHIVE="$(cat "$WORK/archive-path")"
  BACKUP_SECONDS=$(elapsed "$t0" "$t1")
fi
echo "bench: o4o backup create took $BACKUP_SECONDS s: $ARCHIVE, $(( $(stat -c %s "$ARCHIVE") / 1048576 )) MiB"

. bench/s3-server.sh

section_upload() {
  echo "bench: upload, $ROUNDS rounds (part size ${UPLOAD_PART_MIB:-default} MiB)"
  dotnet artifacts/bin/OffsiteUploadBench/release/OffsiteUploadBench.dll "$ARCHIVE" "$ROUNDS" "https://localhost:$S3_PORT" bench \
    "$WORK/cert.pem" ${UPLOAD_PART_MIB:+"$UPLOAD_PART_MIB"} | tee "$WORK/upload-rounds"
  python3 - "$WORK/upload-rounds" "$(stat -c %s "$ARCHIVE")" <<'PY'
import statistics, sys
rounds = [line.split() for line in open(sys.argv[1])]
mib = int(sys.argv[2]) / 2**20
ours = [float(r[3]) for r in rounds]; plain = [float(r[5]) for r in rounds]; multipart = [float(r[7]) for r in rounds]
ratios = [o / p for o, p in zip(ours, plain)]; floors = [m / p for m, p in zip(multipart, plain)]
print(f"upload : {mib:.1f} MiB; median o4o {statistics.median(ours):.2f} s ({mib / statistics.median(ours):.0f} MiB/s), "
      f"plain PutObject {statistics.median(plain):.2f} s ({mib / statistics.median(plain):.0f} MiB/s); "
      f"median ratio {statistics.median(ratios):.2f} (target <= 0.7)")
print(f"floor  : plain multipart, not sealed, median {statistics.median(multipart):.2f} s; median ratio to PutObject "
      f"{statistics.median(floors):.2f}: no multipart upload to this server does better")
PY
}

section_encrypt() {
  echo "bench: encryption of the same archive, against the backup's $BACKUP_SECONDS s"
  bench/encrypt.sh "$ARCHIVE" "$ROUNDS" "$BACKUP_SECONDS"
}

echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews both sides)"
for section in $SECTIONS; do "section_$section"; done
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
