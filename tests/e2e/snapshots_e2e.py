#!/usr/bin/env python3
"""End-to-end: `flink snapshots` on savepoints and retained checkpoints real Flink wrote, on the S3
server and in a local directory.

Started by tests/e2e/run-e2e.sh (suite main) right after s3_inspect.py, on the same cluster and S3
server, with the moto venv's python (boto3); reads the cluster's cluster.env (FLINK_CLUSTER_ENV)
and the S3 server's s3.env like s3_inspect.py, whose helpers it imports. Our client is OUR_FLINK,
with a conf dir of its own: STORAGE_CONF names no JobManager, JM_CONF the cluster's REST address.

  1. Reuses what s3_inspect.py left on S3 (found by job name in /jobs/overview): job A's canonical,
     native and stop-savepoint in s3://flink-state/savepoints, the retained chk-N of B (hashmap)
     and C (RocksDB incremental) in s3://flink-state/checkpoints, and its orphan directory (a
     directory marker and a state file, no _metadata) under s3://flink-state/e2e-orphan.
  2. Authentication off (Flink's S3A cannot pass moto's signature check), jobs of tests/flink-job:
       D1  RocksDB incremental, checkpoints every second into <scratch>/local/checkpoints,
           retained on cancellation; a canonical and a native savepoint into <scratch>/local/savepoints;
       E   hashmap, --without-mapper (another job graph), checkpoints into the same local dir;
       K1, K2  a savepoint that outlives its timeout (--snapshot-sleep-ms 10000,
           execution.checkpointing.timeout 7 s) into s3://flink-state/e2e-snapshots/savepoints and
           into <scratch>/local/savepoints: listed while it is in progress (no _metadata yet) and
           again once it expired and the job was cancelled (what Flink left, if anything).
     Restores with the path `snapshots --latest -q <root>/<jobId>` prints: B2 from B's chk-N on S3,
     D2 from D1's on the local disk (the job runs, latest.restored is that path; each writes and
     retains a checkpoint of its own). Then by hand: one state file deleted from a server-side copy
     of A's canonical savepoint (s3://flink-state/e2e-snapshots/savepoints/), from B2's retained
     chk-N (relative), from a local copy of D1's canonical savepoint, and one shared/ file from
     D2's retained chk-N (referenced by an absolute path).
  3. Authentication ON (SigV4 with the IAM key from -D s3.* keys), then the local directory:
     `snapshots -o json` of the roots: every snapshot of these jobs is listed once, with the
     status it has (complete, incomplete with one missing file, no_metadata), kind, job id or
     prefix, checkpoint id, format and type as the JobManager's /jobs/:id/checkpoints reported
     them, metadata version 4 (1.20) or 6 (2.x), size and object count as in storage; sorted by
     time; `-q` prints the same paths in the same order; one fingerprint for every snapshot of
     the sample job (A, B, C, B2, D1, D2) and another for E. `--latest -q <ckdir>/<jobId>` is the
     JobManager's latest.completed path (and exit 4 once B2's only chk-N lost a file); `--job-id`
     with -m takes the JobManager's answer (latest_source, and stderr says so), without a
     JobManager the storage's (and when its latest lost a file, stderr says so and storage has
     none: 4); without a root, the configured directories; a root that is one snapshot, its
     _metadata, or a job's checkpoint directory (C's chk-N finds its shared/ files outside the
     root), s3a:// with a trailing slash; s3_inspect.py's truncated and huge _metadata are
     unreadable (the huge one not read). Bad input: a root that does not exist (4, also a
     bucket), a root that is a state file (4), a wrong secret (17), a JobManager that does not
     answer (3), --latest with nothing complete (4), --job-id of a job the JobManager does not know
     (it says so; storage's answer).
"""
import datetime
import json
import os
import re
import shutil
import socket
import sys
import time

# s3_inspect re-runs this script with the moto venv's python when boto3 is missing.
from s3_inspect import (BUCKET, ENDPOINT, JAR, KEY, REST_PORT, SECRET, VERSION, WORKSPACE, check, failures,
                        flink, one_line_failure, rest, running, s3client, s3_key, set_auth, wait_until, with_keys)
from side_by_side import CLUSTER, local_path, post_json

SCRATCH = os.path.join(WORKSPACE, "e2e-snapshots")
LOCAL = os.path.join(SCRATCH, "local")                 # the local roots: savepoints/ and checkpoints/
LOCAL_SAVEPOINTS, LOCAL_CHECKPOINTS = os.path.join(LOCAL, "savepoints"), os.path.join(LOCAL, "checkpoints")
HOME = os.path.join(SCRATCH, "home")
STORAGE_CONF = os.path.join(SCRATCH, "conf-storage")   # no JobManager, no S3 keys
JM_CONF = os.path.join(SCRATCH, "conf-jobmanager")     # rest.address/port of the cluster
DIRS_CONF = os.path.join(SCRATCH, "conf-dirs")         # the local roots as the configured directories
S3_SAVEPOINTS, S3_CHECKPOINTS = f"s3://{BUCKET}/savepoints", f"s3://{BUCKET}/checkpoints"
S3_OURS = f"s3://{BUCKET}/e2e-snapshots/savepoints"   # the killed savepoint, copies of A's canonical one
S3_ORPHAN = f"s3://{BUCKET}/e2e-orphan"                # s3_inspect.py's directory without _metadata
METADATA_VERSION = 4 if VERSION.startswith("1.") else 6
SNAPSHOT_SLEEP_MS, SAVEPOINT_TIMEOUT = 10000, "7s"  # in progress for 7 s, then expired
HEX32 = re.compile(r"^[0-9a-f]{32}$")


# --- our client -----------------------------------------------------------------------------------
def ours(*args, conf=JM_CONF, timeout=120):
    return flink(*args, env={"HOME": HOME, "FLINK_CONF_DIR": conf}, timeout=timeout)


