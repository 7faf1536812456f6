#!/usr/bin/env python3
"""Crash and shutdown check with real processes: nothing stored is ever lost or left half-written.

1. kill -9 during training: after a restart the database passes PRAGMA integrity_check, the job runs again from the
   start once its lease expires (attempt 2), is failed/"interrupted" when killed again (out of attempts), and an
   earlier model answers exactly as before.
2. kill -9 at random moments around the end of short jobs (while a version is being written): every stored version
   belongs to a succeeded job, every succeeded job has its version, no job has two; after the restart the jobs of
   the dead process run again and finish, and none is left running.
3. SIGTERM during training: the process exits cleanly within the grace period and the job is marked cancelled.
4. A kill at each named fault point (LOGIT_FAULT_POINT, see Sources/LogitStore/FaultPoint.swift), each on a fresh
   database and process: in a version's transaction (number taken, version row not written; version row written,
   job row not updated; all written, not committed), just after that commit, and in an upload's transaction. The
   process dies by SIGKILL at that point (it names it on stderr); after it the database passes integrity_check and
   holds no partial version (every version row whole, each job's version there once); after a restart an earlier
   version answers byte for byte as before, and the job is marked: run again and succeeded (attempt 2) when the
   kill came before the commit, succeeded once (attempt 1) after it. A killed upload is not listed, not stored,
   and the same name can be uploaded again.

Usage: scripts/check_durability.py PATH/TO/logit [--fault-points-only]
"""
import http.client
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

    def start(self, **extra_environment):
        log = open(self.database + ".log", "a")
        # A short lease, so the jobs of a killed process run again soon after the restart.
        # A fault point is armed only where a step asks for it.
        environment = {k: v for k, v in os.environ.items() if k != "LOGIT_FAULT_POINT"}
        environment.update(LOGIT_JOB_LEASE_SECONDS="1", LOGIT_REPLICA_ID=f"durability-{time.time()}",
                           **extra_environment)
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

    def raw(self, method, path, body=b"", content_type="application/json"):
        """The status and body bytes of an answer, errors included."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method=method,
                                         headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

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


def partial_versions(path):
    """Versions that are not whole: blobs of the wrong size, unreadable JSON, a job that does not point back."""
    connection = sqlite3.connect(path)
    try:
        problems = []
        rows = connection.execute(
            "SELECT name, version, feature_count, output_count, length(weights), length(biases), metrics, job_id "
            "FROM model_version").fetchall()
        for name, version, features, outputs, weights, biases, metrics, job_id in rows:
            # Float32 weights: features x outputs for the linear models, more (a hidden layer) for the MLP.
            if not weights or weights % 4 or weights < 4 * outputs or biases < 4 * outputs or biases % 4:
                problems.append((name, version, "blobs", weights, biases))
            try:
                json.loads(metrics) if metrics else None
            except ValueError:
                problems.append((name, version, "metrics"))
            if job_id is not None:
                job = connection.execute("SELECT status, model_name, model_version FROM job WHERE id = ?",
                                         (job_id,)).fetchone()
                if job != ("succeeded", name, version):
                    problems.append((name, version, "job", job))
        for name, last in connection.execute("SELECT name, last_version FROM model").fetchall():
            numbers = [v for n, v, *_ in rows if n == name]
            if not numbers or max(numbers) > last:
                problems.append((name, "model row", last, numbers))
        return problems
    finally:
        connection.close()


VERSION_POINTS = ["version-mid-write", "version-before-job-update", "version-before-commit", "version-after-commit"]


def data_directory(work):
    """The repository's data sets, linked into a folder of the check's own, where uploads may leave what they will."""
    folder = os.path.join(work, "data")
    os.makedirs(folder)
    for name in os.listdir(os.path.join(ROOT, "data")):
        if not name.startswith("."):
            os.symlink(os.path.join(ROOT, "data", name), os.path.join(folder, name))
    return folder


def fault_point(binary, point):
    """One named point on a fresh database: kill there, then check what is left and what the restart does."""
    work = tempfile.mkdtemp(prefix=f"logit-fault-{point}-")
    database = os.path.join(work, "db.sqlite")
    server = Server(binary, database)
    data = data_directory(work)
    digit = json.dumps(json.load(open(os.path.join(ROOT, "examples/digit-7.json")))).encode()
    started = time.time()
    try:
        server.start(LOGIT_DATA_DIRECTORY=data)
        first = server.call("POST", "/train", {"name": "keep", "train_size": 2000, "optimizer": "sgd",
                                               "batch_size": 100, "epochs": 1})["job"]
        server.wait_for(first["id"], {"succeeded"})
        before = server.raw("POST", "/models/keep/versions/1/predict", digit)
        server.stop()

        server.start(LOGIT_DATA_DIRECTORY=data, LOGIT_FAULT_POINT=point)
        upload = point.startswith("dataset")
        csv = "a,b,label\n" + "".join(f"{i % 7},{(i * 3) % 11},{i % 2}\n" for i in range(200))
        upload_path = "/datasets?name=upload&format=csv&label_column=2&header=true"
        job = None
        try:
            if upload:
                server.raw("POST", upload_path, csv.encode(), content_type="text/csv")
            else:
                job = server.call("POST", "/train", {"name": "hit", "train_size": 1500, "optimizer": "sgd",
                                                     "batch_size": 100, "epochs": 1})["job"]
        except (OSError, urllib.error.URLError, http.client.HTTPException):
            pass  # the process may die while answering
        try:
            code = server.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            code = None
        log = open(database + ".log").read()
        check(f"{point}: the process died by SIGKILL at the point", code == -signal.SIGKILL
              and f"fault point {point}" in log, f"exit {code}")

        integrity, versions, jobs, _ = database_state(database)
        check(f"{point}: integrity ok", integrity == "ok", integrity)
        problems = partial_versions(database)
        check(f"{point}: no partial version", not problems, problems)
        stored = [(n, v) for n, v, _ in versions]
        if upload:
            connection = sqlite3.connect(database)
            names = [n for (n,) in connection.execute("SELECT name FROM dataset").fetchall()]
            connection.close()
            check(f"{point}: the upload is not stored", "upload" not in names, names)
        elif point == "version-after-commit":
            check(f"{point}: committed: the job succeeded with its version", jobs.get(job["id"]) == "succeeded"
                  and ("hit", 1) in stored, (jobs, stored))
        else:
            check(f"{point}: not committed: no version, the job still running", jobs.get(job["id"]) == "running"
                  and not any(n == "hit" for n, _ in stored), (jobs, stored))

        server.start(LOGIT_DATA_DIRECTORY=data)
        after = server.raw("POST", "/models/keep/versions/1/predict", digit)
        check(f"{point}: the earlier version answers byte for byte as before", after == before and before[0] == 200,
              f"{before} != {after}")
        if upload:
            listed = [d["name"] for d in server.call("GET", "/datasets")["datasets"]]
            check(f"{point}: the killed upload is not listed", "upload" not in listed, listed)
            status, body = server.raw("POST", upload_path, csv.encode(), content_type="text/csv")
            check(f"{point}: the same name uploads again", status == 201, f"{status} {body[:200]}")
        else:
            finished = server.wait_for(job["id"], {"succeeded", "failed", "cancelled"}, timeout=120)
            attempt = 1 if point == "version-after-commit" else 2
            model = server.call("GET", "/models/hit")
            check(f"{point}: the job is marked: succeeded on attempt {attempt}, with the model's one version",
                  finished["status"] == "succeeded" and finished["attempt"] == attempt
                  and model["version_count"] == 1
                  and finished["model"] == {"name": "hit", "version": model["latest_version"]},
                  (finished, model))
            problems = partial_versions(database)
            check(f"{point}: after the restart, every version whole", not problems, problems)
    finally:
        if server.process and server.process.poll() is None:
            server.process.kill()
            server.process.wait()
    print(f"   ({point}: {time.time() - started:.1f} s)")


def fault_points(binary):
    for point in VERSION_POINTS + ["dataset-mid-store"]:
        fault_point(binary, point)


def main():
    binary = sys.argv[1]
    if "--fault-points-only" in sys.argv[2:]:
        fault_points(binary)
        print(f"durability: {results['passed']} passed, {results['failed']} failed")
        sys.exit(1 if results["failed"] else 0)
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
    # 4. a kill at each named fault point
    fault_points(binary)
    print(f"durability: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
