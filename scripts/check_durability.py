#!/usr/bin/env python3
"""Crash and shutdown check with real processes: nothing stored is ever lost or left half-written.

1. kill -9 during training: after a restart the database passes PRAGMA integrity_check, the job runs again from the
   start once its lease expires (attempt 2), is failed/"interrupted" when killed again (out of attempts), and an
   earlier model answers exactly as before.
2. kill -9 at random moments around the end of short jobs (while a version is being written): every stored version
   belongs to a succeeded job, every succeeded job has its version, no job has two; after the restart the jobs of
   the dead process run again and finish, and none is left running.
   A sweep killed mid-path: its path's job runs again (attempt 2), the points stored before the kill keep their
   versions and are not run again, and the sweep ends with one version per point and the best aliased.
3. SIGTERM during training: the process exits cleanly within the grace period and the job is marked cancelled.
4. A kill at each named fault point (LOGIT_FAULT_POINT, see Sources/LogitStore/FaultPoint.swift), each on a fresh
   database and process: in a version's transaction (number taken, version row not written; version row written,
   job row not updated; all written, not committed), just after that commit, and in an upload's transaction. The
   process dies by SIGKILL at that point (it names it on stderr); after it the database passes integrity_check and
   holds no partial version (every version row whole, each job's version there once); after a restart an earlier
   version answers byte for byte as before, and the job is marked: run again and succeeded (attempt 2) when the
   kill came before the commit, succeeded once (attempt 1) after it. A killed upload is not listed, not stored,
   and the same name can be uploaded again.
   The four version points run on PostgreSQL too when LOGIT_TEST_POSTGRES_URL names a server (make test sets it;
   without it that part is skipped, saying so): each on a new database made there with CREATE DATABASE and dropped
   afterwards, asked the same questions with psql. PostgreSQL has no integrity_check: there a fresh connection must
   be accepted and read the tables, and the rows must be consistent (no partial version). The upload's point is
   SQLite-only: PostgresStore has no dataset-mid-store point. SQLite and PostgreSQL below are the two backends'
   state helpers, with the same methods.

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
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    results["passed" if condition else "failed"] += 1
    print(("ok " if condition else "FAILED ") + name + ("" if condition else f": {detail}"))


class Server:
    def __init__(self, binary, database, log=None):
        self.binary, self.database = binary, database
        self.log = log or database + ".log"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = None

    def start(self, **extra_environment):
        log = open(self.log, "a")
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


VERSION_POINTS = ["version-mid-write", "version-before-job-update", "version-before-commit", "version-after-commit"]


class SQLite:
    """A new SQLite database file in the folder `work`: the state questions of the checks, asked with sqlite3.
    PostgreSQL below answers the same methods."""
    name = "sqlite"
    # Only the SQLite store has the upload's point: PostgresStore has no datasetMidStore point.
    points = VERSION_POINTS + ["dataset-mid-store"]

    def __init__(self, work):
        self.path = os.path.join(work, "db.sqlite")
        self.database = self.path           # what `logit serve --database` gets
        self.log = self.path + ".log"

    def drop(self):
        pass                                # the file stays in its temporary folder, with the log

    def rows(self, query):
        connection = sqlite3.connect(self.path)
        try:
            return connection.execute(query).fetchall()
        finally:
            connection.close()

    def integrity(self):
        """'ok', or what is wrong: PRAGMA integrity_check."""
        return self.rows("PRAGMA integrity_check")[0][0]

    def versions(self):
        """(name, version, job id) of each version row."""
        return self.rows("SELECT name, version, job_id FROM model_version")

    def version_rows(self):
        """(name, version, output count, weights bytes, biases bytes, metrics JSON text or None, job id)."""
        return self.rows("SELECT name, version, output_count, length(weights), length(biases), metrics, job_id "
                         "FROM model_version")

    def jobs(self):
        """{job id: (status, model name, model version)}."""
        return {i: (status, name, version) for i, status, name, version
                in self.rows("SELECT id, status, model_name, model_version FROM job")}

    def models(self):
        """(name, last_version) of each model row."""
        return self.rows("SELECT name, last_version FROM model")

    def dataset_names(self):
        return [n for (n,) in self.rows("SELECT name FROM dataset")]


class PostgreSQL:
    """A new database on the server LOGIT_TEST_POSTGRES_URL names (as the Swift PostgreSQL tests make theirs),
    dropped by drop(); the same state questions as SQLite, asked with psql (-At, a fresh connection each)."""
    name = "postgres"
    points = VERSION_POINTS
    FIELD, RECORD, NULL = "\x1f", "\x1e", "\x02"   # separators and NULL that no value here contains

    def __init__(self, work):
        self.base_url = base_url = os.environ["LOGIT_TEST_POSTGRES_URL"]
        self.log = os.path.join(work, "postgres-server.log")
        self.name_in_server = "logit_durability_" + uuid.uuid4().hex
        self.psql(base_url, f"CREATE DATABASE {self.name_in_server}")
        self.database = urllib.parse.urlunsplit(
            urllib.parse.urlsplit(base_url)._replace(path="/" + self.name_in_server))

    def drop(self):
        self.psql(self.base_url, f"DROP DATABASE IF EXISTS {self.name_in_server} WITH (FORCE)")

    def psql(self, url, query):
        done = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-F", self.FIELD, "-R", self.RECORD,
                               "-P", f"null={self.NULL}", "-d", url, "-c", query],
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"psql {query!r}: exit {done.returncode}: {done.stderr.strip()}")
        return done.stdout

    def rows(self, query):
        out = self.psql(self.database, query).rstrip("\n")
        return [tuple(None if f == self.NULL else f for f in record.split(self.FIELD))
                for record in out.split(self.RECORD) if record]

    @staticmethod
    def number(text):
        return None if text is None else int(text)

    def integrity(self):
        """'ok', or what is wrong. PostgreSQL has no PRAGMA integrity_check, and a kill ends only its client (the
        server rolls the open transaction back): a fresh connection must be accepted and read every table the
        checks look at; whether the rows agree with each other is partial_versions'."""
        try:
            counts = self.rows("SELECT (SELECT count(*) FROM job), (SELECT count(*) FROM model), "
                               "(SELECT count(*) FROM model_version), (SELECT count(*) FROM dataset)")
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
            return f"no fresh connection, or a table does not read: {error}"
        return "ok" if len(counts) == 1 and all(c is not None for c in counts[0]) else f"unexpected {counts}"

    @staticmethod
    def job_id(metadata):
        """PostgreSQL keeps a version's job id in its metadata JSON (keys as SQLite's columns)."""
        try:
            return json.loads(metadata).get("job_id")
        except (TypeError, ValueError, AttributeError):
            return None

    def versions(self):
        return [(name, int(version), self.job_id(metadata))
                for name, version, metadata in self.rows("SELECT name, version, metadata FROM model_version")]

    def version_rows(self):
        # The metrics are a member of the metadata JSON: that whole text must parse.
        return [(name, int(version), int(outputs), self.number(weights), self.number(biases), metadata,
                 self.job_id(metadata))
                for name, version, outputs, weights, biases, metadata in self.rows(
                    "SELECT name, version, output_count, octet_length(weights), octet_length(biases), metadata "
                    "FROM model_version")]

    def jobs(self):
        return {i: (status, name, self.number(version)) for i, status, name, version
                in self.rows("SELECT id, status, model_name, model_version FROM job")}

    def models(self):
        return [(name, int(last)) for name, last in self.rows("SELECT name, last_version FROM model")]

    def dataset_names(self):
        return [n for (n,) in self.rows("SELECT name FROM dataset")]