def must(*args):
    result = ours(*args)
    if result.returncode != 0:
        raise AssertionError(f"flink {' '.join(args[:3])} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout.strip()


def snapshots(*args, conf=STORAGE_CONF):
    """`flink snapshots -o json args`: (result, document or None)."""
    result = ours("snapshots", "-o", "json", *args, conf=conf)
    try:
        doc = json.loads(result.stdout)
    except ValueError:
        doc = None
    return result, doc


def quiet_paths(*args, conf=STORAGE_CONF):
    result = ours("snapshots", "-q", *args, conf=conf)
    return result, result.stdout.splitlines()


def describe(result):
    return f"exit {result.returncode}: {' | '.join(result.stderr.strip().splitlines())[:300]}"


# --- storage as it is -----------------------------------------------------------------------------
def stored(path):
    """What storage holds under a snapshot directory: (objects, bytes, has _metadata, _metadata time,
    directory markers), directory markers (keys ending in /) not counted as objects."""
    if path.startswith("s3://"):
        prefix, objects, size, markers, meta_time = s3_key(path) + "/", 0, 0, 0, None
        for page in s3client(KEY, SECRET).get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            for obj in page.get("Contents", []):
                if obj["Key"].endswith("/"):
                    markers += 1
                    continue
                objects, size = objects + 1, size + obj["Size"]
                if obj["Key"] == prefix + "_metadata":
                    meta_time = obj["LastModified"].astimezone(datetime.timezone.utc)
        return objects, size, meta_time is not None, meta_time, markers
    objects, size, meta_time = 0, 0, None
    for directory, _, files in os.walk(path):
        for name in files:
            info = os.stat(os.path.join(directory, name))
            objects, size = objects + 1, size + info.st_size
            if directory == path and name == "_metadata":
                meta_time = datetime.datetime.fromtimestamp(info.st_mtime, datetime.timezone.utc)
    return objects, size, meta_time is not None, meta_time, 0


def s3_dirs(prefix):
    """The snapshot-like directories under an s3:// prefix that hold any key (markers included)."""
    s3, key = s3client(KEY, SECRET), s3_key(prefix) + "/"
    found = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=key):
        for obj in page.get("Contents", []):
            match = re.match(r"((?:[0-9a-f]{32}/)?(?:savepoint-[0-9a-f]{6}-[0-9a-f]{12}|chk-\d+))/", obj["Key"][len(key):])
            if match:
                found.add(f"{prefix}/{match.group(1)}")
    return found


def difference(first, second):
    """Where two lists of paths part, for a failure's message ("" when equal)."""
    if first == second:
        return ""
    at = next((i for i, (a, b) in enumerate(zip(first, second)) if a != b), min(len(first), len(second)))
    return (f"; first difference at row {at}: {first[at:at + 2]} vs {second[at:at + 2]}; only in the first "
            f"{sorted(set(first) - set(second))}, only in the second {sorted(set(second) - set(first))}")


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


# --- the JobManager's view ------------------------------------------------------------------------
def newest_job(name):
    jobs = [job for job in rest("/jobs/overview")["jobs"] if job["name"] == name]
    if not jobs:
        raise AssertionError(f"no job named {name!r} on the cluster: run s3_inspect.py first (run-e2e.sh does)")
    return max(jobs, key=lambda job: job["start-time"])["jid"]


def stored_savepoints(job):
    """The job's savepoints the JobManager reported that storage still holds (s3_inspect.py disposes
    of some it took for that)."""
    return {p: e for p, e in history(job).items() if e.get("is_savepoint") and stored(p)[2]}


def history(job):
    """The job's completed snapshots with an external path, by path: the /jobs/:id/checkpoints entry."""
    stats = rest(f"/jobs/{job}/checkpoints")
    entries = [e for e in stats["history"] + [v for v in stats["latest"].values() if v]
               if e.get("external_path") and e.get("status", "COMPLETED") == "COMPLETED"]
    return {e["external_path"]: e for e in entries}


def latest_completed(job):
    return (rest(f"/jobs/{job}/checkpoints")["latest"]["completed"] or {}).get("external_path")


def latest_savepoint_entry(job, path):
    """The /checkpoints entry of the savepoint just taken (the history keeps 10: read it now)."""
    entries = []
    wait_until(lambda: entries.append(rest(f"/jobs/{job}/checkpoints")["latest"]["savepoint"])
               or (entries[-1] or {}).get("external_path") == path, f"{path} in /jobs/{job}/checkpoints", 10)
    return entries[-1]


def submit(name, *args, program=()):
    job = must("run", "-d", "-q", *args, JAR, "--sleep-ms", "5", "--name", name, *program)
    if not HEX32.match(job):
        raise AssertionError(f"run printed {job!r}, not a job id")
    return job


def cancel(*jobs, checkpoints=None):
    """Cancels the jobs; with `checkpoints` (their checkpoint directory) also waits a while for
    Flink to remove the chk-N a cancellation aborted (its files go after the job is CANCELED)."""
    for job in jobs:
        ours("cancel", job)
    for job in jobs:
        wait_until(lambda: rest(f"/jobs/{job}")["state"] in ("CANCELED", "FAILED", "FINISHED"), f"job {job} cancelled")
    deadline = time.monotonic() + 10
    while checkpoints and time.monotonic() < deadline and any(aborted_checkpoints(checkpoints, job) for job in jobs):
        time.sleep(0.25)


def aborted_checkpoints(root, job):
    """The job's chk-N directories without a _metadata (markers included)."""
    if root.startswith("s3://"):
        return sorted(d for d in s3_dirs(f"{root}/{job}") if not stored(d)[2])
    base = os.path.join(root, job)
    return sorted(os.path.join(base, d) for d in (os.listdir(base) if os.path.isdir(base) else [])
                  if d.startswith("chk-") and not os.path.exists(os.path.join(base, d, "_metadata")))


