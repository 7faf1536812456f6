#!/usr/bin/env python3
"""The changing side of scripts/soak.sh's load, run beside wrk's /predict: until a deadline, a training job every
few seconds (each on the model `soak`, waited for, then a pause), the alias `stable` moved to each new version,
versions beyond the newest three deleted (never the one `stable` names), and a small CSV data set uploaded every
30 seconds. Every answer's status is counted; at the end a JSON summary goes to stdout.

Usage: scripts/soak_traffic.py BASE_URL SECONDS
"""
import collections
import http.client
import json
import sys
import time
import urllib.parse

base = urllib.parse.urlparse(sys.argv[1])
deadline = time.time() + float(sys.argv[2])
statuses = collections.Counter()  # (route, status) -> answers
transport_errors = collections.Counter()
counts = collections.Counter()


def call(route, method, path, body=None, content_type="application/json"):
    """The answer's status and parsed body, or (None, None) after a transport error (counted)."""
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=60)
    try:
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers={"Content-Type": content_type})
        response = connection.getresponse()
        raw = response.read()
        statuses[(route, response.status)] += 1
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, None
    except (OSError, http.client.HTTPException) as error:
        transport_errors[f"{route}: {type(error).__name__}"] += 1
        return None, None
    finally:
        connection.close()


def train_once():
    status, body = call("POST /train", "POST", "/train", {"name": "soak", "train_size": 2000, "optimizer": "sgd",
                                                          "batch_size": 100, "epochs": 1})
    if status != 201 and status != 202:
        return None
    job_id = body["job"]["id"]
    while time.time() < deadline + 120:
        status, job = call("GET /jobs/{id}", "GET", f"/jobs/{job_id}")
        if job and job["status"] in ("succeeded", "failed", "cancelled"):
            counts[f"jobs {job['status']}"] += 1
            return job
        time.sleep(0.25)
    return None


def move_alias_and_delete(job):
    if not job or job["status"] != "succeeded":
        return
    newest = job["model"]["version"]
    status, _ = call("PUT /models/{name}/aliases/{alias}", "PUT", "/models/soak/aliases/stable", {"version": newest})
    counts["alias moves"] += status == 200
    # Versions numbered below the newest three go, except 1 (never trained here) and whatever `stable` names.
    for version in range(2, newest - 2):
        if version in deleted:
            continue
        status, _ = call("DELETE /models/{name}/versions/{version}", "DELETE", f"/models/soak/versions/{version}")
        deleted.add(version)
        counts["version deletes"] += status in (200, 204)


deleted = set()
next_upload = time.time()
uploads = 0
while time.time() < deadline:
    job = train_once()
    move_alias_and_delete(job)
    if time.time() >= next_upload:
        uploads += 1
        rows = "".join(f"{(i * 7 + uploads) % 13},{(i * 3) % 11},{i % 5},{i % 2}\n" for i in range(400))
        status, _ = call("POST /datasets", "POST", f"/datasets?name=soak-{uploads}&format=csv&label_column=3",
                         rows.encode(), content_type="text/csv")
        counts["uploads"] += status == 201
        call("GET /datasets", "GET", "/datasets")
        next_upload = time.time() + 30
    time.sleep(3)

print(json.dumps({
    "answers": sum(statuses.values()),
    "5xx": sum(n for (_, status), n in statuses.items() if status >= 500),
    "transport_errors": sum(transport_errors.values()),
    "by_route": {f"{route} {status}": n for (route, status), n in sorted(statuses.items())},
    "transport_error_kinds": dict(transport_errors),
    **counts,
}))
