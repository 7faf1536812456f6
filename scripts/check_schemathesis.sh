#!/usr/bin/env bash
# Property-based check of the HTTP API against its own OpenAPI document (public/openapi.yaml, served at
# GET /openapi.yaml), with Schemathesis: every operation of the document gets generated requests, valid and invalid,
# and no answer may be a server error (5xx) or differ from the document (status code, content type, body schema).
#
# Starts `logit serve` from the repository root on a free loopback port, with a fresh database and a scratch data
# directory (uploads land there, not in data/), trains one small model so that the model routes answer with
# something real, imports copies of it as "scratch" (the versions the generated DELETE requests may remove), runs
# Schemathesis, and always stops the server. If the server dies during the run it is started again (same port and
# database) so the run goes on, and every crash is shown at the end and fails the check.
# The last line is `schemathesis: N passed, M failed` (API operations); the exit code is non-zero if any check failed.
#
# Usage: scripts/check_schemathesis.sh PATH/TO/logit
# Environment: SCHEMATHESIS_MAX_EXAMPLES (test cases per operation and phase, default 30), SCHEMATHESIS_TIMEOUT
#   (seconds for the whole Schemathesis run, default 600), SCHEMATHESIS_SEED (reproduce a run), SCHEMATHESIS_ARGS
#   (more `schemathesis run` options), SCHEMATHESIS_KEEP (a folder to keep the server log, the configuration and
#   the JUnit report in).
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 PATH/TO/logit" >&2
    exit 2
fi
logit=$(realpath "$1")
cd "$(dirname "$0")/.."
root=$(pwd)
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-30}
time_limit=${SCHEMATHESIS_TIMEOUT:-600}

