# Sourced by bench/backup.sh and bench/offsite.sh: a throwaway cluster (initdb --data-checksums, like the managed one)
# in $O4O_HOME/pg on $PORT, holding the 2 M-row data set (bench/backup-data.sql, or $DATA_SQL, at $SCALE) in o4o_platform.
# Needs WORK, O4O_HOME, PORT, PGPASSWORD and SCALE from the sourcing script (bench/lib.sh's throwaway_home sets most).
echo "bench: starting a throwaway cluster on port $PORT"
mkdir -p "$O4O_HOME/secrets" "$O4O_HOME/pg"
printf '%s' "$PGPASSWORD" > "$O4O_HOME/secrets/postgres.password"
printf '%s' "$PGPASSWORD" > "$WORK/pwfile"
if [ "$(id -u)" = 0 ]; then chown postgres "$O4O_HOME/pg" "$WORK/pwfile"; fi
as_postgres initdb --data-checksums -D "$O4O_HOME/pg" -U postgres --auth=scram-sha-256 --pwfile="$WORK/pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
as_postgres pg_ctl -D "$O4O_HOME/pg" -l "$O4O_HOME/pg/server.log" -w \
  -o "-c port=$PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_wal_size=4GB" start >/dev/null
psql -X -q -c "CREATE DATABASE o4o_platform"

echo "bench: generating the data set (${DATA_SQL:-bench/backup-data.sql}, scale $SCALE)"
psql -X -q -d o4o_platform -v scale="$SCALE" -f "${DATA_SQL:-bench/backup-data.sql}"
psql -X -q -d o4o_platform -c "VACUUM ANALYZE" -c "CHECKPOINT"
psql -X -At -d o4o_platform -c "SELECT 'bench: ' || (SELECT sum(n_live_tup) FROM pg_stat_user_tables) || ' rows, database ' || pg_size_pretty(pg_database_size('o4o_platform'))"
