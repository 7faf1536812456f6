#!/usr/bin/env bash
# The HTTP floor of this machine (docs/benchmarks.md): the same one-line answer served by each layer of Logit's stack
# (Benchmarks/HTTPFloor), loaded by wrk exactly as scripts/bench-http.sh loads Logit: GET at 32 connections, a POST
# with the 784-pixel body at 32 connections, and the POST at one keep-alive connection. nginx, if installed
# (apt-get install nginx-light), answers the same for comparison with a server written in C.
#
# Usage: scripts/bench-http-floor.sh        (DURATION=10 seconds per run, CONNECTIONS=32, THREADS=2 wrk threads)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/bench-common.sh
swift build -c release --product http-floor >/dev/null
FLOOR=.build/release/http-floor

work=$(mktemp -d)
server_pid=""
stop() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    server_pid=""
}
cleanup() {
    stop
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Prints "<label>: N req/s, p50, p99" from wrk's output, and the server's CPU time per request when its pid is known.
run() {
    local label=$1 pid=$2; shift 2
    local before=0 after=0 output
    [ -n "$pid" ] && before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    output=$(wrk --latency "$@")
    [ -n "$pid" ] && after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    local rate p50 p99 cpu=""
    rate=$(awk '/^Requests\/sec/ {print $2}' <<<"$output")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$output")
    if [ -n "$pid" ]; then
        cpu=$(python3 -c "import os; print(f'server CPU {($after - $before) / os.sysconf(\"SC_CLK_TCK\") / ($rate * $DURATION) * 1e6:.0f} us/request')")
    fi
    printf '%-56s %10s req/s   p50 %-9s p99 %-9s %s\n' "$label" "$rate" "$p50" "$p99" "$cpu"
}

measure() {
    local name=$1 base=$2 pid=$3
    run "$name: GET, $CONNECTIONS connections" "$pid" -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$base/healthz/live"
    run "$name: POST 784 pixels, $CONNECTIONS connections" "$pid" -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s scripts/predict.lua "$base/predict"
    run "$name: POST 784 pixels, 1 connection" "$pid" -t1 -c1 -d"${DURATION}s" -s scripts/predict.lua "$base/predict"
}

for mode in nio hummingbird hummingbird-handler hummingbird-executor; do
    port=$(free_port)
    $FLOOR "$mode" "$port" >"$work/$mode.log" 2>&1 &
    server_pid=$!
    until curl -sf "http://127.0.0.1:$port/healthz/live" >/dev/null; do sleep 0.01; done
    measure "$mode" "http://127.0.0.1:$port" "$server_pid"
    stop
done

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    port=$(free_port)
    cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
    server {
        listen 127.0.0.1:$port;
        location / { default_type application/json; return 200 '{"status":"ok"}'; }
    }
}
CONF
    "$(command -v nginx || echo /usr/sbin/nginx)" -c "$work/nginx.conf"
    until curl -sf "http://127.0.0.1:$port/healthz/live" >/dev/null; do sleep 0.01; done
    measure "nginx (2 workers)" "http://127.0.0.1:$port" ""
fi