def database_state(database):
    """Integrity, the versions (name, version, job id), {job id: status}, and the succeeded jobs with their model."""
    jobs = database.jobs()
    succeeded_with_model = [(i, name, version) for i, (status, name, version) in jobs.items()
                            if status == "succeeded"]
    return (database.integrity(), database.versions(), {i: status for i, (status, _, _) in jobs.items()},
            succeeded_with_model)


def partial_versions(database):
    """Versions that are not whole: blobs of the wrong size, unreadable JSON, a job that does not point back."""
    problems = []
    rows = database.version_rows()
    jobs = database.jobs()
    for name, version, outputs, weights, biases, metrics, job_id in rows:
        # Float32 weights: features x outputs for the linear models, more (a hidden layer) for the MLP.
        if not weights or weights % 4 or weights < 4 * outputs or biases < 4 * outputs or biases % 4:
            problems.append((name, version, "blobs", weights, biases))
        try:
            json.loads(metrics) if metrics else None
        except ValueError:
            problems.append((name, version, "metrics"))
        if job_id is not None:
            job = jobs.get(job_id)
            if job != ("succeeded", name, version):
                problems.append((name, version, "job", job))
    produced = [job_id for *_, job_id in rows if job_id is not None]
    for job_id in {j for j in produced if produced.count(j) > 1}:
        problems.append(("job", job_id, "has more than one version"))
    for name, last in database.models():
        numbers = [v for n, v, *_ in rows if n == name]
        if not numbers or max(numbers) > last:
            problems.append((name, "model row", last, numbers))
    return problems




