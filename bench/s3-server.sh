# Sourced by bench/offsite.sh and bench/offsite-restore.sh: s3rver (pinned in tests/s3server) over TLS on localhost:$S3_PORT
# with a self-signed certificate for localhost in $WORK/cert.pem (readable by the postgres user, for pgBackRest) and the
# bucket "bench"; its objects under $WORK/s3. Sets s3rver_pid for the sourcing script's cleanup.
# Needs WORK and S3_PORT from the sourcing script.
echo "bench: starting s3rver over TLS on localhost:$S3_PORT"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
chmod 644 "$WORK/cert.pem"
[ -x tests/s3server/node_modules/.bin/s3rver ] || npm ci --prefix tests/s3server --silent
mkdir -p "$WORK/s3"
tests/s3server/node_modules/.bin/s3rver -d "$WORK/s3" -a 127.0.0.1 -p "$S3_PORT" --key "$WORK/key.pem" --cert "$WORK/cert.pem" \
  --no-vhost-buckets --configure-bucket bench --silent > "$WORK/s3rver.log" 2>&1 &
s3rver_pid=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null && break; sleep 0.1; done
