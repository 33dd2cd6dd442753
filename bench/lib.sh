# Sourced by the bench scripts: what most of them need, defined once.
# BIN: the newest installed PostgreSQL's programs (O4O_PG_BIN picks another).
BIN="${O4O_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# PostgreSQL refuses to run as root; a bench started by root runs the cluster's programs as postgres.
as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# A throwaway home for bench/data-cluster.sh: WORK (a new directory named after $1), O4O_HOME inside it, a free PORT,
# and libpq's and o4o's environment pointing at the cluster that will run there. stop_throwaway removes it all.
throwaway_home() {
  export PATH="$BIN:$PATH"
  WORK="$(mktemp -d "/tmp/o4o-$1.XXXXXX")"
  chmod 755 "$WORK"
  export O4O_HOME="$WORK/home"
  PORT=$(free_port)
  export O4O__Database__Port="$PORT" PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres PGPASSWORD="bench-$RANDOM$RANDOM"
}
stop_throwaway() {
  as_postgres "$BIN/pg_ctl" -D "$O4O_HOME/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

# psql as postgres against the shop of $O4O_HOME on $PG_PORT, with the password its conductor keeps.
psql_() { PGPASSWORD="$(cat "$O4O_HOME/secrets/postgres.password")" "$BIN/psql" -X -q -At -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
