#!/usr/bin/env python3
"""End-to-end: `flink inspect` and `run -s --verify-restore` on savepoints of a real cluster.

Started by tests/e2e/run-e2e.sh (suite main, after side_by_side.py, on the same cluster); reads
the cluster's cluster.env (path in FLINK_CLUSTER_ENV) and runs our client (OUR_FLINK).
  1. Starts the sample job (tests/flink-job, uids source-id, throttle-id, mapper-id, sink-id) with
     its state in separate files (filesystem checkpoint storage, data-inline-threshold 0, set per
     job with -D), takes a canonical and a native savepoint with our client.
  2. Inspects both (-o json): every vertex id the JobManager reports is an operator id of the
     savepoint, every uid the job set hashes (--uid) to an operator id with the expected state,
     the recorded sizes agree with the files on disk, metadata version 6 (Flink 2.x) carries the
     uid strings and 4 (1.20) none.
  3. --expect-uids of the variant job (no mapper-id): exit 7 naming mapper-id's operator; 0 with -n.
     inspect --jar against the JobManager's plan of the variant job (program argument
     --without-mapper): mapper-id's state flagged (exit 7; with --expect-uids certain on 2.x, whose
     savepoints store uids, not on 1.20); of the full
     job: nothing dropped, the plan's vertices are the running job's; the uploaded jar is deleted.
  4. run -s <savepoint>/_metadata --verify-restore: exit 0, restore verified (also a savepoint with
     state inline in _metadata, taken of that restored job, is inspected); run -s of a copy of the
     savepoint whose _metadata is truncated (inspect says so: exit 15): the JobManager refuses it
     (exit 5; 14 should a version accept it and fail later); run -s "" (an empty variable in a
     pipeline): Flink starts the job without state, --verify-restore exits 14.
  5. Once the jobs are cancelled: savepoint -d --offline of the canonical and the native savepoint
     against the Java client's savepoint -d (through the JobManager) of two more taken of the same
     job (dispose_compare.py): the same stdout, the same files and directories removed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import dispose_compare
from side_by_side import CLUSTER, OUR_FLINK  # reads FLINK_CLUSTER_ENV

UIDS = ["source-id", "throttle-id", "mapper-id", "sink-id"]
WORKSPACE = os.path.dirname(CLUSTER["FLINK_SAVEPOINT_PATH_LOCAL"])
SCRATCH = os.path.join(WORKSPACE, "e2e-inspect")
JAR = CLUSTER["FLINK_JOB_JAR"]
VERSION = CLUSTER["FLINK_VERSION"]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def flink(*args, timeout=120):
    env = dict(os.environ)
    env.update(CLUSTER)
    return subprocess.run([OUR_FLINK] + list(args), capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL)


def flink_json(*args):
    result = flink(args[0], "-o", "json", *args[1:])  # before run's jar: what follows is the program's
    try:
        return result, json.loads(result.stdout)
    except ValueError:
        return result, {}


def rest(path):
    with urllib.request.urlopen(CLUSTER["FLINK_REST_URL"] + path, timeout=10) as response:
        return json.loads(response.read())


def wait_until(predicate, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except (OSError, KeyError, ValueError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def running(job):
    """Running with every vertex RUNNING (tasks deployed, so savepoints can be taken)."""
    details = rest(f"/jobs/{job}")
    return details["state"] == "RUNNING" and all(v["status"] == "RUNNING" for v in details["vertices"])


def submit(*args):
    result = flink("run", "-d", "-q", *args)
    if result.returncode != 0:
        raise AssertionError(f"run failed: {result.stderr}")
    return result.stdout.strip()


def savepoint(job, kind):
    result = flink("savepoint", "-q", "-type", kind, job, "file://" + os.path.join(SCRATCH, "savepoints"))
    if result.returncode != 0:
        raise AssertionError(f"savepoint failed: {result.stderr}")
    return result.stdout.strip()


def local(path):
    return re.sub(r"^file:(//)?", "", path)


def inspect_checks(label, path, vertices, expect_files):
    result, doc = flink_json("inspect", path, *[arg for uid in UIDS for arg in ("--uid", uid)])
    if not check(result.returncode == 0 and doc.get("status") == "completed", f"{label}: inspect -o json exits 0"):
        print(result.stdout, result.stderr)
        return None
    ids = {op["operator_id"] for op in doc["operators"]}
    by_id = {op["operator_id"]: op for op in doc["operators"]}
    check(set(vertices) <= ids, f"{label}: the job's vertex ids {sorted(vertices)} are operator ids of the savepoint")
    by_uid = {entry["uid"]: entry for entry in doc["uids"]}
    check(all(by_uid[uid]["in_savepoint"] for uid in UIDS), f"{label}: every uid hashes to an operator id in it")
    check(by_uid["mapper-id"]["has_state"] and by_uid["source-id"]["has_state"],
          f"{label}: mapper-id and source-id hold state")
    mapper = by_id.get(by_uid["mapper-id"]["operator_id"], {})
    check("managed_keyed" in mapper.get("state_kinds", []) and mapper.get("matched_uids") == ["mapper-id"],
          f"{label}: mapper-id's state is keyed state, and the table marks it")
    source = by_id.get(by_uid["source-id"]["operator_id"], {})
    check({"managed_operator", "coordinator"} <= set(source.get("state_kinds", [])),
          f"{label}: source-id has operator and coordinator state")
    version = doc["metadata_version"]
    check(version == (4 if VERSION.startswith("1.") else 6), f"{label}: metadata version {version}")
    if version >= 5:
        check({op["uid"] for op in doc["operators"]} >= set(UIDS), f"{label}: version {version} stores the uids")
        check(all(op["uid"] is None or by_uid.get(op["uid"], {}).get("operator_id") == op["operator_id"]
                  for op in doc["operators"]), f"{label}: each stored uid hashes to its operator id")
    else:
        check(all(op["uid"] is None for op in doc["operators"]), f"{label}: version 4 stores no uids")
    # Sizes: each operator's state = inline bytes + the bytes its file handles record; each file
    # exists with the recorded size; the directory holds exactly those files beside _metadata.
    files = [f for op in doc["operators"] for f in op["files"]]
    check(all(op["state_size"] == op["inline_size"] + sum(f["stored_size"] for f in op["files"])
              for op in doc["operators"]), f"{label}: operator sizes = inline + file handles")
    check(doc["state_size"] == sum(op["state_size"] for op in doc["operators"]), f"{label}: total state size")
    check(all(f["exists"] and f["size_on_disk"] == f["stored_size"] for f in files),
          f"{label}: {len(files)} state files exist with the recorded sizes")
    directory = local(path)
    on_disk = {name: os.path.getsize(os.path.join(directory, name)) for name in os.listdir(directory) if name != "_metadata"}
    check(sorted(os.path.basename(f["local_path"]) for f in files) == sorted(on_disk),
          f"{label}: the files are those in the directory ({len(on_disk)})")
    if expect_files:
        check(len(files) > 0 and doc["inline_size"] < doc["state_size"], f"{label}: state in separate files")
    else:
        check(not files and doc["inline_size"] == doc["state_size"], f"{label}: state inline in _metadata")
    text = flink("inspect", path, "--uid", "mapper-id")
    check(text.returncode == 0 and by_uid["mapper-id"]["operator_id"] in text.stdout, f"{label}: the text table")
    return doc


def savepoint_files():
    """Every file and directory (with a trailing '/') under the savepoints' directory."""
    root = os.path.join(SCRATCH, "savepoints")
    entries = set()
    for directory, subdirectories, files in os.walk(root):
        entries.update(os.path.join(directory, name) + "/" for name in subdirectories)
        entries.update(os.path.join(directory, name) for name in files)
    return entries