def completed_after(job, count):
    wait_until(lambda: rest(f"/jobs/{job}/checkpoints")["counts"]["completed"] >= count,
               f"{count} completed checkpoint(s) of job {job}", 60)


def storage_args(checkpoint_dir, rocksdb=False):
    args = ["-D", "execution.checkpointing.storage=filesystem",
            "-D", f"execution.checkpointing.dir={checkpoint_dir}",
            "-D", "execution.checkpointing.externalized-checkpoint-retention=RETAIN_ON_CANCELLATION",
            "-D", "execution.checkpointing.data-inline-threshold=0b"]
    if rocksdb:
        args += ["-D", "state.backend.type=rocksdb", "-D", "execution.checkpointing.incremental=true"]
    return args


PERIODIC = ["-D", "execution.checkpointing.interval=1s"]


# --- step 2: Flink writes --------------------------------------------------------------------------
def killed_savepoints_in_progress(killers):
    """Triggers the slow savepoints, lists each root while the savepoint is in progress; returns the
    trigger ids."""
    triggers = {}
    for label, (job, target) in killers.items():
        triggers[label] = post_json(f"/jobs/{job}/savepoints", {"target-directory": target, "cancel-job": False})["request-id"]
    triggers["at"] = time.monotonic()
    for label, (job, target) in killers.items():
        root = target if target.startswith("s3://") else local_path(target)
        name = f"savepoint-{job[:6]}-"

        def in_progress_dir():
            if root.startswith("s3://"):
                dirs = [d for d in s3_dirs(root) if os.path.basename(d).startswith(name)]
                return dirs and stored(dirs[0])[0] >= 1 and dirs[0]  # the source's state file is written
            dirs = [os.path.join(root, d) for d in os.listdir(root) if d.startswith(name)]
            return dirs and stored(dirs[0])[0] >= 1 and dirs[0]
        directory = []
        wait_until(lambda: directory.append(in_progress_dir()) or directory[-1], f"{label}: the savepoint in progress", 30)
        status = rest(f"/jobs/{job}/savepoints/{triggers[label]}")["status"]["id"]
        result, doc = snapshots(*(with_keys() if root.startswith("s3://") else []), root)
        entries = [e for e in (doc or {}).get("snapshots", []) if e["path"] == directory[-1]]
        entry = entries[0] if len(entries) == 1 else {}
        check(result.returncode == 0 and entry.get("status") == "no_metadata" and entry.get("kind") == "savepoint"
              and entry.get("job_prefix") == job[:6] and entry.get("time") is None
              and isinstance(entry.get("age_seconds"), (int, float)) and 0 <= entry["age_seconds"] < 60
              and entry.get("objects", 0) >= 1,
              f"{label}: a savepoint in progress ({status}) is no_metadata, a few seconds old "
              f"({describe(result)}; {json.dumps(entry)[:400]})")
        result, paths = quiet_paths("--latest", *(with_keys() if root.startswith("s3://") else []), root)
        check(directory[-1] not in paths, f"{label}: --latest does not name the savepoint in progress ({paths})")
    return triggers


def killed_savepoints_expire(killers, triggers):
    for label, (job, _) in killers.items():
        def done():  # noqa: E306
            return rest(f"/jobs/{job}/savepoints/{triggers[label]}")["status"]["id"] == "COMPLETED"
        wait_until(done, f"{label}: the savepoint's end", 30)
        operation = rest(f"/jobs/{job}/savepoints/{triggers[label]}").get("operation", {})
        check("failure-cause" in operation and "location" not in operation,
              f"{label}: the savepoint expired ({str(operation.get('failure-cause', operation))[:150]})")
    # The mappers' snapshots end; Flink drops what they wrote late.
    time.sleep(max(0.0, triggers["at"] + SNAPSHOT_SLEEP_MS / 1000 + 2 - time.monotonic()))
    cancel(*[job for job, _ in killers.values()])


