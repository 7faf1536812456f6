#!/usr/bin/env bash
# Logit scaled out on one machine: PostgreSQL, several replicas of `logit serve` on it, and nginx in front of them
# on http://127.0.0.1:8080. Ctrl-C stops them all (the database keeps its data for the next run).
#
#   make build && deploy/run-local.sh [FLAGS OF logit serve...]     e.g. deploy/run-local.sh --no-train-on-first-run
#
# Environment:
#   LOGIT_DATABASE_URL  postgres://USER:PASSWORD@HOST:PORT/DB of a server to use; without it, a cluster of
#                       scripts/postgres-throwaway.sh in LOGIT_PG_DIR (default var/postgres), started and stopped
#                       with this script and kept between runs (`make clean` removes it with var/)
#   REPLICAS            how many replicas (default 3), with ids replica1, replica2, ...
#   REPLICA_PORT        the first replica's port (default 8081); the others follow it
#   PORT                nginx's port (default 8080)
#   LOGIT               the binary (default .build/release/logit)
# Logs: var/run-local/replicaN.log and var/run-local/nginx/error.log, access.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

logit=${LOGIT:-.build/release/logit}
replicas=${REPLICAS:-3}
replica_port=${REPLICA_PORT:-8081}
port=${PORT:-8080}
[ -x "$logit" ] || { echo "run-local: no $logit: build it first (make build)" >&2; exit 1; }
nginx=$(command -v nginx || true)
[ -n "$nginx" ] || nginx=/usr/sbin/nginx
[ -x "$nginx" ] || { echo "run-local: nginx is missing (apt-get install nginx)" >&2; exit 1; }

logs=$root/var/run-local
mkdir -p "$logs"
pg_dir=""
nginx_pid=""
replica_pids=()

cleanup() {
    trap - EXIT INT TERM
    echo "run-local: stopping"
    [ -z "$nginx_pid" ] || kill -QUIT "$nginx_pid" 2>/dev/null || true
    local pid
    for pid in "${replica_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true   # each drains within shutdown_grace_seconds
    done
    wait || true
    [ -z "$pg_dir" ] || bash scripts/postgres-throwaway.sh down "$pg_dir" || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ready() {  # ready PORT: GET /healthz/ready answers 200
    if command -v curl >/dev/null 2>&1; then
        curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/healthz/ready" 2>/dev/null
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /healthz/ready HTTP/1.0\r\n\r\n' >&3 \
            && head -n 1 <&3 | grep -q ' 200 ') 2>/dev/null
    fi
}

# The database.
if [ -n "${LOGIT_DATABASE_URL:-}" ]; then
    url=$LOGIT_DATABASE_URL
else
    pg_dir=${LOGIT_PG_DIR:-$root/var/postgres}
    case $pg_dir in /*) ;; *) pg_dir=$root/$pg_dir ;; esac
    if [ -f "$pg_dir/url" ]; then
        bash scripts/postgres-throwaway.sh up "$pg_dir"
        url=$(cat "$pg_dir/url")
    else
        url=$(bash scripts/postgres-throwaway.sh start "$pg_dir")
    fi
    echo "run-local: PostgreSQL in $pg_dir: $url"
fi
"$logit" migrate --database "$url"

# The replicas.
upstreams=""
for i in $(seq 1 "$replicas"); do
    p=$((replica_port + i - 1))
    LOGIT_REPLICA_ID=replica$i "$logit" serve --database "$url" --port "$p" "$@" >>"$logs/replica$i.log" 2>&1 &
    replica_pids+=($!)
    upstreams+="        server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"$'\n'
done
for i in $(seq 1 "$replicas"); do
    p=$((replica_port + i - 1))
    for _ in $(seq 1 300); do
        ready "$p" && break
        kill -0 "${replica_pids[$((i - 1))]}" 2>/dev/null \
            || { echo "run-local: replica$i exited; see $logs/replica$i.log" >&2; exit 1; }
        sleep 0.1
    done
    ready "$p" || { echo "run-local: replica$i is not ready after 30 s; see $logs/replica$i.log" >&2; exit 1; }
done

# nginx, from a folder of its own (its workers may run as another user: they must reach tmp/).
prefix=$logs/nginx
mkdir -p "$prefix/tmp"
chmod 755 "$logs" "$prefix" "$prefix/tmp"
conf=$(<deploy/nginx/nginx.conf.template)
conf=${conf//@PREFIX@/"$prefix"}
conf=${conf//@LISTEN@/"127.0.0.1:$port"}
conf=${conf//@UPSTREAMS@/"${upstreams%$'\n'}"}
conf=${conf//@PROXY_CONF@/"$root/deploy/nginx/logit-proxy.conf"}
printf '%s\n' "$conf" >"$prefix/nginx.conf"
"$nginx" -p "$prefix" -e "$prefix/error.log" -c "$prefix/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 50); do
    ready "$port" && break
    kill -0 "$nginx_pid" 2>/dev/null || { echo "run-local: nginx exited; see $prefix/error.log" >&2; exit 1; }
    sleep 0.1
done

echo "run-local: Logit on http://127.0.0.1:$port: nginx in front of $replicas replicas on ports" \
    "$replica_port-$((replica_port + replicas - 1)); logs in $logs. Ctrl-C stops everything."
reported=()
while sleep 1; do
    for i in "${!replica_pids[@]}"; do
        if [ -z "${reported[$i]:-}" ] && ! kill -0 "${replica_pids[$i]}" 2>/dev/null; then
            reported[$i]=1
            echo "run-local: replica$((i + 1)) has exited; the others go on (see $logs/replica$((i + 1)).log)"
        fi
    done
    kill -0 "$nginx_pid" 2>/dev/null || { echo "run-local: nginx has exited; see $prefix/error.log" >&2; exit 1; }
done
