#!/usr/bin/env python3
"""Three replicas of `logit serve` on one PostgreSQL behind nginx, each started as a user starts it.

0. Started together on an empty database, the replicas queue exactly one default job.
a. Train, poll and predict through the balancer.
b. kill -9 the replica running a long job: another replica runs it again from the start (attempt 2) after the lease
   expires, and it stores exactly one version.
c. Cancel a running job through a replica that does not run it: it is cancelled within 3 s and stops.
d. An alias moved through one replica is read, and predicted by, on the other two within 1 s.
e. The events of a job, streamed from a replica that does not run it: its curve points as they come, then its status.
f. PostgreSQL stopped and started again: readiness goes 503 then 200, requests that need the database answer 503
   with Retry-After meanwhile, /predict of a loaded model answers 200 throughout, and no model, version or job is
   lost.
No answer in the whole run may be a 500.

The database is a cluster of scripts/postgres-throwaway.sh of this check's own (step f stops and starts its server,
so it leaves alone the one LOGIT_TEST_POSTGRES_URL names); nginx runs from deploy/nginx/nginx.conf.template.

Usage: scripts/check_replicas.py [PATH/TO/logit]   (default .build/debug/logit)
"""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POSTGRES_SCRIPT = os.path.join(ROOT, "scripts", "postgres-throwaway.sh")
NGINX_TEMPLATE = os.path.join(ROOT, "deploy", "nginx", "nginx.conf.template")
NGINX_PROXY_CONF = os.path.join(ROOT, "deploy", "nginx", "logit-proxy.conf")
LEASE_SECONDS = 3
TERMINAL = {"succeeded", "failed", "cancelled"}
# Jobs of known length on this kind of machine: a small one of about a second, full-batch gradient descent for long.
SMALL = {"name": "small", "train_size": 2000, "optimizer": "sgd", "batch_size": 100, "epochs": 1}
LONG_EPOCHS = 400      # about 8 s: long enough to be killed while it runs, short enough to run twice
EVENTS_EPOCHS = 200    # a curve point every 5 iterations, over a few seconds
OUTAGE_SECONDS = 3     # PostgreSQL stays down at least this long, while /predict is called every 0.1 s

results = {"passed": 0, "failed": 0}
server_errors = []     # every 5xx answer but 503


class Failure(Exception):
    pass