def flink_writes(jobs):
    """Step 2, authentication off. Fills `jobs` (name -> id); returns what the JobManager said of
    each local savepoint (path -> /checkpoints entry) and the paths the restores used."""
    wait_until(lambda: rest("/overview")["slots-available"] >= 4, "4 free task slots", 60)
    local_ck = "file://" + LOCAL_CHECKPOINTS
    slow = ["-D", f"execution.checkpointing.timeout={SAVEPOINT_TIMEOUT}"]
    jobs["D1"] = submit("snapshots-local-rocksdb", *storage_args(local_ck, rocksdb=True), *PERIODIC)
    jobs["E"] = submit("snapshots-other-graph", *storage_args(local_ck), *PERIODIC, program=["--without-mapper"])
    jobs["K1"] = submit("snapshots-killed-s3", *storage_args(S3_CHECKPOINTS), *slow,
                        program=["--snapshot-sleep-ms", str(SNAPSHOT_SLEEP_MS)])
    jobs["K2"] = submit("snapshots-killed-local", *storage_args(local_ck), *slow,
                        program=["--snapshot-sleep-ms", str(SNAPSHOT_SLEEP_MS)])
    for name in ("D1", "E", "K1", "K2"):
        wait_until(lambda: running(jobs[name]), f"job {name} running")
    time.sleep(1.0)  # records flow: the mappers have keyed state
    killers = {"K1 (S3)": (jobs["K1"], S3_OURS), "K2 (local)": (jobs["K2"], "file://" + LOCAL_SAVEPOINTS)}
    triggers = killed_savepoints_in_progress(killers)

    local_savepoints = {}
    for kind in ("canonical", "native"):
        path = must("savepoint", "-q", "-type", kind, jobs["D1"], "file://" + LOCAL_SAVEPOINTS)
        local_savepoints[local_path(path)] = latest_savepoint_entry(jobs["D1"], path)
    completed_after(jobs["D1"], 2)
    completed_after(jobs["E"], 1)
    cancel(jobs["D1"], jobs["E"], checkpoints=LOCAL_CHECKPOINTS)
    killed_savepoints_expire(killers, triggers)

    # Restores from the path `snapshots --latest -q <ckdir>/<jobId>` names.
    restored = {}
    for name, root, source, extra in (("B2", S3_CHECKPOINTS, jobs["B"], storage_args(S3_CHECKPOINTS)),
                                      ("D2", LOCAL_CHECKPOINTS, jobs["D1"], storage_args(local_ck, rocksdb=True))):
        keys = with_keys() if root.startswith("s3://") else []
        result, paths = quiet_paths("--latest", *keys, f"{root}/{source}")
        if not check(result.returncode == 0 and len(paths) == 1,
                     f"{name}: snapshots --latest -q {root}/<jobId> prints one path ({describe(result)}; {paths})"):
            raise AssertionError("no path to restore from")
        restored[name] = paths[0]
        jobs[name] = submit(f"snapshots-restored-{name}", "-s", paths[0], *extra, *PERIODIC)
    for name, path in restored.items():
        job = jobs[name]
        wait_until(lambda: running(job), f"job {name} running")
        entry = []
        wait_until(lambda: entry.append(rest(f"/jobs/{job}/checkpoints")["latest"]["restored"]) or entry[-1],
                   f"job {name}'s latest.restored", 20)
        check(local_path(entry[-1].get("external_path") or "") == path,
              f"{name}: run -s \"$(flink snapshots --latest -q …)\" restored from {path} (latest.restored: "
              f"{entry[-1].get('external_path')}, id {entry[-1].get('id')})")
        restored[name] = (path, entry[-1].get("id"))
        completed_after(job, 1)
    cancel(jobs["B2"], checkpoints=S3_CHECKPOINTS)
    cancel(jobs["D2"], checkpoints=LOCAL_CHECKPOINTS)
    return local_savepoints, restored


# --- step 2, by hand: a state file less ------------------------------------------------------------
def delete_one_file(path, inspect_args=(), absolute=False):
    """Deletes one state file the snapshot's _metadata references (relative ones, or with `absolute`
    one named by an absolute path); returns its location."""
    result = ours("inspect", "-o", "json", *inspect_args, path, conf=STORAGE_CONF)
    doc = json.loads(result.stdout)
    files = [f for op in doc["operators"] for f in op["files"] if f.get("exists") and bool(f.get("relative")) != absolute]
    if not files:
        raise AssertionError(f"no {'absolute' if absolute else 'relative'} state file in {path}")
    victim = max(files, key=lambda f: f.get("size_on_disk") or 0)
    location = victim.get("location") or victim.get("local_path") or victim["path"]
    if location.startswith("s3"):
        s3client(KEY, SECRET).delete_object(Bucket=BUCKET, Key=s3_key(location))
    else:
        os.remove(local_path(location))
    return location


def copy_s3_dir(source, target):
    s3, prefix = s3client(KEY, SECRET), s3_key(source) + "/"
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for obj in page.get("Contents", []):
            s3.copy_object(Bucket=BUCKET, Key=s3_key(target) + "/" + obj["Key"][len(prefix):],
                           CopySource={"Bucket": BUCKET, "Key": obj["Key"]})


def break_snapshots(savepoints_a, jobs, local_savepoints):
    """Returns {path: (the deleted file, the snapshot it is a copy of or None)} of the snapshots
    made incomplete by hand."""
    broken = {}
    canonical = next(p for p, e in savepoints_a.items() if e["checkpoint_type"] == "SAVEPOINT"
                     and e["savepointFormat"] == "CANONICAL")
    copy = f"{S3_OURS}/savepoint-{jobs['A'][:6]}-0000c0ffee00"
    copy_s3_dir(canonical, copy)
    broken[copy] = (delete_one_file(copy, with_keys()), canonical)
    copy_s3_dir(canonical, f"{S3_OURS}/savepoint-000000-0000c0ffee01")  # complete, of a job nobody knows
    b2 = stored_checkpoints(S3_CHECKPOINTS, jobs["B2"])[-1]
    broken[b2] = (delete_one_file(b2, with_keys()), None)
    local_canonical = next(p for p, e in local_savepoints.items() if e["savepointFormat"] == "CANONICAL")
    local_copy = os.path.join(LOCAL_SAVEPOINTS, f"savepoint-{jobs['D1'][:6]}-0000c0ffee00")
    shutil.copytree(local_canonical, local_copy)
    broken[local_copy] = (delete_one_file(local_copy), local_canonical)
    d2 = stored_checkpoints(LOCAL_CHECKPOINTS, jobs["D2"])[-1]
    broken[d2] = (delete_one_file(d2, absolute=True), None)  # a shared/ file of RocksDB
    return broken


def stored_checkpoints(root, job):
    """The job's chk-N directories holding a _metadata, by N."""
    if root.startswith("s3://"):
        dirs = [d for d in s3_dirs(f"{root}/{job}") if stored(d)[2]]
    else:
        base = os.path.join(root, job)
        dirs = [os.path.join(base, d) for d in os.listdir(base) if d.startswith("chk-")
                and os.path.exists(os.path.join(base, d, "_metadata"))]
    return sorted(dirs, key=lambda d: int(d.rsplit("chk-", 1)[1]))


