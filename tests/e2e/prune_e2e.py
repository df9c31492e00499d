#!/usr/bin/env python3
"""End-to-end: `flink prune` (and `snapshots`) on savepoints real Flink wrote, on S3 and on a local directory.

Started by tests/e2e/run-e2e.sh (suite main, after s3_inspect.py, on the same cluster and S3 server)
with the moto venv's python (boto3); reads cluster.env (FLINK_CLUSTER_ENV) and s3.env (S3_ENV, else
the cluster.env's FLINK_S3_ENV). Our client is OUR_FLINK, with an empty conf dir of its own and a
scratch HOME; -m names the cluster and -D s3.* the S3 server's IAM key.

  1. Authentication OFF (Flink's S3A cannot pass moto's signature check): one job of
     tests/flink-job (filesystem storage, data-inline-threshold 0b, so each savepoint is a
     directory of state files and a _metadata), four canonical savepoints into
     s3://flink-state/e2e-prune/savepoints and four into a local directory, taken with our client;
     the job is cancelled. Two jobs are restored (run -s --verify-restore), one from the OLDEST
     savepoint on S3, one from the oldest in the local directory: those two are in use.
  2. Local directory: `prune -m <cluster> --keep-last 1 --dry-run` prints the plan and changes
     nothing; `prune --offline --keep-last 1` on a copy keeps the newest alone (no JobManager was
     asked, the document says so); `prune -m <cluster> --keep-last 1` keeps the newest and the one
     the running job restored from ("in use: job <id> restored from it") and deletes the two
     others: their directories are gone, every other file is as it was. Without -m nor a
     configured JobManager: exit 3 naming --offline, nothing listed.
  3. S3, authentication ON: the same dry run and prune; afterwards the bucket holds exactly what it
     held before minus the deleted savepoints' objects (keys, sizes and ETags compared).
  4. Authentication OFF: the running jobs are cancelled, then `run -s <oldest kept> --verify-restore`
     restores, from S3 and from the local directory.
  5. An interrupted prune, on S3 (authentication on) and on a local directory: the newest kept
     savepoint copied under 300 fresh savepoint-<6hex>-<12hex> names (S3: server-side copies, 10 at a
     time), then `prune --offline --keep-last 1` killed with SIGKILL during deletion. S3: through a
     proxy in front of moto (tests/fake/s3_proxy.py) that lets the first DeleteObjects (the 299
     _metadata) through and kills the client when the second (state files) comes, so the 299 are
     left without _metadata and with all their files; local: killed as soon as a _metadata is
     gone (how many go before the kill lands is a race). `snapshots -o json` then shows every
     snapshot either complete (no file missing) or without _metadata, never incomplete; a second
     `prune --offline --keep-last 1 --incomplete` finishes: one complete snapshot is left, and the
     directories without _metadata stay (too young).
"""
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

from s3_inspect import (BUCKET, ENDPOINT, KEY, SECRET, REPO, check, failures, rest, running, s3_key, s3client, set_auth,  # boto3
                        wait_until, with_keys)
from side_by_side import CLUSTER, OUR_FLINK

sys.path.insert(0, os.path.join(REPO, "tests", "fake"))
from s3_proxy import S3Proxy  # noqa: E402  (tests/fake/s3_proxy.py)

WORKSPACE = os.path.dirname(CLUSTER["FLINK_SAVEPOINT_PATH_LOCAL"])
SCRATCH = os.path.join(WORKSPACE, "e2e-prune")
HOME = os.path.join(SCRATCH, "home")
CONF = os.path.join(SCRATCH, "client-conf")
LOCAL_ROOT = os.path.join(SCRATCH, "savepoints")
PREFIX = "e2e-prune"                      # everything this suite writes to the bucket is under it
S3_ROOT = f"s3://{BUCKET}/{PREFIX}/savepoints"
JAR = CLUSTER["FLINK_JOB_JAR"]
VERSION = CLUSTER["FLINK_VERSION"]
JOBMANAGER = ["-m", CLUSTER["FLINK_REST_ADDRESS"]]
SAVEPOINTS_PER_ROOT = 4
LARGE_SET = 300
COPY_THREADS = 10                         # botocore's connection pool size


def client_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FLINK_"))}
    env.update(HOME=HOME, FLINK_CONF_DIR=CONF)
    return env


def flink(*args, timeout=120):
    return subprocess.run([OUR_FLINK] + list(args), capture_output=True, text=True, timeout=timeout, env=client_env(),
                          stdin=subprocess.DEVNULL)


