#!/usr/bin/env python3
"""Crash and shutdown check with real processes: nothing stored is ever lost or left half-written.

1. kill -9 during training: after a restart the database passes PRAGMA integrity_check, the job runs again from the
   start once its lease expires (attempt 2), is failed/"interrupted" when killed again (out of attempts), and an
   earlier model answers exactly as before.
2. kill -9 at random moments around the end of short jobs (while a version is being written): every stored version
   belongs to a succeeded job, every succeeded job has its version, no job has two; after the restart the jobs of
   the dead process run again and finish, and none is left running.
3. SIGTERM during training: the process exits cleanly within the grace period and the job is marked cancelled.

Usage: scripts/check_durability.py PATH/TO/logit
"""
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    results["passed" if condition else "failed"] += 1
    print(("ok " if condition else "FAILED ") + name + ("" if condition else f": {detail}"))


class Server:
    def __init__(self, binary, database):
        self.binary, self.database = binary, database
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = None

    def start(self):
        log = open(self.database + ".log", "a")
        # A short lease, so the jobs of a killed process run again soon after the restart.
        environment = dict(os.environ, LOGIT_JOB_LEASE_SECONDS="1", LOGIT_REPLICA_ID=f"durability-{time.time()}")
        self.replica = environment["LOGIT_REPLICA_ID"]
        self.process = subprocess.Popen([self.binary, "serve", "--port", str(self.port), "--database", self.database,
                                         "--no-train-on-first-run"], cwd=ROOT, stdout=log, stderr=log,
                                        env=environment)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                self.call("GET", "/healthz/ready")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        raise RuntimeError("the server did not become ready")

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def wait_for(self, job_id, statuses, timeout=120, replica=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            job = self.call("GET", f"/jobs/{job_id}")
            if job["status"] in statuses and (replica is None or job["replica"] == replica):
                return job
            time.sleep(0.05)
        raise RuntimeError(f"job {job_id} did not reach {statuses}")


def database_state(path):
    connection = sqlite3.connect(path)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        versions = connection.execute("SELECT name, version, job_id FROM model_version").fetchall()
        jobs = dict(connection.execute("SELECT id, status FROM job").fetchall())
        succeeded_with_model = connection.execute(
            "SELECT id, model_name, model_version FROM job WHERE status = 'succeeded'").fetchall()
    finally:
        connection.close()
    return integrity, versions, jobs, succeeded_with_model


def main():
    binary = sys.argv[1]
    work = tempfile.mkdtemp(prefix="logit-durability-")
    database = os.path.join(work, "db.sqlite")
    digit = json.load(open(os.path.join(ROOT, "examples/digit-7.json")))
    server = Server(binary, database)
    try:
        server.start()
        first = server.call("POST", "/train", {"name": "keep", "train_size": 2000, "optimizer": "sgd",
                                               "batch_size": 100, "epochs": 1})["job"]
        server.wait_for(first["id"], {"succeeded"})
        before = server.call("POST", "/models/keep/versions/1/predict", digit)["predictions"][0]["probabilities"]

        # 1. kill -9 in the middle of a long job
        long_job = server.call("POST", "/train", {"name": "long", "optimizer": "gd", "epochs": 1000})["job"]
        server.wait_for(long_job["id"], {"running"})
        time.sleep(1.0)
        server.kill()
        integrity, _, jobs, _ = database_state(database)
        check("integrity after kill -9 in training", integrity == "ok", integrity)
        server.start()
        job = server.wait_for(long_job["id"], {"running"}, timeout=30, replica=server.replica)
        check("the killed job runs again from the start once its lease expires",
              job["attempt"] == 2 and job["progress"]["epoch"] < 100, job)
        server.kill()
        server.start()
        job = server.wait_for(long_job["id"], {"failed"}, timeout=30)
        check("killed again, out of attempts: failed/interrupted", job["error"] == "interrupted", job)
        after = server.call("POST", "/models/keep/versions/1/predict", digit)["predictions"][0]["probabilities"]
        check("an earlier model answers exactly as before", after == before)

        # 2. kill -9 at random moments around the end of short jobs
        random.seed(7)
        for attempt in range(6):
            job = server.call("POST", "/train", {"name": f"short{attempt}", "train_size": 1500, "optimizer": "sgd",
                                                 "batch_size": 100, "epochs": 1, "eval_every": 1})["job"]
            server.wait_for(job["id"], {"running", "succeeded"})
            time.sleep(random.uniform(0.0, 0.4))
            server.kill()
            integrity, versions, jobs, succeeded = database_state(database)
            ok = integrity == "ok"
            produced = [job_id for _, _, job_id in versions if job_id is not None]
            ok &= len(produced) == len(set(produced))
            for name, version, job_id in versions:
                ok &= job_id is None or jobs.get(job_id) == "succeeded"
            for job_id, model_name, model_version in succeeded:
                ok &= (model_name, model_version) in {(n, v) for n, v, _ in versions}
            check(f"kill -9 #{attempt + 1}: no partial version, no orphan job", ok,
                  f"integrity={integrity} versions={versions} jobs={jobs}")
            server.start()
            server.wait_for(job["id"], {"succeeded", "failed"}, timeout=60)
            running = [j for j in server.call("GET", "/jobs")["jobs"] if j["status"] in ("queued", "running")]
            check(f"kill -9 #{attempt + 1}: the job finished after the restart, nothing left running",
                  not running, running)
        after = server.call("POST", "/models/keep/versions/1/predict", digit)["predictions"][0]["probabilities"]
        check("the earlier model still answers exactly as before", after == before)

        # 3. SIGTERM drains: running jobs are cancelled and marked, and the process exits cleanly.
        job = server.call("POST", "/train", {"name": "term", "optimizer": "gd", "epochs": 1000})["job"]
        server.wait_for(job["id"], {"running"})
        started = time.time()
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(timeout=30)
        check("SIGTERM exits cleanly and quickly", code == 0 and time.time() - started < 15,
              f"exit {code} after {time.time() - started:.1f}s")
        integrity, _, jobs, _ = database_state(database)
        check("integrity after SIGTERM", integrity == "ok", integrity)
        check("the running job is marked cancelled", jobs.get(job["id"]) == "cancelled", jobs.get(job["id"]))
        server.start()
        after = server.call("POST", "/models/keep/versions/1/predict", digit)["predictions"][0]["probabilities"]
        check("after SIGTERM the earlier model answers as before", after == before)
    finally:
        if server.process and server.process.poll() is None:
            server.process.kill()
            server.process.wait()
    print(f"durability: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