# --- step 3: the listings ----------------------------------------------------------------------------
def expected_from_rest(jobs, local_savepoints, broken):
    """path -> what the entry must say: the JobManager's /checkpoints entry of each snapshot, and
    the chk-N directories storage holds (each one the JobManager reported, not discarded)."""
    expected = {}
    for name, savepoints in (("A", stored_savepoints(jobs["A"])), ("D1", local_savepoints)):
        for path, entry in savepoints.items():
            if entry.get("is_savepoint"):
                expected[local_path(path)] = {"kind": "savepoint", "job_id": None, "job_prefix": jobs[name][:6],
                                              "checkpoint_id": entry["id"], "format": entry["savepointFormat"],
                                              "snapshot_type": "savepoint", "status": "complete", "job": name}
    for name in ("B", "C", "B2", "D1", "D2", "E"):
        root = S3_CHECKPOINTS if name in ("B", "C", "B2") else LOCAL_CHECKPOINTS
        reported = {local_path(p): e for p, e in history(jobs[name]).items()}
        for path in stored_checkpoints(root, jobs[name]):
            entry = reported.get(path, {})
            check(entry.get("checkpoint_type") == "CHECKPOINT" and not entry.get("discarded")
                  and entry.get("id") == int(path.rsplit("chk-", 1)[1]),
                  f"{name}: {path[len(root) + 1:]} in storage is a checkpoint the JobManager reported, not discarded "
                  f"({ {k: entry.get(k) for k in ('id', 'checkpoint_type', 'discarded')} })")
            expected[path] = {"kind": "checkpoint", "job_id": jobs[name], "job_prefix": jobs[name][:6],
                              "checkpoint_id": entry.get("id"), "format": None, "snapshot_type": "checkpoint",
                              "status": "complete", "job": name}
    for name in ("B", "C", "D1", "E"):  # the retained chk-N is the JobManager's latest.completed
        path = local_path(latest_completed(jobs[name]) or "")
        check(path in expected, f"{name}: the JobManager's latest.completed {path} is in storage with a _metadata")
    for path, (missing, source) in broken.items():
        expected[path] = dict(expected[source or path], status="incomplete", missing=missing)
    return expected


def check_listing(label, doc, roots, expected, jobs, killed):
    """The -o json document of `roots` against `expected` (path -> fields) and storage."""
    ours_prefixes = {job[:6] for job in jobs.values()}
    listed = {}
    for entry in doc.get("snapshots", []):
        if entry.get("job_prefix") in ours_prefixes or entry["path"] in expected:
            listed.setdefault(entry["path"], []).append(entry)
    in_roots = {p: e for p, e in expected.items() if any(p.startswith(r + "/") for r in roots)}
    check(doc.get("schema") == "flinkcli.snapshots/1" and doc.get("action") == "snapshots"
          and doc.get("status") == "completed" and [r.rstrip("/") for r in doc.get("roots", [])] == roots,
          f"{label}: schema, action, status, roots ({doc.get('schema')}, {doc.get('roots')})")
    check(all(len(v) == 1 for v in listed.values()), f"{label}: each snapshot listed once")
    missing = sorted(set(in_roots) - set(listed))
    check(not missing, f"{label}: every snapshot of these jobs is listed ({len(in_roots)}; missing {missing})")
    for path, want in sorted(in_roots.items()):
        entry = (listed.get(path) or [{}])[0]
        if not entry:
            continue
        objects, size, _, meta_time, _ = stored(path)
        got = {k: entry.get(k) for k in want if k in entry}
        problems = [f"{k}: {entry.get(k)!r} != {v!r}" for k, v in want.items() if k in
                    ("kind", "job_id", "job_prefix", "checkpoint_id", "snapshot_type", "status", "format") and entry.get(k) != v]
        if want["status"] == "complete":
            problems += [] if entry.get("missing_files") == 0 else [f"missing_files {entry.get('missing_files')}"]
        else:
            problems += [] if entry.get("missing_files") == 1 else [f"missing_files {entry.get('missing_files')} != 1"]
            problems += [] if entry.get("problem") else ["no problem named"]
        if entry.get("metadata_version") != METADATA_VERSION:
            problems.append(f"metadata_version {entry.get('metadata_version')} != {METADATA_VERSION}")
        if (entry.get("objects"), entry.get("size")) != (objects, size):
            problems.append(f"objects/size {entry.get('objects')}/{entry.get('size')} != stored {objects}/{size}")
        entry_time = parse_time(entry.get("time"))
        if meta_time is None or entry_time is None or abs((entry_time - meta_time).total_seconds()) > 1:
            problems.append(f"time {entry.get('time')} != _metadata's {meta_time}")
        if not any(entry.get("root", "").rstrip("/") == r for r in roots if path.startswith(r + "/")):
            problems.append(f"root {entry.get('root')}")
        check(not problems, f"{label}: {want['job']} {want['kind']} {os.path.basename(path)} {want['status']}"
                            f"{', ' + (want.get('format') or '') if want['kind'] == 'savepoint' else ''}, "
                            f"id {want['checkpoint_id']} ({'; '.join(problems) or 'as the JobManager said'})")
    # What is left of the killed savepoints: listed as no_metadata exactly when storage holds it.
    for job_name, root in killed:
        if not any(root == r for r in roots):
            continue
        prefix = f"savepoint-{jobs[job_name][:6]}-"
        there = (sorted(d for d in s3_dirs(root) if os.path.basename(d).startswith(prefix)) if root.startswith("s3://")
                 else sorted(os.path.join(root, d) for d in os.listdir(root) if d.startswith(prefix)))
        entries = sorted(e["path"] for v in listed.values() for e in v if e["path"].startswith(f"{root}/{prefix}"))
        statuses = {e["status"] for v in listed.values() for e in v if e["path"].startswith(f"{root}/{prefix}")}
        check(entries == there and statuses <= {"no_metadata"},
              f"{label}: the killed savepoint of {job_name}: listed as no_metadata exactly when storage keeps "
              f"its directory (storage {[os.path.basename(d) for d in there]}, listed {statuses or 'nothing'})")
    # Nothing else of these jobs (shared/, taskowned/, a job directory without chk-N).
    # A chk-N the cancellation aborted may outlive the wait in cancel(): no_metadata, if listed.
    periodic = {jobs[name] for name in ("B", "C", "D1", "E", "B2", "D2")}
    aborted = sorted(p for p, v in listed.items() if p not in expected and v[0]["kind"] == "checkpoint"
                     and v[0]["job_id"] in periodic and v[0]["status"] == "no_metadata")
    extra = sorted(p for p in listed if p not in expected and p not in aborted and not any(
        p.startswith(f"{r}/savepoint-{jobs[k][:6]}-") for k, r in killed))
    check(not extra, f"{label}: nothing else of these jobs is listed ({extra})")
    if aborted:
        print(f"     ({label}: chk-N aborted by the cancellations, still there: {aborted})", flush=True)
    times = [parse_time(e["time"]) for e in doc.get("snapshots", []) if e.get("time")]
    check(times == sorted(times), f"{label}: sorted by time, oldest first")
    return {p: v[0] for p, v in listed.items()}