def flink_json(*args):
    result = flink(args[0], "-o", "json", *args[1:])  # before run's jar: what follows is the program's
    try:
        return result, json.loads(result.stdout)
    except ValueError:
        return result, {}


def quiet(*args):
    result = flink(*args)
    if result.returncode != 0:
        raise AssertionError(f"flink {' '.join(args[:2])} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def name(path):
    return path.rstrip("/").rsplit("/", 1)[-1]


def names(paths):
    return sorted(name(path) for path in paths)


def summary(result):
    return f"exit {result.returncode}: {result.stderr.strip()[:300]}"


# --- what is stored -------------------------------------------------------------------------------
def local_tree(root):
    """{path relative to root: (size, mtime)} of every file below root."""
    found = {}
    for directory, _, files in os.walk(root):
        for file in files:
            path = os.path.join(directory, file)
            info = os.stat(path)
            found[os.path.relpath(path, root)] = (info.st_size, info.st_mtime_ns)
    return found


def bucket_objects(prefix):
    """{key: (size, ETag)} of every object (directory markers included) under prefix."""
    s3, found = s3client(KEY, SECRET), {}  # the IAM key: authentication may be on
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for obj in page.get("Contents", []):
            found[obj["Key"]] = (obj["Size"], obj["ETag"])
    return found


def without(stored, gone):
    """stored minus the entries inside the directories named in gone."""
    return {path: value for path, value in stored.items()
            if not any(f"/{directory}/" in f"/{path}" for directory in gone)}


# --- Flink writes, restores ------------------------------------------------------------------------
def restore(path, label):
    """run -s <path> --verify-restore: (job id or None, whether it restored from path, what to print)."""
    result, doc = flink_json("run", *JOBMANAGER, "-d", "-s", path, "--verify-restore", JAR, "--sleep-ms", "5", "--name", label)
    restored = (result.returncode == 0 and doc.get("restore_verified") is True
                and doc.get("restored_from", "").rstrip("/").endswith(name(path)))
    return doc.get("job_id"), restored, f"{summary(result)} restored_from {doc.get('restored_from')}"


def flink_writes_savepoints(jobs):
    """Authentication off: the job, its savepoints on S3 and locally (oldest first), then cancelled."""
    files_config = ["-D", "state.checkpoint-storage=filesystem",
                    "-D", "execution.checkpointing.storage=filesystem",
                    "-D", "execution.checkpointing.dir=file://" + os.path.join(SCRATCH, "checkpoints"),
                    "-D", "execution.checkpointing.data-inline-threshold=0b"]
    job = quiet("run", *JOBMANAGER, "-d", "-q", *files_config, JAR, "--sleep-ms", "5", "--name", "prune-e2e")
    jobs.append(job)
    wait_until(lambda: running(job), "the job to run")
    time.sleep(1.0)  # records flow: the mapper has keyed state
    on_s3 = [quiet("savepoint", *JOBMANAGER, "-q", job, S3_ROOT) for _ in range(SAVEPOINTS_PER_ROOT)]
    local = [quiet("savepoint", *JOBMANAGER, "-q", job, "file://" + LOCAL_ROOT) for _ in range(SAVEPOINTS_PER_ROOT)]
    quiet("cancel", *JOBMANAGER, job)
    wait_until(lambda: rest(f"/jobs/{job}")["state"] == "CANCELED", "the job cancelled")
    check(all(path.startswith(S3_ROOT + "/savepoint-") for path in on_s3)
          and all(re.match(r"^file:/.*/savepoint-[0-9a-f]{6}-[0-9a-f]{12}$", path) for path in local),
          f"Flink wrote {SAVEPOINTS_PER_ROOT} savepoints to {S3_ROOT} and {SAVEPOINTS_PER_ROOT} to {LOCAL_ROOT}")
    check(all(len([key for key in bucket_objects(s3_key(path) + "/") if not key.endswith("/_metadata")]) >= 1
              for path in on_s3),
          "each S3 savepoint holds state files beside its _metadata (data-inline-threshold 0b)")
    return on_s3, local


# --- prune ------------------------------------------------------------------------------------------
def plan_rows(doc):
    return {name(row["path"]): row for row in doc.get("plan", [])}


def text_plan(stdout):
    """{savepoint name: (ACTION, the whole line)} of prune's table."""
    rows = {}
    for line in stdout.splitlines():
        found = re.search(r"savepoint-[0-9a-f]{6}-[0-9a-f]{12}", line)
        if found and line.split()[0] in ("KEEP", "DELETE"):
            rows[found.group(0)] = (line.split()[0], line)
    return rows


def prune_checks(label, root, extra, savepoints, in_use_job, listing):
    """Dry run, then the prune, of `root` whose savepoints (oldest first) are `savepoints`, the
    oldest one in use by in_use_job; listing() is {entry: value} of what the root holds."""
    oldest, newest, middle = name(savepoints[0]), name(savepoints[-1]), names(savepoints[1:-1])
    before = listing()

    dry = flink("prune", *JOBMANAGER, *extra, "--keep-last", "1", "--dry-run", root)
    rows = text_plan(dry.stdout)
    check(dry.returncode == 0 and sorted(n for n, (action, _) in rows.items() if action == "DELETE") == middle
          and rows.get(oldest, ("", ""))[0] == "KEEP" and rows.get(newest, ("", ""))[0] == "KEEP",
          f"{label}: prune --dry-run plans to delete the {len(middle)} between the oldest and the newest ({summary(dry)})")
    check(f"in use: job {in_use_job} restored from it" in rows.get(oldest, ("", ""))[1],
          f"{label}: the dry run keeps the oldest as in use by job {in_use_job} ({rows.get(oldest, ('', ''))[1].strip()!r})")
    check(listing() == before, f"{label}: the dry run changed nothing")

    result, doc = flink_json("prune", *JOBMANAGER, *extra, "--keep-last", "1", root)
    rows = plan_rows(doc)
    check(result.returncode == 0 and doc.get("status") == "completed" and doc.get("in_use_checked") is True
          and doc.get("offline") is False and doc.get("dry_run") is False,
          f"{label}: prune -m <cluster> --keep-last 1 exits 0, the JobManager asked ({summary(result)})")
    check(names(doc.get("deleted", [])) == middle and not doc.get("not_deleted")
          and names(doc.get("kept", [])) == sorted([oldest, newest]),
          f"{label}: deleted exactly the {len(middle)} others, kept the oldest and the newest "
          f"(deleted {names(doc.get('deleted', []))}, kept {names(doc.get('kept', []))}, "
          f"not deleted {doc.get('not_deleted')})")
    reasons_oldest = rows.get(oldest, {}).get("reasons", [])
    reasons_newest = rows.get(newest, {}).get("reasons", [])
    check(f"in use: job {in_use_job} restored from it" in reasons_oldest,
          f"{label}: the oldest is kept because job {in_use_job} restored from it ({reasons_oldest})")
    check("keep-last 1" in reasons_newest and any(r.startswith("newest complete of its group") for r in reasons_newest),
          f"{label}: the newest is kept by keep-last 1 as its group's newest ({reasons_newest})")
    check(all(rows.get(n, {}).get("action") == "delete" and rows[n]["reasons"] == ["kept by no rule"] for n in middle),
          f"{label}: the others go as kept by no rule")
    after = listing()
    check(after == without(before, middle),
          f"{label}: nothing of the deleted savepoints is left, everything else is as it was "
          f"({len(before)} entries before, {len(after)} after, {len(without(before, middle))} expected)")
    return doc


def local_prune(savepoints, in_use_job):
    root = LOCAL_ROOT
    # Offline on a copy first: no JobManager is asked, so the one in use is not protected.
    copy = os.path.join(SCRATCH, "offline-copy")
    shutil.copytree(root, copy)
    result, doc = flink_json("prune", "--offline", "--keep-last", "1", copy)
    left = sorted(entry for entry in os.listdir(copy))
    check(result.returncode == 0 and doc.get("offline") is True and doc.get("in_use_checked") is False
          and any("offline" in note.lower() for note in doc.get("notes", [])),
          f"local: prune --offline exits 0 and says no JobManager was asked ({summary(result)}, notes {doc.get('notes')})")
    intact = bool(left) and local_tree(os.path.join(copy, left[0])) == local_tree(os.path.join(root, left[0]))
    check(names(doc.get("deleted", [])) == names(savepoints[:-1]) and left == [name(savepoints[-1])] and intact,
          f"local: prune --offline --keep-last 1 on a copy keeps the newest alone, intact (left {left})")

    # No JobManager given or configured: refused before anything is listed.
    result = flink("prune", "--keep-last", "1", root)
    check(result.returncode == 3 and "--offline" in result.stderr and result.stdout == "",
          f"local: prune without -m nor a configured JobManager: exit 3 naming --offline ({summary(result)})")

    return prune_checks("local", root, [], savepoints, in_use_job, lambda: local_tree(root))


def s3_prune(savepoints, in_use_job):
    doc = prune_checks("S3", S3_ROOT, with_keys(), savepoints, in_use_job, lambda: bucket_objects(PREFIX + "/savepoints/"))
    result, snapshots = flink_json("snapshots", *with_keys(), S3_ROOT)
    statuses = sorted((name(s["path"]), s["status"]) for s in snapshots.get("snapshots", []))
    check(result.returncode == 0 and statuses == sorted((name(p), "complete") for p in (savepoints[0], savepoints[-1])),
          f"S3: snapshots lists the two kept savepoints, complete ({statuses})")
    return doc


# --- interrupted --------------------------------------------------------------------------------------
def random_name(rng):
    return f"savepoint-{rng.getrandbits(24):06x}-{rng.getrandbits(48):012x}"


def copy_on_s3(source, prefix, count):
    """The objects of the savepoint `source` copied (server side) under count fresh names below prefix."""
    s3, rng = s3client(KEY, SECRET), random.Random(f"prune-e2e-{VERSION}")
    source_key = s3_key(source) + "/"
    keys = [key for key in bucket_objects(source_key) if not key.endswith("/")]
    targets = [f"{prefix}/{random_name(rng)}/" for _ in range(count)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(COPY_THREADS) as pool:
        copies = [pool.submit(s3.copy_object, Bucket=BUCKET, Key=target + key[len(source_key):],
                              CopySource={"Bucket": BUCKET, "Key": key}) for target in targets for key in keys]
        for future in copies:
            future.result()
    return len(copies), time.monotonic() - started


def copy_locally(source, root, count):
    rng = random.Random(f"prune-e2e-local-{VERSION}")
    for _ in range(count):
        shutil.copytree(source, os.path.join(root, random_name(rng)))


def killed_on_s3(root):
    """prune --offline --keep-last 1 of root through a proxy in front of moto that lets the first
    DeleteObjects (every _metadata) through, kills the client with SIGKILL when the second one
    (state files) comes, and drops that request: the client dies between the two batches."""
    holder = {}

    def before(kind, number):
        if kind != "DeleteObjects" or number == 0:
            return True
        while "process" not in holder:
            time.sleep(0.01)
        holder["process"].kill()  # SIGKILL
        holder["killed"] = time.monotonic()
        return False

    proxy = S3Proxy(ENDPOINT, before)
    try:
        process = subprocess.Popen([OUR_FLINK, "prune", "--offline", "--keep-last", "1", *with_keys(endpoint=proxy.url), root],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=client_env(),
                                   stdin=subprocess.DEVNULL)
        holder["process"] = process
        started = time.monotonic()
        process.wait(timeout=120)
    finally:
        proxy.close()
    batches = [len(batch) for batch in proxy.batches]
    check(batches[:1] == [LARGE_SET - 1] and all(key.endswith("/_metadata") for key in proxy.batches[0])
          and "killed" in holder and process.returncode == -9,
          f"S3: the prune deleted the {LARGE_SET - 1} _metadata in its first DeleteObjects and was killed with SIGKILL "
          f"{holder.get('killed', started) - started:.2f} s after its start, at its second (batches {batches}, "
          f"exit {process.returncode})")


def killed_locally(root):
    """prune --offline --keep-last 1 of root, killed with SIGKILL once a _metadata is gone."""
    candidates = [os.path.join(root, entry, "_metadata") for entry in os.listdir(root)]
    process = subprocess.Popen([OUR_FLINK, "prune", "--offline", "--keep-last", "1", root], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=client_env(), stdin=subprocess.DEVNULL)
    started, killed = time.monotonic(), None
    try:
        while time.monotonic() - started < 60 and process.poll() is None:
            if not all(os.path.exists(path) for path in candidates):
                process.kill()  # SIGKILL
                killed = time.monotonic() - started
                break
            time.sleep(0.001)
    finally:
        if process.poll() is None and killed is None:
            process.kill()
        process.wait(timeout=30)
    gone = sum(1 for path in candidates if not os.path.exists(path))
    # Whether the kill lands among the _metadata deletions or after them is a race: either is fine.
    check(killed is not None and process.returncode == -9,
          f"local: the prune was killed with SIGKILL {killed or 0:.2f} s after its start, once a _metadata was gone "
          f"({gone} of {len(candidates)} gone by then; exit {process.returncode})")


def after_interruption(label, root, extra, expected=None):
    """snapshots after the kill: each complete (no file missing) or without _metadata, never
    incomplete; then a second prune --offline --keep-last 1 --incomplete finishes."""
    result, doc = flink_json("snapshots", *extra, root)
    rows = doc.get("snapshots", [])
    by_status = {}
    for row in rows:
        by_status.setdefault(row["status"], []).append(row)
    counts = {status: len(found) for status, found in sorted(by_status.items())}
    check(result.returncode == 0 and set(by_status) <= {"complete", "no_metadata"}
          and all(not row.get("missing_files") for row in by_status.get("complete", []))
          and (expected is None or counts == expected),
          f"{label}: after SIGKILL every snapshot is complete or has no _metadata, none incomplete "
          f"({counts}{', expected ' + str(expected) if expected else ''}, {LARGE_SET - len(rows)} gone; {summary(result)})")

    result, doc = flink_json("prune", "--offline", "--keep-last", "1", "--incomplete", *extra, root)
    result_after, after = flink_json("snapshots", *extra, root)
    statuses = [row["status"] for row in after.get("snapshots", [])]
    young = [row for row in doc.get("plan", []) if row["status"] == "no_metadata"]
    check(result.returncode == 0 and not doc.get("not_deleted") and statuses.count("complete") == 1
          and statuses.count("no_metadata") == len(by_status.get("no_metadata", [])) == len(statuses) - 1
          and all(row["action"] == "keep" and any("too young" in r for r in row["reasons"]) for row in young),
          f"{label}: a second prune --offline --keep-last 1 --incomplete finishes: one complete snapshot left, the "
          f"{len(young)} without _metadata kept as too young ({summary(result)}; {summary(result_after)})")


def main():
    started = time.monotonic()
    shutil.rmtree(SCRATCH, ignore_errors=True)
    os.makedirs(HOME)
    os.makedirs(CONF)
    os.makedirs(LOCAL_ROOT)
    open(os.path.join(CONF, "config.yaml"), "w").close()  # no JobManager, no S3 keys: each call brings them
    jobs = []
    set_auth(False)
    try:
        s3 = s3client()
        stale = list(bucket_objects(PREFIX + "/"))
        for start in range(0, len(stale), 1000):  # a previous run's objects, when run again by hand
            s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": key} for key in stale[start:start + 1000]]})

        on_s3, local = flink_writes_savepoints(jobs)
        job_s3, restored_s3, detail_s3 = restore(on_s3[0], "prune-e2e-restored-s3")
        job_local, restored_local, detail_local = restore(local[0], "prune-e2e-restored-local")
        jobs += [job for job in (job_s3, job_local) if job]
        check(restored_s3 and restored_local,
              f"jobs restored from the oldest savepoints run ({detail_s3}; {detail_local})")
        print(f"     ({time.monotonic() - started:.1f} s: savepoints written, two jobs restored)", flush=True)

        local_prune(local, job_local)
        set_auth(True)
        try:
            s3_prune(on_s3, job_s3)
        finally:
            set_auth(False)

        # Every kept snapshot restores: run -s on the oldest kept one (the running jobs gone first).
        for job in (job_s3, job_local):
            if job:
                flink("cancel", *JOBMANAGER, job)
        for label, path in (("S3", on_s3[0]), ("local", local[0])):
            job, restored, detail = restore(path, f"prune-e2e-kept-{label}")
            if job:
                jobs.append(job)
                flink("cancel", *JOBMANAGER, job)
            check(restored, f"{label}: run -s <the oldest kept savepoint> --verify-restore restores it ({detail})")
        print(f"     ({time.monotonic() - started:.1f} s: pruned, kept savepoints restored)", flush=True)

        # Interrupted, on S3: authentication on for our client.
        copies, seconds = copy_on_s3(on_s3[-1], f"{PREFIX}/large", LARGE_SET)
        print(f"     (copied {copies} objects on S3 in {seconds:.1f} s)", flush=True)
        large_s3 = f"s3://{BUCKET}/{PREFIX}/large"
        set_auth(True)
        try:
            killed_on_s3(large_s3)
            after_interruption("S3", large_s3, with_keys(), {"complete": 1, "no_metadata": LARGE_SET - 1})
        finally:
            set_auth(False)
        large = os.path.join(SCRATCH, "large")
        os.makedirs(large)
        copy_locally(re.sub(r"^file:(//)?", "", local[-1]), large, LARGE_SET)
        killed_locally(large)
        after_interruption("local", large, [])
    finally:
        try:
            set_auth(False)
        except OSError:
            pass
        for job in jobs:
            flink("cancel", *JOBMANAGER, job)
    print(f"prune_e2e.py on Flink {VERSION}: {time.monotonic() - started:.1f} s", flush=True)
    if failures:
        print(f"{len(failures)} check(s) failed: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