def dispose_side_by_side(ours, for_java):
    for kind in ("canonical", "native"):
        dispose_compare.compare(check, f"dispose {kind}, local", lambda path: flink("savepoint", "-d", path, "--offline"),
                                for_java[kind], local(for_java[kind]), ours[kind], local(ours[kind]), savepoint_files)
    result = flink("savepoint", "-d", ours["canonical"], "--offline")
    check(result.returncode == 4 and "Cannot find checkpoint or savepoint file/directory" in result.stderr,
          f"dispose --offline of a disposed savepoint: exit 4, Flink's message ({result.stderr.strip()[:200]})")


def main():
    started = time.monotonic()
    shutil.rmtree(SCRATCH, ignore_errors=True)
    os.makedirs(SCRATCH)
    jobs = []
    try:
        # State in files: filesystem checkpoint storage with a 0-byte inline threshold, per job.
        # (1.20 reads the key also under state.storage.fs.memory-threshold; 2.x under the new name.)
        files_config = ["-D", "state.checkpoint-storage=filesystem",
                        "-D", "execution.checkpointing.dir=file://" + os.path.join(SCRATCH, "checkpoints"),
                        "-D", "execution.checkpointing.data-inline-threshold=0b"]
        job = submit(*files_config, JAR, "--sleep-ms", "5", "--name", "inspect-e2e")
        jobs.append(job)
        wait_until(lambda: running(job), "the job to run")
        vertices = [v["id"] for v in rest(f"/jobs/{job}")["vertices"]]
        time.sleep(1.0)  # records flow, so the mapper has keyed state
        canonical = savepoint(job, "canonical")
        native = savepoint(job, "native")
        inspect_checks("canonical", canonical, vertices, expect_files=True)
        inspect_checks("native", native, vertices, expect_files=True)
        # Two more of the same job, for the Java client to dispose of (step 5).
        for_java = {"canonical": savepoint(job, "canonical"), "native": savepoint(job, "native")}

        # The restore check for the variant job that drops mapper-id.
        mapper_id = None
        result, doc = flink_json("inspect", canonical, "--expect-uids", "source-id,throttle-id,sink-id")
        dropped = doc.get("restore_check", {}).get("dropped", [])
        if dropped:
            mapper_id = dropped[0]["operator_id"]
        check(result.returncode == 7 and doc["error"]["class"] == "restore_mismatch" and len(dropped) == 1,
              "--expect-uids without mapper-id: exit 7, one operator's state dropped")
        uid_mapper = flink("inspect", "-q", canonical, "--uid", "mapper-id")
        check(mapper_id is not None and mapper_id in uid_mapper.stdout and mapper_id in doc["error"]["message"],
              "the dropped operator is mapper-id's")
        uid_file = os.path.join(SCRATCH, "uids.txt")
        with open(uid_file, "w") as handle:
            handle.write("source-id\nthrottle-id\nsink-id\n")
        result = flink("inspect", canonical, "--expect-uids-file", uid_file, "-n")
        check(result.returncode == 0 and "as -n allows" in result.stdout, "--expect-uids-file with -n: exit 0")
        result = flink("inspect", native, "--expect-uids", ",".join(UIDS))
        check(result.returncode == 0, "--expect-uids with every uid: exit 0")

        # Against the new jar's plan from the JobManager (inspect --jar, POST /jars/:id/plan): the
        # variant job has no vertex for mapper-id's state; the full job's vertices are the running
        # job's and take all state. The jar uploaded for each check is deleted again.
        jars_before = sorted(j["id"] for j in rest("/jars")["files"])
        result, doc = flink_json("inspect", canonical, "--jar", JAR, "--", "--without-mapper")
        ops = {op["operator_id"]: op for op in doc.get("plan_check", {}).get("operators", [])}
        check(result.returncode == 7 and doc.get("error", {}).get("class") == "restore_mismatch"
              and mapper_id in ops and ops[mapper_id]["verdict"] == "unknown" and ops[mapper_id]["certain"] is False
              and all(op["verdict"] == "head" for i, op in ops.items() if i != mapper_id)
              and mapper_id in doc["error"]["message"],
              f"inspect --jar <variant job>: mapper-id's state flagged, exit 7 ({result.returncode}, "
              f"{[(i, op['verdict']) for i, op in ops.items()]})")
        result, doc = flink_json("inspect", canonical, "--jar", JAR, "--expect-uids", "source-id,throttle-id,sink-id",
                                 "--", "--without-mapper")
        ops = {op["operator_id"]: op for op in doc.get("plan_check", {}).get("operators", [])}
        # Certain only where the savepoint stores the old operator's uid (version 5+: Flink 2.x); a
        # version 4 id may be a generated one that a chained operator of the new job reproduces.
        stores_uids = doc.get("metadata_version", 0) >= 5
        check(result.returncode == 7 and mapper_id in ops
              and ops[mapper_id]["verdict"] == ("dropped" if stores_uids else "unknown")
              and ops[mapper_id]["certain"] is stores_uids,
              f"inspect --jar <variant job> --expect-uids: mapper-id's state "
              f"{'certainly' if stores_uids else 'possibly'} dropped ({ops.get(mapper_id, {}).get('verdict')})")
        for label, path in (("canonical", canonical), ("native", native)):
            result, doc = flink_json("inspect", path, "--jar", JAR, "--", "--sleep-ms", "5")
            plan = doc.get("plan_check", {})
            check(result.returncode == 0 and plan.get("would_drop_state") is False and plan.get("operators")
                  and all(op["verdict"] == "head" and op["certain"] for op in plan["operators"])
                  and sorted(v["id"] for v in plan.get("vertices", [])) == sorted(vertices),
                  f"inspect --jar <full job>, {label}: nothing dropped, the plan's vertices are the running job's "
                  f"({result.returncode}, {result.stderr.strip()[:200]})")
        check(sorted(j["id"] for j in rest("/jars")["files"]) == jars_before, "inspect --jar deletes its uploaded jar")

        # Verified restore, from the _metadata file given as a file:// URI (Flink reports the directory).
        result, doc = flink_json("run", "-d", "-s", "file://" + local(canonical) + "/_metadata", "--verify-restore",
                                 JAR, "--sleep-ms", "5", "--name", "inspect-e2e-restored")
        if doc.get("job_id"):
            jobs.append(doc["job_id"])
        check(result.returncode == 0 and doc.get("restore_verified") is True
              and local(doc.get("restored_from", "")).rstrip("/") == local(canonical).rstrip("/"),
              f"run -s --verify-restore: verified ({doc.get('restored_from')})")
        if doc.get("job_id"):
            restored_job = doc["job_id"]
            wait_until(lambda: running(restored_job), "the restored job to run")
            inline = savepoint(restored_job, "canonical")  # default storage: state inline
            inspect_checks("canonical, inline", inline, [v["id"] for v in rest(f"/jobs/{restored_job}")["vertices"]],
                           expect_files=False)

        # A copy whose _metadata is cut short: inspect names the offset; the job cannot restore.
        broken = os.path.join(SCRATCH, "broken-savepoint")
        shutil.copytree(local(canonical), broken)
        metadata = os.path.join(broken, "_metadata")
        size = os.path.getsize(metadata)
        with open(metadata, "r+b") as handle:
            handle.truncate(size // 2)
        result = flink("inspect", broken)
        check(result.returncode == 15 and "at byte" in result.stderr and len(result.stderr.splitlines()) == 1,
              f"inspect of a truncated _metadata: exit 15, one line ({result.stderr.strip()})")
        result, doc = flink_json("run", "-d", "-s", broken, "--verify-restore", "-D", "client.timeout=20s",
                                 JAR, "--sleep-ms", "5")
        if doc.get("job_id"):
            jobs.append(doc["job_id"])
        check(result.returncode in (5, 14) and doc.get("restore_verified") is not True,
              f"run -s <truncated savepoint> --verify-restore fails: exit {result.returncode} "
              f"({doc.get('error', {}).get('message', '')[:200]})")
        if doc.get("job_id"):
            check(result.returncode == 14 and doc["error"]["class"] == "restore_not_verified",
                  "submitted, the job restored nothing: exit 14")
        # A pipeline whose savepoint variable is empty (run -s "$SAVEPOINT"): Flink starts the job
        # without state; the verification says so when client.timeout is up.
        result, doc = flink_json("run", "-d", "-s", "", "--verify-restore", "-D", "client.timeout=4s",
                                 JAR, "--sleep-ms", "5")
        if doc.get("job_id"):
            jobs.append(doc["job_id"])
        check(result.returncode == 14 and doc.get("error", {}).get("class") == "restore_not_verified"
              and doc.get("restore_verified") is False and "reported no restore" in doc["error"]["message"],
              f"run -s '' --verify-restore: the job started without state, exit 14 ({result.returncode})")

        for job in jobs:
            flink("cancel", job)
        jobs.clear()
        dispose_side_by_side({"canonical": canonical, "native": native}, for_java)
    finally:
        for job in jobs:
            flink("cancel", job)
    print(f"inspect_savepoints.py on Flink {VERSION}: {time.monotonic() - started:.1f} s", flush=True)
    if failures:
        print(f"{len(failures)} check(s) failed: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