def latest_of(entries):
    complete = [e for e in entries if e["status"] == "complete"]
    return max(complete, key=lambda e: (parse_time(e["time"]), e.get("checkpoint_id") or -1))["path"] if complete else None


def listings(label, roots, keys, expected, jobs, killed):
    """The -o json, -q and --latest checks of one storage's roots; returns the listed entries."""
    result, doc = snapshots(*keys, *roots)
    if not check(result.returncode == 0 and doc is not None, f"{label}: snapshots -o json exits 0 ({describe(result)})"):
        return {}, {}
    listed = check_listing(label, doc, roots, expected, jobs, killed)
    result, paths = quiet_paths(*keys, *roots)
    check(result.returncode == 0 and paths == [e["path"] for e in doc["snapshots"]],
          f"{label}: -q prints the paths of -o json, in its order ({describe(result)}"
          f"{difference([e['path'] for e in doc['snapshots']], paths)})")
    text = ours("snapshots", *keys, *roots, conf=STORAGE_CONF)
    check(text.returncode == 0 and all(e["path"] in text.stdout for e in doc["snapshots"])
          and "KIND" in text.stdout and "STATUS" in text.stdout,
          f"{label}: the table names every path ({describe(text)})")
    result, latest_doc = snapshots("--latest", *keys, *roots)
    newest = latest_of(doc["snapshots"])
    check(result.returncode == 0 and latest_doc and (latest_doc.get("latest") or {}).get("path") == newest
          and latest_doc.get("latest_source") == "storage",
          f"{label}: --latest is the newest complete snapshot by _metadata time, from storage "
          f"({newest}; {describe(result)}; got {(latest_doc or {}).get('latest', {})})")
    fingerprints = {}
    for path, entry in listed.items():
        if path in expected:
            fingerprints.setdefault(expected[path]["job"], set()).add(entry.get("fingerprint"))
    return listed, fingerprints


def latest_checks(label, root, keys, jobs, names):
    """--latest -q <root>/<jobId> is the JobManager's latest.completed; --job-id with and without -m."""
    for name in names:
        job = jobs[name]
        want = local_path(latest_completed(job) or "")
        result, paths = quiet_paths("--latest", *keys, f"{root}/{job}")
        check(result.returncode == 0 and paths == [want],
              f"{label}: --latest -q <ckdir>/{name}'s id is the JobManager's latest.completed ({want}; {describe(result)}; {paths})")
    name = names[0]
    job = jobs[name]
    want = local_path(latest_completed(job) or "")
    result, doc = snapshots("--latest", "--job-id", job, "-m", CLUSTER["FLINK_REST_ADDRESS"], *keys, root)
    check(result.returncode == 0 and doc and doc.get("latest_source") == "jobmanager"
          and (doc.get("latest") or {}).get("path") == want and "jobmanager" in result.stderr.lower()
          and doc.get("job_id") == job and all(e.get("job_id") == job for e in doc.get("snapshots", [])),
          f"{label}: --job-id {name} -m: the JobManager's latest.completed, stderr says so, only that job listed "
          f"({describe(result)}; {(doc or {}).get('latest_source')}, {(doc or {}).get('latest', {})})")
    result, doc = snapshots("--latest", "--job-id", job, *keys, root)
    check(result.returncode == 0 and doc and doc.get("latest_source") == "storage"
          and (doc.get("latest") or {}).get("path") == want,
          f"{label}: --job-id {name} without a JobManager: storage's newest ({describe(result)}; "
          f"{(doc or {}).get('latest_source')})")


def bad_input(jobs, local_file):
    result = ours("snapshots", *with_keys(), f"s3://{BUCKET}/no-such-root", conf=STORAGE_CONF)
    one_line_failure(result, 4, "snapshots of an S3 prefix that holds nothing")
    result = ours("snapshots", *with_keys(), "s3://no-such-bucket-e2e/savepoints", conf=STORAGE_CONF)
    one_line_failure(result, 4, "snapshots of a bucket that does not exist", "no-such-bucket-e2e")
    result = ours("snapshots", os.path.join(LOCAL, "no-such-dir"), conf=STORAGE_CONF)
    one_line_failure(result, 4, "snapshots of a local directory that does not exist", "no-such-dir")
    wrong = SECRET[:-1] + ("A" if SECRET[-1] != "A" else "B")
    result = ours("snapshots", *with_keys(secret=wrong), S3_SAVEPOINTS, conf=STORAGE_CONF)
    one_line_failure(result, 17, "snapshots with a wrong secret", "SignatureDoesNotMatch")
    result = ours("snapshots", local_file, conf=STORAGE_CONF)
    one_line_failure(result, 4, "snapshots of a root that is a file (a state file, not a _metadata)",
                     os.path.basename(local_file))
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        closed = free.getsockname()[1]
    result = ours("snapshots", "--latest", "--job-id", jobs["A"], "-m", f"127.0.0.1:{closed}", *with_keys(),
                  S3_SAVEPOINTS, conf=STORAGE_CONF)
    one_line_failure(result, 3, "--job-id with a JobManager that does not answer", f"127.0.0.1:{closed}")
    result = ours("snapshots", "--latest", "-q", "--job-id", "0" * 32, "-m", CLUSTER["FLINK_REST_ADDRESS"], *with_keys(),
                  S3_OURS, conf=STORAGE_CONF)
    check(result.returncode == 0 and result.stdout.split() == [f"{S3_OURS}/savepoint-000000-0000c0ffee01"]
          and "does not know" in result.stderr,
          f"--latest --job-id of a job the JobManager does not know: it says so, storage's savepoint-000000-… "
          f"({describe(result)}; {result.stdout.split()})")
    result = ours("snapshots", "--latest", "-q", *with_keys(), S3_ORPHAN, conf=STORAGE_CONF)
    check(result.returncode == 4 and result.stdout == "",
          f"--latest of a root without a complete snapshot (s3_inspect.py's orphan): exit 4 ({describe(result)})")