def data_directory(work):
    """The repository's data sets, linked into a folder of the check's own, where uploads may leave what they will."""
    folder = os.path.join(work, "data")
    os.makedirs(folder)
    for name in os.listdir(os.path.join(ROOT, "data")):
        if not name.startswith("."):
            os.symlink(os.path.join(ROOT, "data", name), os.path.join(folder, name))
    return folder


def fault_point(binary, backend, point):
    """One named point on a fresh database of the backend (SQLite or PostgreSQL, a class above): kill there, then
    check what is left and what the restart does."""
    work = tempfile.mkdtemp(prefix=f"logit-fault-{backend.name}-{point}-")
    database = backend(work)
    server = Server(binary, database.database, database.log)
    data = data_directory(work)
    name = f"{backend.name} {point}"
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
        log = open(database.log).read()
        check(f"{name}: the process died by SIGKILL at the point", code == -signal.SIGKILL
              and f"fault point {point}" in log, f"exit {code}")

        integrity, versions, jobs, _ = database_state(database)
        check(f"{name}: integrity ok", integrity == "ok", integrity)
        problems = partial_versions(database)
        check(f"{name}: no partial version", not problems, problems)
        stored = [(n, v) for n, v, _ in versions]
        if upload:
            names = database.dataset_names()
            check(f"{name}: the upload is not stored", "upload" not in names, names)
        elif point == "version-after-commit":
            check(f"{name}: committed: the job succeeded with its version", jobs.get(job["id"]) == "succeeded"
                  and ("hit", 1) in stored, (jobs, stored))
        else:
            check(f"{name}: not committed: no version, the job still running", jobs.get(job["id"]) == "running"
                  and not any(n == "hit" for n, _ in stored), (jobs, stored))

        server.start(LOGIT_DATA_DIRECTORY=data)
        after = server.raw("POST", "/models/keep/versions/1/predict", digit)
        check(f"{name}: the earlier version answers byte for byte as before", after == before and before[0] == 200,
              f"{before} != {after}")
        if upload:
            listed = [d["name"] for d in server.call("GET", "/datasets")["datasets"]]
            check(f"{name}: the killed upload is not listed", "upload" not in listed, listed)
            status, body = server.raw("POST", upload_path, csv.encode(), content_type="text/csv")
            check(f"{name}: the same name uploads again", status == 201, f"{status} {body[:200]}")
        else:
            finished = server.wait_for(job["id"], {"succeeded", "failed", "cancelled"}, timeout=120)
            attempt = 1 if point == "version-after-commit" else 2
            model = server.call("GET", "/models/hit")
            check(f"{name}: the job is marked: succeeded on attempt {attempt}, with the model's one version",
                  finished["status"] == "succeeded" and finished["attempt"] == attempt
                  and model["version_count"] == 1
                  and finished["model"] == {"name": "hit", "version": model["latest_version"]},
                  (finished, model))
            problems = partial_versions(database)
            check(f"{name}: after the restart, every version whole", not problems, problems)
    finally:
        if server.process and server.process.poll() is None:
            server.process.kill()
            server.process.wait()
        database.drop()
    print(f"   ({name}: {time.time() - started:.1f} s)")