work=$(mktemp -d)
supervisor_pid=
stop_server() {
    [ -n "$supervisor_pid" ] || return 0
    touch "$work/stopping"
    kill -TERM "$supervisor_pid" 2>/dev/null
    for _ in $(seq 1 150); do kill -0 "$supervisor_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$supervisor_pid" 2>/dev/null
    wait "$supervisor_pid" 2>/dev/null
    # The supervisor stops the server; should it not have, the server is ended here.
    local pid
    pid=$(cat "$work/server.pid" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
    supervisor_pid=
}
keep() {
    if [ -n "${SCHEMATHESIS_KEEP:-}" ]; then
        mkdir -p "$SCHEMATHESIS_KEEP"
        cp "$work"/server.log "$work"/schemathesis.toml "$work"/junit.xml "$SCHEMATHESIS_KEEP"/ 2>/dev/null
    fi
}
cleanup() {
    stop_server
    keep
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {  # fail MESSAGE: the set-up failed, so no operation was checked
    echo "error: $1" >&2
    if [ -f "$work/server.log" ]; then echo "--- server log (last 40 lines)" >&2; tail -n 40 "$work/server.log" >&2; fi
    echo "schemathesis: 0 passed, 1 failed"
    exit 1
}

# Schemathesis comes from make test's virtual environment (scripts/requirements.txt).
python3 -c "import schemathesis" 2>/dev/null || fail "schemathesis is missing: run it through make test (or make test-deps)"
schemathesis=(python3 -m schemathesis.cli)
version=$("${schemathesis[@]}" --version 2>&1) || fail "schemathesis does not run: $version"
echo "$version"

# A scratch data directory holding the repository's data sets (as links), so uploads do not touch data/.
mkdir -p "$work/data" "$work/db" "$work/run"
for dataset in "$root"/data/*/; do
    ln -s "${dataset%/}" "$work/data/$(basename "$dataset")"
done

# Limits kept small so that the training jobs the generated requests submit stay short; requests over them are
# refused with 400 (work cap) or 429 (queue full), as the document says.
export LOGIT_MAX_WORK_PER_JOB=${LOGIT_MAX_WORK_PER_JOB:-2000000} LOGIT_MAX_QUEUED_JOBS=${LOGIT_MAX_QUEUED_JOBS:-4}
export LOGIT_API_KEYS='' LOGIT_PROTECT_READS=false
# Every request logged (debug level), so a crash report can name the last request before it.
export LOGIT_LOG_LEVEL=debug
# A crash prints a short backtrace of the crashing thread only.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=yes,interactive=no,threads=crashed,registers=none,images=none,limit=40,top=24}
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

# The server runs under a supervisor that starts it again (same port, same database) when it dies, so that one
# crash does not end the run.
supervise() {
    local child=
    trap 'if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi; exit 0' TERM
    while [ ! -e "$work/stopping" ]; do
        "$logit" serve --host 127.0.0.1 --port "$port" --database "$work/db/logit.sqlite" --data-dir "$work/data" \
            --no-train-on-first-run >>"$work/server.log" 2>&1 &
        child=$!
        echo "$child" >"$work/server.pid"
        wait "$child"
        local code=$?
        child=
        [ -e "$work/stopping" ] && exit 0
        echo "=== logit serve exited with status $code" >>"$work/server.log"
        echo "$code" >>"$work/exits"
        if [ "$(wc -l <"$work/exits")" -ge 25 ]; then exit 1; fi
        sleep 0.2
    done
}
supervise 2>>"$work/server.log" &
supervisor_pid=$!

ready() { curl -fsS -o /dev/null --max-time 2 "$base/healthz/ready" 2>/dev/null; }
for _ in $(seq 1 300); do
    ready && break
    [ -s "$work/exits" ] && fail "logit serve exited at start"
    sleep 0.1
done
ready || fail "$base/healthz/ready does not answer 200"
echo "logit serves at $base"

# One small model for the model routes: train it and wait until its job has succeeded.
job=$(curl -fsS -X POST "$base/train" -H 'Content-Type: application/json' \
    -d '{"name":"small","train_size":2000,"optimizer":"sgd","batch_size":100,"epochs":1}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["job"]["id"])') || fail "POST /train failed"
status=
for _ in $(seq 1 1200); do
    status=$(curl -fsS "$base/jobs/$job" | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
    case "$status" in succeeded | failed | cancelled) break ;; esac
    sleep 0.25
done
[ "$status" = succeeded ] || fail "the training job $job ended as '$status'"
echo "trained model 'small' (job $job)"

# Copies of it as "scratch", versions 1-3: the generated DELETE requests remove those rather than 'small'.
curl -fsS -o "$work/small.h5" "$base/models/small/versions/1/model.h5" || fail "GET model.h5 failed"
for _ in 1 2 3; do
    curl -fsS -o /dev/null -X POST "$base/models/import?name=scratch" -H 'Content-Type: application/octet-stream' \
        --data-binary @"$work/small.h5" || fail "POST /models/import failed"
done

# Path parameters are drawn from these real names half of the time; the rest is generated from the document.
cat >"$work/schemathesis.toml" <<TOML
[dictionaries.models]
values = ["small"]

[dictionaries.versions]
values = ["1", "latest"]

[dictionaries.jobs]
values = ["$job"]

[dictionaries.scratch]
values = ["scratch"]

[dictionaries.scratch-versions]
values = ["1", "2", "3", "latest"]

[parameters]
"path.name" = { dictionary = "models", probability = 0.5 }
"path.version" = { dictionary = "versions", probability = 0.5 }
"path.id" = { dictionary = "jobs", probability = 0.5 }

[[operations]]
include-operation-id = "deleteVersion"
parameters = { "path.name" = { dictionary = "scratch", probability = 0.5 }, "path.version" = { dictionary = "scratch-versions", probability = 0.5 } }

[[operations]]
include-operation-id = "jobEvents"
max-stream-events = 200
TOML

seed_args=()
if [ -n "${SCHEMATHESIS_SEED:-}" ]; then seed_args=(--seed "$SCHEMATHESIS_SEED"); fi
# Run from a scratch folder: Schemathesis writes nothing into the repository.
# shellcheck disable=SC2086
(cd "$work/run" && timeout --kill-after=10 "$time_limit" "${schemathesis[@]}" --config-file "$work/schemathesis.toml" \
    run "$base/openapi.yaml" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$max_examples" \
    --workers 1 \
    --request-timeout 30 \
    --suppress-health-check all \
    --generation-database none \
    --no-color \
    --report junit --report-junit-path "$work/junit.xml" \
    "${seed_args[@]}" ${SCHEMATHESIS_ARGS:-})
code=$?
stop_server

crashes=0
[ -f "$work/exits" ] && crashes=$(wc -l <"$work/exits")
if [ "$crashes" -gt 0 ]; then
    echo
    echo "=== the server died $crashes time(s) during the run (it was started again each time):"
    # For each crash: the last request the server logged before it, the failure, and the frames in Sources/.
    awk '
        /hb.request.method=/ { last = $0 }
        /\*\*\* Program crashed|Fatal error|runtime failure/ { print "--- last request logged: " last; print; frames = 0; next }
        / at .*\/Sources\/Logit/ && frames < 4 { print; frames++ }
        /^=== logit serve exited/ { print }
    ' "$work/server.log" | sed -e 's/^ *//' | cut -c1-400
fi
if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then echo "schemathesis did not finish within ${time_limit}s"; fi
if [ ! -s "$work/junit.xml" ]; then
    echo "schemathesis: 0 passed, 1 failed"
    exit 1
fi
# One JUnit test case per API operation, failed when it holds a <failure> or an <error>; a failed test case that is
# not an operation (the stateful scenarios) counts as one more failure.
read -r passed failed < <(python3 - "$work/junit.xml" <<'PY'
import re
import sys
import xml.etree.ElementTree as ET

passed = failed = 0
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    bad = case.find("failure") is not None or case.find("error") is not None
    if bad:
        failed += 1
    elif re.match(r"^[A-Z]+ /", case.get("name", "")) and case.find("skipped") is None:
        passed += 1
print(passed, failed)
PY
)
if { [ "$crashes" -gt 0 ] || [ "$code" -ne 0 ]; } && [ "$failed" -eq 0 ]; then failed=1; fi
echo "schemathesis: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$code" -eq 0 ] && [ "$crashes" -eq 0 ]