def s3_checks(jobs, expected, killed):
    roots = [S3_SAVEPOINTS, S3_CHECKPOINTS, S3_OURS]
    listed, fingerprints = listings("S3", roots, with_keys(), expected, jobs, killed)
    latest_checks("S3", S3_CHECKPOINTS, with_keys(), jobs, ["B", "C"])
    # The JobManager's latest of job A is its stop-savepoint (the highest id).
    stop = next(p for p, e in history(jobs["A"]).items() if e.get("checkpoint_type") == "SYNC_SAVEPOINT")
    result, doc = snapshots("--latest", "--job-id", jobs["A"], "-m", CLUSTER["FLINK_REST_ADDRESS"], *with_keys(), S3_SAVEPOINTS)
    check(result.returncode == 0 and doc and (doc.get("latest") or {}).get("path") == stop
          and doc.get("latest_source") == "jobmanager"
          and {e["path"] for e in doc.get("snapshots", [])} == {p for p, e in expected.items()
                                                                   if e["job"] == "A" and p.startswith(S3_SAVEPOINTS + "/")},
          f"S3: --job-id A -m: its savepoints, the latest the stop-savepoint ({describe(result)}; {(doc or {}).get('latest', {})})")
    # The JobManager's answer lies outside the roots: looked at where it lies.
    result, doc = snapshots("--latest", "--job-id", jobs["B"], "-m", CLUSTER["FLINK_REST_ADDRESS"], *with_keys(), S3_SAVEPOINTS)
    want = latest_completed(jobs["B"])
    check(result.returncode == 0 and doc and (doc.get("latest") or {}).get("path") == want
          and doc.get("latest_source") == "jobmanager",
          f"S3: --job-id B -m with the savepoint directory as the root: the JobManager's latest.completed, "
          f"checked where it lies ({want}; {describe(result)}; {(doc or {}).get('latest')})")
    # B2's only retained chk-N lost a file: nothing complete, whoever is asked.
    b2 = f"{S3_CHECKPOINTS}/{jobs['B2']}"
    result = ours("snapshots", "--latest", "-q", *with_keys(), b2, conf=STORAGE_CONF)
    check(result.returncode == 4 and result.stdout == "", f"S3: --latest of B2's checkpoints (its chk-N lost a file): exit 4 ({describe(result)})")
    result = ours("snapshots", "--latest", "-q", "--job-id", jobs["B2"], *with_keys(), b2, conf=JM_CONF)
    check(result.returncode == 4 and result.stdout == "" and "incomplete" in result.stderr,
          f"S3: --job-id B2 with the JobManager (rest.address): its latest.completed is incomplete in storage "
          f"(stderr says so), and nothing else is complete: exit 4 ({describe(result)})")
    # Other spellings of a root: the job's checkpoint directory, one snapshot, s3a://.
    canonical = next(p for p, e in expected.items() if e["job"] == "A" and e.get("format") == "CANONICAL"
                     and e["status"] == "complete" and e["checkpoint_id"] == 1)
    result, doc = snapshots(*with_keys(), canonical)
    check(result.returncode == 0 and doc and [e["path"] for e in doc["snapshots"]] == [canonical],
          f"S3: a snapshot directory as the root lists itself ({describe(result)})")
    c_chk = stored_checkpoints(S3_CHECKPOINTS, jobs["C"])[-1]
    for root in (c_chk, f"{S3_CHECKPOINTS}/{jobs['C']}"):  # its shared/ files are outside these roots
        result, doc = snapshots(*with_keys(), root)
        # A chk-N the cancellation aborted may still be there, without _metadata (Flink removes it
        # asynchronously, late on a loaded machine): not what this checks.
        rows = [e for e in (doc or {}).get("snapshots", []) if e["status"] != "no_metadata"]
        check(result.returncode == 0 and [e["path"] for e in rows] == [c_chk] and rows[0]["status"] == "complete"
              and rows[0]["missing_files"] == 0 and rows[0]["referenced_files"] > 2,
              f"S3: C's chk-N (RocksDB, shared/ files by absolute path) with the root {root[len(S3_CHECKPOINTS):]}: "
              f"complete, every file found ({describe(result)}; "
              f"{[(e['status'], e['referenced_files'], e['missing_files']) for e in rows]})")
    # s3_inspect.py's broken copies: listed as unreadable, the huge one without being read.
    for prefix, what in (("e2e-broken", "a truncated _metadata"), ("e2e-huge", "a _metadata over the client's limit")):
        result, doc = snapshots(*with_keys(), f"s3://{BUCKET}/{prefix}")
        rows = [e for e in (doc or {}).get("snapshots", [])  # this run's
                if re.search(rf"/savepoint-({jobs['A'][:6]}|huge00)-[^/]*$", e["path"])]
        check(result.returncode == 0 and len(rows) == 1 and rows[0]["status"] == "unreadable" and rows[0].get("problem")
              and result.seconds < 10,
              f"S3: {what} is listed as unreadable, with the problem named, in {result.seconds:.1f} s "
              f"({describe(result)}; {[(e['status'], e.get('problem')) for e in rows]})")
    result, doc = snapshots(*with_keys(), canonical + "/_metadata")
    check(result.returncode == 0 and doc and [e["path"] for e in doc["snapshots"]] == [canonical]
          and doc["snapshots"][0]["status"] == "complete",
          f"S3: its _metadata as the root lists the snapshot ({describe(result)})")
    result, doc = snapshots(*with_keys(), "s3a://" + S3_SAVEPOINTS[len("s3://"):] + "/")
    plain = snapshots(*with_keys(), S3_SAVEPOINTS)[1] or {}
    check(result.returncode == 0 and doc and [e["path"].split("://", 1)[1] for e in doc["snapshots"]]
          == [e["path"].split("://", 1)[1] for e in plain.get("snapshots", [])],
          f"S3: s3a:// with a trailing slash lists the same ({describe(result)})")
    return fingerprints