def check(name, condition, detail=""):
    results["passed" if condition else "failed"] += 1
    print(("ok " if condition else "FAILED ") + name + ("" if condition else f": {detail}"), flush=True)
    return condition


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, timeout=30):
    """(status, headers, decoded JSON body or None); connection failures raise OSError."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, error.headers, error.read()
    if status >= 500 and status != 503:
        server_errors.append(f"{method} {path} on port {port}: {status} {raw[:200]!r}")
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = None
    return status, headers, payload


def call(port, method, path, body=None, expect=(200,), timeout=30):
    status, _, payload = request(port, method, path, body, timeout)
    if status not in expect:
        raise Failure(f"{method} {path} on port {port} answered {status}: {payload}")
    return payload


def wait_until(what, predicate, timeout, interval=0.05):
    """Calls predicate until it returns something true, and returns that; Failure after timeout seconds."""
    deadline = time.time() + timeout
    while True:
        try:
            value = predicate()
        except (OSError, http.client.HTTPException):
            value = None
        if value:
            return value
        if time.time() > deadline:
            raise Failure(f"{what}: not within {timeout} s")
        time.sleep(interval)


def postgres(command, directory):
    done = subprocess.run(["bash", POSTGRES_SCRIPT, command, directory], capture_output=True, text=True)
    if done.returncode != 0:
        raise Failure(f"postgres-throwaway.sh {command}: {done.stderr.strip()}")
    return done.stdout.strip()


class Replica:
    def __init__(self, binary, database_url, replica_id, work):
        self.binary, self.database_url, self.id = binary, database_url, replica_id
        self.port = free_port()
        self.log_path = os.path.join(work, replica_id + ".log")
        self.process = None

    def start(self):
        environment = dict(os.environ, LOGIT_REPLICA_ID=self.id, LOGIT_JOB_LEASE_SECONDS=str(LEASE_SECONDS))
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--database", self.database_url, "--port", str(self.port),
             "--data-dir", os.path.join(ROOT, "data")],
            cwd=ROOT, env=environment, stdout=log, stderr=log)
        log.close()

    def wait_ready(self, timeout=60):
        def ready():
            if self.process.poll() is not None:
                raise Failure(f"{self.id} exited with {self.process.returncode}; see {self.log_path}")
            return request(self.port, "GET", "/healthz/ready", timeout=2)[0] == 200
        wait_until(f"{self.id} ready", ready, timeout)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Nginx:
    def __init__(self, work, replicas):
        self.prefix = os.path.join(work, "nginx")
        os.makedirs(os.path.join(self.prefix, "tmp"))
        # Run as root, nginx's workers take another user, which must reach its temporary folders.
        for folder in (work, self.prefix, os.path.join(self.prefix, "tmp")):
            os.chmod(folder, 0o755)
        self.port = free_port()
        upstreams = "\n".join(f"        server 127.0.0.1:{r.port} max_fails=1 fail_timeout=5s;" for r in replicas)
        conf = open(NGINX_TEMPLATE).read()
        for key, value in (("PREFIX", self.prefix), ("LISTEN", f"127.0.0.1:{self.port}"),
                           ("UPSTREAMS", upstreams), ("PROXY_CONF", NGINX_PROXY_CONF)):
            conf = conf.replace(f"@{key}@", value)
        self.conf = os.path.join(self.prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.process = None

    def start(self):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen([binary, "-p", self.prefix, "-e", os.path.join(self.prefix, "error.log"),
                                         "-c", self.conf], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

        def up():
            if self.process.poll() is not None:
                raise Failure(f"nginx exited; see {self.prefix}/error.log")
            return request(self.port, "GET", "/healthz/live", timeout=2)[0] == 200
        wait_until("nginx answering", up, 10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Cluster:
    def __init__(self, binary, work, pg_dir, database_url):
        self.work, self.pg_dir = work, pg_dir
        self.replicas = [Replica(binary, database_url, f"replica{i}", work) for i in (1, 2, 3)]
        self.nginx = Nginx(work, self.replicas)
        self.digit = json.load(open(os.path.join(ROOT, "examples", "digit-7.json")))
        self.last_seen = {}  # job id -> the job as last read, for failure messages

    @property
    def balancer(self):
        return self.nginx.port

    def replica(self, replica_id):
        for replica in self.replicas:
            if replica.id == replica_id:
                return replica
        raise Failure(f"a job names the replica {replica_id!r}, which is none of this check's")

    def others(self, replica_id):
        return [r for r in self.replicas if r.id != replica_id and r.alive()]

    def job(self, job_id, port=None):
        job = call(port or self.balancer, "GET", f"/jobs/{job_id}")
        self.last_seen[job_id] = job
        return job

    def wait_job(self, what, job_id, condition, timeout, interval=0.1):
        """The job once condition(job) holds; the Failure names its last state."""
        try:
            return wait_until(what, lambda: (lambda j: j if condition(j) else None)(self.job(job_id)), timeout,
                              interval)
        except Failure as failure:
            raise Failure(f"{failure}; last seen: {self.last_seen.get(job_id)}") from None

    def submit(self, body, port=None):
        status, headers, payload = request(port or self.balancer, "POST", "/train", body)
        if status != 202:
            raise Failure(f"POST /train {body} answered {status}: {payload}")
        job = payload["job"]
        location = headers.get("Location")
        if location != f"/jobs/{job['id']}":
            raise Failure(f"POST /train: Location {location!r} for job {job['id']}")
        return job

    def wait_finished(self, job_id, timeout=120):
        return self.wait_job(f"job {job_id} finished", job_id, lambda j: j["status"] in TERMINAL, timeout)

    def wait_running(self, job_id, timeout=60):
        """The job once it is running with a replica named; its replica."""
        job = self.wait_job(f"job {job_id} running", job_id, lambda j: j["status"] == "running" and j.get("replica"),
                            timeout, interval=0.02)
        return job, self.replica(job["replica"])

    def predict(self, port, model, version=None, timeout=30):
        body = dict(self.digit, model=model)
        if version is not None:
            body["version"] = version
        return request(port, "POST", "/predict", body, timeout)

    def snapshot(self):
        """Every model's version numbers and every job's status, read through the balancer."""
        models = {}
        for model in call(self.balancer, "GET", "/models")["models"]:
            detail = call(self.balancer, "GET", f"/models/{model['name']}")
            models[model["name"]] = sorted(v["version"] for v in detail["versions"])
        jobs = {j["id"]: j["status"] for j in call(self.balancer, "GET", "/jobs?limit=1000")["jobs"]}
        return models, jobs

    # 0
    def first_run(self):
        jobs = wait_until("a first-run job", lambda: call(self.balancer, "GET", "/jobs")["jobs"], 15)
        time.sleep(1.5)  # time for a replica that would queue a second one
        jobs = call(self.balancer, "GET", "/jobs")["jobs"]
        check("0 first run: three replicas started together queue exactly one default job", len(jobs) == 1,
              [(j["id"], j["request"].get("name"), j.get("replica")) for j in jobs])
        for job in jobs:
            job = self.wait_finished(job["id"])
            if job["status"] == "succeeded":
                count = call(self.balancer, "GET", f"/models/{job['model']['name']}")["version_count"]
                check("0 first run: the default model has exactly one version", count == 1, count)

    # a
    def train_and_predict(self):
        job = self.submit(SMALL)
        job = self.wait_finished(job["id"])
        check("a: a job submitted through nginx succeeds, run by a replica, attempt 1",
              job["status"] == "succeeded" and job.get("replica") in {r.id for r in self.replicas}
              and job.get("attempt") == 1, job)
        answers = [self.predict(self.balancer, "small") for _ in range(2 * len(self.replicas))]
        check("a: /predict through nginx answers with small version 1, on every replica in turn",
              all(status == 200 and body["model"] == {"name": "small", "version": 1}
                  for status, _, body in answers), [(s, b) for s, _, b in answers])

    # b
    def kill_the_runner(self):
        job = self.submit({"name": "long", "optimizer": "gd", "epochs": LONG_EPOCHS})
        job, victim = self.wait_running(job["id"])
        time.sleep(0.5)
        victim.kill()
        killed_at = time.time()
        print(f"   killed {victim.id} (pid {victim.process.pid}) while it ran job {job['id']}", flush=True)
        try:
            taken = self.wait_job("the job run again elsewhere", job["id"],
                                  lambda j: (j.get("attempt") or 0) >= 2 and j["status"] != "queued",
                                  LEASE_SECONDS * 3 + 30)
            print(f"   {taken.get('replica')} took it over {time.time() - killed_at:.1f} s after the kill", flush=True)
            check("b: after the lease expires another replica runs the killed job again (attempt 2)",
                  taken.get("replica") != victim.id and taken.get("attempt") == 2, taken)
            final = self.wait_finished(job["id"], timeout=180)
            check("b: the job succeeds on that replica at attempt 2",
                  final["status"] == "succeeded" and final.get("attempt") == 2 and final.get("replica") != victim.id,
                  final)
            detail = call(self.balancer, "GET", "/models/long")
            check("b: exactly one version of the job's model, from that job",
                  detail["version_count"] == 1 and [v["job_id"] for v in detail["versions"]] == [job["id"]], detail)
            steps = [p["step"] for p in call(self.balancer, "GET", "/models/long/versions/1/curves")["points"]]
            check("b: its curve is one run's (steps strictly increasing)",
                  steps and all(a < b for a, b in zip(steps, steps[1:])), steps)
        finally:
            # The later steps need three replicas: it restarts under its own id, as a supervisor would restart it.
            victim.start()
            victim.wait_ready()

    # c
    def cancel_elsewhere(self):
        job = self.submit({"name": "cancelled", "optimizer": "gd", "epochs": 1000})
        job, runner = self.wait_running(job["id"])
        other = self.others(runner.id)[0]
        started = time.time()
        call(other.port, "POST", f"/jobs/{job['id']}/cancel")
        try:
            wait_until("cancelled", lambda: self.job(job["id"], other.port)["status"] == "cancelled", 3)
            check(f"c: cancelled through {other.id} while {runner.id} ran it: cancelled in "
                  f"{time.time() - started:.2f} s", True)
        except Failure:
            check("c: a job cancelled through another replica is cancelled within 3 s", False,
                  self.job(job["id"], other.port))
            return
        first = self.job(job["id"], runner.port)
        time.sleep(1.0)
        second = self.job(job["id"], runner.port)
        check("c: its runner reports it cancelled, and its progress has stopped",
              first["status"] == "cancelled" and first["progress"] == second["progress"], (first, second))
        status, _, _ = request(self.balancer, "GET", "/models/cancelled")
        check("c: the cancelled job stored no version", status == 404, status)

    # d
    def alias_everywhere(self):
        job = self.wait_finished(self.submit(SMALL)["id"])
        if job["status"] != "succeeded" or job["model"] != {"name": "small", "version": 2}:
            raise Failure(f"a second version of small: {job}")
        writer, *readers = [r for r in self.replicas if r.alive()]

        def readers_see(version):
            for reader in readers:
                aliases = call(reader.port, "GET", "/models/small")["aliases"]
                status, _, body = request(reader.port, "POST", "/models/small/versions/champion/predict", self.digit)
                if aliases.get("champion") != version or status != 200 or body["model"]["version"] != version:
                    return False
            return True

        call(writer.port, "PUT", "/models/small/aliases/champion", {"version": 1})
        wait_until("the alias champion -> 1 on the other replicas", lambda: readers_see(1), 1.0)
        started = time.time()
        call(writer.port, "PUT", "/models/small/aliases/champion", {"version": 2})
        try:
            wait_until("the moved alias", lambda: readers_see(2), 1.0)
            check(f"d: an alias moved through {writer.id} is read and predicted by on "
                  f"{', '.join(r.id for r in readers)} after {time.time() - started:.2f} s", True)
        except Failure as failure:
            check("d: an alias moved through one replica is read on the other two within 1 s", False, failure)

    # e
    def events_elsewhere(self):
        job = self.submit({"name": "events", "optimizer": "gd", "epochs": EVENTS_EPOCHS})
        job, runner = self.wait_running(job["id"])
        other = self.others(runner.id)[0]
        points, status, event = [], None, {}
        req = urllib.request.Request(f"http://127.0.0.1:{other.port}/jobs/{job['id']}/events")
        with urllib.request.urlopen(req, timeout=60) as stream:
            for raw in stream:
                line = raw.decode().rstrip("\r\n")
                if line:
                    field, _, value = line.partition(":")
                    event[field] = value[1:] if value.startswith(" ") else value
                    continue
                if event.get("event") == "point":
                    points.append((time.time(), int(event["id"]), json.loads(event["data"])))
                elif event.get("event") == "status":
                    status = (time.time(), json.loads(event["data"]))
                    break
                event = {}
        check(f"e: {other.id} streams the points of the job {runner.id} runs, then its status",
              len(points) >= 2 and status is not None and status[1]["status"] == "succeeded",
              (len(points), status))
        if status is None or not points:
            return
        ids = [i for _, i, _ in points]
        check("e: the points' ids increase, none repeated", all(a < b for a, b in zip(ids, ids[1:])), ids)
        live = [t for t, _, _ in points if t < status[0] - 0.5]
        check("e: points arrive while the job runs, not all at its end", bool(live),
              f"{len(points)} points, the first {status[0] - points[0][0]:.2f} s before the status")
        stored = [p["step"] for p in call(self.balancer, "GET", "/models/events/versions/1/curves")["points"]]
        streamed = [p["step"] for _, _, p in points]
        check("e: the stream held every stored curve point", streamed == stored,
              f"steps streamed {streamed}, stored {stored}")

    # f
    def database_restart(self):
        for replica in self.replicas:
            status, _, _ = self.predict(replica.port, "small", 1)
            if status != 200:
                raise Failure(f"warming {replica.id}'s cache: /predict answered {status}")
        before = self.snapshot()
        predictions = {"answers": 0, "wrong": []}

        def predict_everywhere():
            for port in [r.port for r in self.replicas] + [self.balancer]:
                try:
                    status, _, body = self.predict(port, "small", 1, timeout=5)
                    ok = status == 200 and body["model"] == {"name": "small", "version": 1}
                except (OSError, http.client.HTTPException) as error:
                    status, ok = repr(error), False
                predictions["answers"] += 1
                if not ok:
                    predictions["wrong"].append((port, status))

        seen = {}  # replica id -> its last readiness answer, for failure messages

        def readiness(expected):
            predict_everywhere()
            for replica in self.replicas:
                try:
                    seen[replica.id] = request(replica.port, "GET", "/healthz/ready", timeout=5)[0]
                except (OSError, http.client.HTTPException) as error:
                    seen[replica.id] = repr(error)
            return all(status == expected for status in seen.values())

        postgres("down", self.pg_dir)
        stopped = time.time()
        try:
            try:
                wait_until("readiness 503", lambda: readiness(503), 30, interval=0.1)
                check(f"f: readiness answers 503 on every replica {time.time() - stopped:.1f} s after PostgreSQL "
                      "stopped", True)
            except Failure as failure:
                check("f: readiness answers 503 on every replica while PostgreSQL is down", False,
                      f"{failure}; last answers: {seen}")
            for method, path, body in (("GET", "/jobs", None), ("POST", "/train", SMALL)):
                try:
                    status, headers, payload = request(self.replicas[0].port, method, path, body, timeout=10)
                    detail = (status, dict(headers), payload)
                    ok = status == 503 and headers.get("Retry-After")
                except (OSError, http.client.HTTPException) as error:
                    ok, detail = False, repr(error)
                check(f"f: {method} {path} without the database answers 503 with Retry-After", ok, detail)
            while time.time() < stopped + OUTAGE_SECONDS:
                predict_everywhere()
                time.sleep(0.1)
        finally:
            postgres("up", self.pg_dir)
        started = time.time()
        try:
            wait_until("readiness 200", lambda: readiness(200), 60, interval=0.1)
            check(f"f: readiness answers 200 again on every replica {time.time() - started:.1f} s after "
                  "PostgreSQL started", True)
        except Failure as failure:
            check("f: readiness answers 200 again once PostgreSQL is back", False, f"{failure}; last answers: {seen}")
        check(f"f: /predict of a loaded model answered 200 throughout ({predictions['answers']} requests)",
              not predictions["wrong"], predictions["wrong"][:10])
        after = self.snapshot()
        check("f: every model, version and job is still there", after == before, (before, after))
        job = self.wait_finished(self.submit(dict(SMALL, name="after-restart"))["id"], timeout=60)
        check("f: a job submitted afterwards runs and succeeds", job["status"] == "succeeded", job)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/logit"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix="logit-replicas-")
    # Its own folder under /tmp: the cluster's owner (postgres, when run as root) must reach it.
    pg_dir = tempfile.mkdtemp(prefix="logit-replicas-pg-", dir="/tmp")
    cluster = None
    try:
        database_url = postgres("start", pg_dir)
        print(f"   PostgreSQL {database_url}; logs in {work}", flush=True)
        cluster = Cluster(binary, work, pg_dir, database_url)
        for replica in cluster.replicas:
            replica.start()
        for replica in cluster.replicas:
            replica.wait_ready()
        cluster.nginx.start()
        for step in (cluster.first_run, cluster.train_and_predict, cluster.kill_the_runner, cluster.cancel_elsewhere,
                     cluster.alias_everywhere, cluster.events_elsewhere, cluster.database_restart):
            try:
                step()
            except (Failure, OSError, http.client.HTTPException, KeyError, TypeError, ValueError) as error:
                check(f"{step.__name__} ran to its end", False, f"{type(error).__name__}: {error}")
        check("no answer was a 500", not server_errors, server_errors[:10])
    except Failure as failure:
        check("the replicas started", False, failure)
    finally:
        if cluster:
            for replica in cluster.replicas:
                replica.stop()
            cluster.nginx.stop()
        try:
            postgres("stop", pg_dir)
        except Failure as failure:
            print(f"   {failure}", flush=True)
        if results["failed"] and cluster:
            for path in [r.log_path for r in cluster.replicas] + [os.path.join(cluster.nginx.prefix, "error.log")]:
                if os.path.exists(path):
                    print(f"--- last lines of {path}")
                    print("".join(open(path, errors="replace").readlines()[-25:]), end="")
            print(f"   logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"replicas: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
