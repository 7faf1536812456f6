#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and local replicas: initdb in a folder of its own, a free loopback port,
# a database `logit` owned by the user `logit` (password `logit`).
#
#   scripts/postgres-throwaway.sh start DIR     create and start it; prints its postgres:// URL (also in DIR/url)
#   scripts/postgres-throwaway.sh stop DIR      stop it and remove DIR
#   scripts/postgres-throwaway.sh restart DIR   stop the server and start it again on the same port
#   scripts/postgres-throwaway.sh down DIR      stop the server only (DIR and its data stay)
#   scripts/postgres-throwaway.sh up DIR        start a server that `down` stopped
#
# initdb and pg_ctl refuse to run as root: as root, the cluster belongs to the user `postgres` (Debian's package
# creates it), or when there is none to a system user `logit-pg` created for it; DIR's parent folders must let
# that user through. As anyone else, it belongs to the caller. The binaries are taken from PG_BINDIR, else the
# newest /usr/lib/postgresql/*/bin (Debian puts them there, off the PATH), else the PATH.
# The server is tuned for tests (fsync off): a crash of the machine may lose its data, a stop or restart does not.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|restart|down|up DIR" >&2
    exit 2
}
[ $# -eq 2 ] || usage
command=$1
case $2 in
    /*) dir=$2 ;;
    *) dir=$PWD/$2 ;;
esac
dir=${dir%/}

die() {
    echo "postgres-throwaway: $*" >&2
    exit 1
}

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
    bindir=$(dirname "$(command -v initdb)")
fi
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] \
    || die "no PostgreSQL server binaries (initdb, pg_ctl): install Debian's postgresql or set PG_BINDIR"

# as_owner COMMAND...: runs COMMAND as the cluster's owner, from / (the caller's folder may be closed to it).
owner=""
if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then
        owner=postgres
    else
        owner=logit-pg
        id "$owner" >/dev/null 2>&1 \
            || useradd --system --no-create-home --home-dir / --shell /usr/sbin/nologin "$owner" \
            || die "could not create the user $owner"
    fi
fi
as_owner() {
    if [ -n "$owner" ]; then
        (cd / && runuser -u "$owner" -- "$@")
    else
        (cd / && "$@")
    fi
}

free_port() {  # a loopback port nothing listens on (the start retries if another process takes it first)
    local port
    for _ in $(seq 1 100); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die "no free port found"
}

server_start() {
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null
}

server_stop() {
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    fi
}

start() {
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
        die "$dir exists and is not empty"
    fi
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ -n "$owner" ]; then
        chown "$owner": "$dir"
        as_owner test -w "$dir" \
            || die "$owner cannot reach $dir: choose a folder whose parents it may enter (e.g. under /tmp)"
    fi
    echo logit >"$dir/password"
    [ -z "$owner" ] || chown "$owner": "$dir/password"
    as_owner "$bindir/initdb" -D "$dir/data" -U logit --pwfile="$dir/password" \
        --auth-local=trust --auth-host=scram-sha-256 --no-locale -E UTF8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    # A Unix socket in DIR when its path fits (about 107 bytes), for psql -h DIR; clients use TCP.
    local sockets=$dir
    [ ${#dir} -le 80 ] || sockets=""
    local port attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        {
            echo "# postgres-throwaway.sh"
            echo "port = $port"
            echo "listen_addresses = '127.0.0.1'"
            echo "unix_socket_directories = '$sockets'"
            echo "max_connections = 200"
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        } | as_owner tee "$dir/data/postgresql.auto.conf" >/dev/null
        if server_start; then
            break
        fi
        [ "$attempt" -lt 5 ] || { cat "$dir/server.log" >&2; die "the server did not start"; }
    done
    echo "$port" >"$dir/port"
    PGPASSWORD=logit "$bindir/psql" -X -q -h 127.0.0.1 -p "$port" -U logit -d postgres \
        -c "CREATE DATABASE logit" >/dev/null
    local url="postgres://logit:logit@127.0.0.1:$port/logit"
    echo "$url" >"$dir/url"
    echo "$url"
}

stop() {
    [ -d "$dir" ] || return 0
    # Only a folder this script made is removed.
    if [ -n "$(ls -A "$dir")" ] && [ ! -f "$dir/password" ] && [ ! -f "$dir/data/PG_VERSION" ]; then
        die "$dir does not look like a throwaway cluster; not removing it"
    fi
    server_stop || echo "postgres-throwaway: the server did not stop cleanly" >&2
    rm -rf "$dir"
}

case $command in
    start) start ;;
    stop) stop ;;
    down) server_stop ;;
    up) server_start ;;
    restart)
        server_stop
        server_start
        ;;
    *) usage ;;
esac
