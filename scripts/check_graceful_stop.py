#!/usr/bin/env python3
"""Graceful stop, step by step: `logit serve` is sent SIGTERM while it trains a job, streams that job's events and
reads a /predict body that has only half arrived. Asserted, in order:

1. at once, /healthz/ready answers 503 DRAINING, on a kept-alive connection and on a new one;
2. POST /train answers 503 DRAINING with Retry-After, and nothing is queued;
3. during the drain (`drain_seconds`) predictions are still served;
4. the /predict in flight is answered normally, and the event stream ends normally (its last event is the job,
   cancelled with error `shutdown`, and the chunked body is terminated);
5. the process exits with status 0 after the drain and within `shutdown_grace_seconds`, and the database says the
   job was cancelled with error `shutdown`.

Usage: scripts/check_graceful_stop.py PATH/TO/logit
"""
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DRAIN_SECONDS = 1.5
GRACE_SECONDS = 6
results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    results["passed" if condition else "failed"] += 1
    print(("ok " if condition else "FAILED ") + name + ("" if condition else f": {detail}"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connection(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def call(conn, method, path, body=None):
    """(status, headers, parsed JSON body) over `conn`, which stays open."""
    conn.request(method, path, None if body is None else json.dumps(body), {"Content-Type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    return response.status, response, json.loads(payload) if payload else None


def read_until_closed(sock, timeout):
    sock.settimeout(timeout)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def main():
    binary = sys.argv[1]
    work = tempfile.mkdtemp()
    database = os.path.join(work, "logit.sqlite")
    port = free_port()
    environment = dict(os.environ, LOGIT_DRAIN_SECONDS=str(DRAIN_SECONDS), LOGIT_SHUTDOWN_GRACE_SECONDS=str(GRACE_SECONDS))
    with open(os.path.join(work, "serve.log"), "w") as log:
        process = subprocess.Popen([binary, "serve", "--port", str(port), "--database", database,
                                    "--no-train-on-first-run"], cwd=ROOT, stdout=log, stderr=log, env=environment)
    try:
        deadline = time.time() + 30
        while True:
            try:
                if call(connection(port), "GET", "/healthz/ready")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError("the server did not become ready")
            time.sleep(0.05)

        kept = connection(port)
        _, _, accepted = call(kept, "POST", "/train", {"name": "small", "train_size": 2000, "optimizer": "sgd",
                                                       "batch_size": 100, "epochs": 1})
        while call(kept, "GET", f"/jobs/{accepted['job']['id']}")[2]["status"] != "succeeded":
            time.sleep(0.05)
        _, _, accepted = call(kept, "POST", "/train", {"name": "long", "optimizer": "gd", "epochs": 1000})
        job_id = accepted["job"]["id"]
        while call(kept, "GET", f"/jobs/{job_id}")[2]["status"] != "running":
            time.sleep(0.05)

        events = socket.create_connection(("127.0.0.1", port))
        events.sendall(f"GET /jobs/{job_id}/events HTTP/1.1\r\nHost: logit\r\n\r\n".encode())
        events.settimeout(10)
        check("the event stream is open", events.recv(65536).startswith(b"HTTP/1.1 200"))
        with open(os.path.join(ROOT, "examples/digit-7.json"), "rb") as f:
            digit = f.read()
        in_flight = socket.create_connection(("127.0.0.1", port))
        in_flight.sendall(b"POST /predict HTTP/1.1\r\nHost: logit\r\nContent-Type: application/json\r\n"
                          + f"Content-Length: {len(digit)}\r\nConnection: close\r\n\r\n".encode() + digit[:200])
        before = call(kept, "POST", "/predict", json.loads(digit))
        jobs_before = len(call(kept, "GET", "/jobs")[2]["jobs"])

        signalled = time.time()
        process.send_signal(signal.SIGTERM)
        time.sleep(0.1)

        # 1. Readiness fails at once, on the connection already open and on a new one.
        status, _, body = call(kept, "GET", "/healthz/ready")
        check("ready answers 503 DRAINING at once (kept connection)",
              status == 503 and body["code"] == "DRAINING", f"{status} {body}")
        status, _, body = call(connection(port), "GET", "/healthz/ready")
        check("ready answers 503 DRAINING at once (new connection)",
              status == 503 and body["code"] == "DRAINING", f"{status} {body}")
        # 2. No new jobs.
        status, response, body = call(connection(port), "POST", "/train", {"name": "late"})
        check("POST /train answers 503 DRAINING with Retry-After",
              status == 503 and body["code"] == "DRAINING" and response.getheader("Retry-After"), f"{status} {body}")
        # 3. Predictions are still served while load balancers notice.
        status, _, body = call(kept, "POST", "/predict", json.loads(digit))
        check("predictions are still served during the drain",
              status == 200 and body["predictions"] == before[2]["predictions"], f"{status} {body}")
        check("those answers all came within drain_seconds", time.time() - signalled < DRAIN_SECONDS,
              f"{time.time() - signalled:.2f} s")

        # 4. The requests in flight end normally.
        in_flight.sendall(digit[200:])
        answer = read_until_closed(in_flight, 20)
        head, _, payload = answer.partition(b"\r\n\r\n")
        check("the /predict in flight is answered 200",
              head.startswith(b"HTTP/1.1 200") and json.loads(payload)["predictions"] == before[2]["predictions"],
              answer[:200])
        stream = read_until_closed(events, 20)
        check("the event stream ends with its chunked terminator", stream.endswith(b"\r\n0\r\n\r\n"), stream[-80:])
        last = [line for line in stream.decode().splitlines() if line.startswith("data: ")][-1]
        last_job = json.loads(last[len("data: "):])
        check("its last event is the job, cancelled with error shutdown",
              last_job["status"] == "cancelled" and last_job["error"] == "shutdown", last_job)

        # 5. The process exits cleanly, after the drain and within the grace period.
        code = process.wait(timeout=GRACE_SECONDS + 10)
        elapsed = time.time() - signalled
        check("the process exits with status 0", code == 0, code)
        check("it exits after drain_seconds and within shutdown_grace_seconds",
              DRAIN_SECONDS <= elapsed < GRACE_SECONDS, f"{elapsed:.2f} s")
        refused = False
        try:
            connection(port).request("GET", "/healthz/live")
        except OSError:
            refused = True
        check("nothing listens afterwards", refused)
        db = sqlite3.connect(database)
        try:
            row = db.execute("SELECT status, error FROM job WHERE id = ?", (job_id,)).fetchone()
            job_count = db.execute("SELECT count(*) FROM job").fetchone()[0]
        finally:
            db.close()
        check("the database has the job cancelled with error shutdown", row == ("cancelled", "shutdown"), row)
        check("nothing was queued while draining", job_count == jobs_before, f"{job_count} jobs, {jobs_before} before")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    print(f"graceful stop: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