def fault_points(binary):
    """Each point of each backend: SQLite always, PostgreSQL when LOGIT_TEST_POSTGRES_URL names a server."""
    backends = [SQLite]
    if os.environ.get("LOGIT_TEST_POSTGRES_URL"):
        backends.append(PostgreSQL)
    else:
        print("skipped postgres fault points: LOGIT_TEST_POSTGRES_URL is not set (make test sets it)")
    for backend in backends:
        before, started = dict(results), time.time()
        for point in backend.points:
            try:
                fault_point(binary, backend, point)
            except (OSError, RuntimeError, ValueError, KeyError, urllib.error.URLError, http.client.HTTPException,
                    subprocess.SubprocessError) as error:
                check(f"{backend.name} {point}: ran to its end", False, f"{type(error).__name__}: {error}")
        print(f"fault points on {backend.name}: {results['passed'] - before['passed']} passed, "
              f"{results['failed'] - before['failed']} failed, {time.time() - started:.1f} s")


def main():
    binary = sys.argv[1]
    began = time.time()
    if "--fault-points-only" in sys.argv[2:]:
        fault_points(binary)
        print(f"durability: {results['passed']} passed, {results['failed']} failed, {time.time() - began:.1f} s")
        sys.exit(1 if results["failed"] else 0)
    work = tempfile.mkdtemp(prefix="logit-durability-")
    database = SQLite(work)
    digit = json.load(open(os.path.join(ROOT, "examples/digit-7.json")))
    server = Server(binary, database.database, database.log)
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

        # 1b. kill -9 in the middle of a sweep's path: the path's job runs again (attempt 2), skips the points
        # already stored, and the sweep ends with one version per point.
        sweep = server.call("POST", "/sweeps", {
            "name": "swept", "base": {"train_size": 3000, "optimizer": "lbfgs", "epochs": 30},
            "grid": {"regularization.lambda": {"log_space": [1e-1, 1e-5, 8]}}, "promote": "best"})["sweep"]
        deadline = time.time() + 120
        while time.time() < deadline:
            state = server.call("GET", f"/sweeps/{sweep['id']}")
            if state["progress"]["done"] >= 2 or state["status"] in ("succeeded", "failed", "cancelled"):
                break
            time.sleep(0.05)
        done_before = {p["index"]: p["model"]["version"] for p in state["points"] if p.get("model")}
        server.kill()
        check("sweep: killed with part of its path stored", 0 < len(done_before) < 8
              and state["status"] == "running", (len(done_before), state["status"]))
        integrity, _, _, _ = database_state(database)
        check("sweep: integrity after kill -9", integrity == "ok", integrity)
        server.start()
        deadline = time.time() + 180
        while time.time() < deadline:
            state = server.call("GET", f"/sweeps/{sweep['id']}")
            if state["status"] in ("succeeded", "failed", "cancelled"):
                break
            time.sleep(0.1)
        sweep_jobs = set(state["jobs"])
        path_job = server.call("GET", f"/jobs/{state['jobs'][0]}")
        model = server.call("GET", "/models/swept")
        versions = model["versions"]
        stored = {p["index"]: p["model"]["version"] for p in state["points"] if p.get("model")}
        check("sweep: after the restart its job ran again and the sweep succeeded",
              state["status"] == "succeeded" and path_job["attempt"] == 2, (state["status"], path_job["attempt"]))
        check("sweep: every point stored once, those done before the kill kept",
              len(stored) == 8 and len(versions) == 8 and len(set(stored.values())) == 8
              and all(stored[i] == v for i, v in done_before.items()), (done_before, stored, len(versions)))
        check("sweep: the best point aliased", model["aliases"].get("best") == state["best"]["model"]["version"],
              (model["aliases"], state["best"]))

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
            # A sweep's path job stores one version per point; every other job one.
            produced = [job_id for _, _, job_id in versions if job_id is not None and job_id not in sweep_jobs]
            ok &= len(produced) == len(set(produced))
            for name, version, job_id in versions:
                ok &= job_id is None or jobs.get(job_id) == "succeeded"
            for job_id, model_name, model_version in succeeded:
                if job_id in sweep_jobs:
                    continue  # a sweep's versions are its points' (checked above), not the job row's
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
    print(f"durability: {results['passed']} passed, {results['failed']} failed, {time.time() - began:.1f} s")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
