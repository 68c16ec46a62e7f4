#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests and prints its URL
# (postgres://muster:...@127.0.0.1:PORT/postgres?sslmode=verify-full&sslrootcert=DIR/server.crt): the server speaks
# TLS with a self-signed certificate for 127.0.0.1, which the URL trusts (plain text when openssl is missing), and
# role muster_cert logs in with the client certificate DIR/client.crt (key DIR/client.key) instead of a password.
# Usage: URL=$(.ci/postgres.sh start DIR)   then   .ci/postgres.sh stop DIR
# The cluster lives in DIR (owned by the postgres user: the server refuses to run as root), on a free loopback port,
# with password (SCRAM) authentication for the muster superuser, which the tests use to create a database each.
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory for the cluster}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_postgres() { runuser -u postgres -- "$@"; }

case "$cmd" in
start)
    mkdir -p "$dir"
    chown postgres:postgres "$dir"
    chmod 700 "$dir"
    password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    echo "$password" >"$dir.pw"
    chown postgres:postgres "$dir.pw"
    as_postgres "$bin/initdb" -D "$dir/data" -U muster --pwfile="$dir.pw" --auth=scram-sha-256 -E UTF8 \
        --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 || { cat "$dir.initdb.log" >&2; exit 1; }
    rm -f "$dir.pw"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    tls="" query=""
    if command -v openssl >/dev/null; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=127.0.0.1" \
            -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.crt" >/dev/null 2>&1
        # A client certificate for role muster_cert, signed by the server's, which logs in by it alone (cert).
        openssl req -new -newkey rsa:2048 -nodes -subj "/CN=muster_cert" -keyout "$dir/client.key" \
            -out "$dir/client.csr" >/dev/null 2>&1
        openssl x509 -req -in "$dir/client.csr" -CA "$dir/server.crt" -CAkey "$dir/server.key" -CAcreateserial \
            -days 7 -out "$dir/client.crt" >/dev/null 2>&1
        chown postgres:postgres "$dir/server.key" "$dir/server.crt"
        chmod 600 "$dir/server.key" "$dir/client.key"
        as_postgres sed -i '1i hostssl all muster_cert 127.0.0.1/32 cert' "$dir/data/pg_hba.conf"
        tls="-c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key -c ssl_ca_file=$dir/server.crt"
        query="?sslmode=verify-full&sslrootcert=$dir/server.crt"
    fi
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 $tls" start \
        >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    url="postgres://muster:$password@127.0.0.1:$port/postgres$query"
    if [ -n "$query" ]; then psql "$url" -q -c "CREATE ROLE muster_cert LOGIN" >/dev/null; fi
    echo "$url"
    ;;
stop)
    [ -d "$dir/data" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir" "$dir.initdb.log"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
