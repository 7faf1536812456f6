# Shared by the HTTP benchmarks (bench-http.sh, bench-http-floor.sh): their load settings, wrk (installed from Debian
# when missing) and a free loopback port. Sourced, not run.
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk" >&2
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