def local_checks(jobs, expected, killed):
    roots = [LOCAL_SAVEPOINTS, LOCAL_CHECKPOINTS]
    listed, fingerprints = listings("local", roots, [], expected, jobs, killed)
    latest_checks("local", LOCAL_CHECKPOINTS, [], jobs, ["D1", "E"])
    with open(os.path.join(DIRS_CONF, "config.yaml"), "w") as handle:
        handle.write(f"execution.checkpointing.savepoint-dir: file://{LOCAL_SAVEPOINTS}\n"
                     f"execution.checkpointing.dir: file://{LOCAL_CHECKPOINTS}\n")
    result, doc = snapshots(conf=DIRS_CONF)
    explicit = [e["path"] for e in (snapshots(*roots)[1] or {}).get("snapshots", [])]
    configured = [local_path(e["path"]) for e in (doc or {}).get("snapshots", [])]
    check(result.returncode == 0 and doc and [local_path(r).rstrip("/") for r in doc.get("roots", [])] == roots
          and configured == explicit,
          f"local: without a root, the configured savepoint and checkpoint directories ({describe(result)}; "
          f"{(doc or {}).get('roots')}{difference(explicit, configured)})")
    return fingerprints


def main():
    started = time.monotonic()
    shutil.rmtree(SCRATCH, ignore_errors=True)
    for directory in (HOME, STORAGE_CONF, JM_CONF, DIRS_CONF, LOCAL_SAVEPOINTS, LOCAL_CHECKPOINTS):
        os.makedirs(directory)
    open(os.path.join(STORAGE_CONF, "config.yaml"), "w").close()
    with open(os.path.join(JM_CONF, "config.yaml"), "w") as handle:
        handle.write(f"rest.address: 127.0.0.1\nrest.port: {REST_PORT}\n")
    jobs = {"A": newest_job("s3-savepoints"), "B": newest_job("s3-hashmap-chk"), "C": newest_job("s3-rocksdb-chk")}
    set_auth(False)
    try:
        s3 = s3client(KEY, SECRET)  # what an earlier run left under our prefix
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=s3_key(S3_OURS) + "/"):
            for obj in page.get("Contents", []):
                s3.delete_object(Bucket=BUCKET, Key=obj["Key"])
        savepoints_a = stored_savepoints(jobs["A"])
        check(len(savepoints_a) == 3, f"job A (s3_inspect.py) has its 3 savepoints in /checkpoints and in storage "
                                      f"({len(savepoints_a)})")
        for name in ("B", "C"):  # after a cancellation latest.completed may lag for a moment
            wait_until(lambda: latest_completed(jobs[name]) == stored_checkpoints(S3_CHECKPOINTS, jobs[name])[-1],
                       f"job {name}'s latest.completed to be its newest chk-N on S3", 20)
        flink_started = time.monotonic()
        local_savepoints, _ = flink_writes(jobs)
        print(f"     (Flink's part: {time.monotonic() - flink_started:.1f} s)", flush=True)
        broken = break_snapshots(savepoints_a, jobs, local_savepoints)
        expected = expected_from_rest(jobs, local_savepoints, broken)
        killed = [("K1", S3_OURS), ("K2", LOCAL_SAVEPOINTS)]

        set_auth(True)
        try:
            s3_fingerprints = s3_checks(jobs, expected, killed)
            d1_savepoint = next(p for p, e in expected.items() if e["job"] == "D1" and e["kind"] == "savepoint")
            state_file = next(os.path.join(d1_savepoint, f) for f in sorted(os.listdir(d1_savepoint)) if f != "_metadata")
            bad_input(jobs, state_file)
        finally:
            set_auth(False)
        local_fingerprints = local_checks(jobs, expected, killed)

        fingerprints = {}
        for source in (s3_fingerprints, local_fingerprints):
            for name, values in source.items():
                fingerprints.setdefault(name, set()).update(values)
        sample = {v for name in ("A", "B", "C", "B2", "D1", "D2") for v in fingerprints.get(name, {None})}
        check(len(sample) == 1 and None not in sample,
              f"one fingerprint for every snapshot of the sample job, restored successors included ({fingerprints})")
        other = fingerprints.get("E", {None})
        check(len(other) == 1 and None not in other and not (other & sample),
              f"another fingerprint for the job without the mapper ({other})")
    finally:
        try:
            set_auth(False)
        except OSError:
            pass
        for name in ("D1", "E", "K1", "K2", "B2", "D2"):
            if name in jobs:
                ours("cancel", jobs[name])
    print(f"snapshots_e2e.py on Flink {VERSION}: {time.monotonic() - started:.1f} s", flush=True)
    if failures:
        print(f"{len(failures)} check(s) failed: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
