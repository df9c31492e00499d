#!/usr/bin/env python3
"""`flink snapshots` on an inventory of 1,000 snapshots in moto: requests per snapshot and wall time.

Usage (a moto server of its own, as for bench/s3_inspect.py, whose helpers this script imports):
    S3_PORT=19970 S3_WORK_DIR=build/s3-bench scripts/s3-server.sh up
    S3_ENV=build/s3-bench/s3.env python3 bench/snapshots_inventory.py [--count 1000] [--runs 3]
    S3_PORT=19970 S3_WORK_DIR=build/s3-bench scripts/s3-server.sh down

Run by hand, never in CI: nothing here asserts a time. It re-runs itself with the venv's python
(S3_PYTHON of s3.env: boto3/botocore). Goal: one listing pass and one GET per snapshot, under 5 s.

The inventory, s3://bench-snapshots-<count>/inventory/ (a bucket of its own, so that moto's listing
cost is the inventory's alone), written once and kept while the server runs (a key
bench-upload-complete outside the root says it is complete):
  * 40 % savepoints, savepoint-<job6>-<12 hex>/ of 25 jobs: _metadata (version 6, canonical or
    native) naming two state files relatively (the source's operator state, the mapper's state);
  * 60 % retained checkpoints, <jobId>/chk-<N>/ of 12 jobs (N ascending per job): _metadata naming
    the source's state and the RocksDB meta file relatively and two sst files in <jobId>/shared/
    by absolute s3:// paths, as incremental RocksDB does; each job has its shared/ and taskowned/
    directory markers;
  * one in 20 snapshots incomplete (a state file it names was never uploaded), one in 33 without
    _metadata (a savepoint or checkpoint killed midway: the source's state file, or only the
    directory marker); the rest complete.
  * 5 of the savepoint jobs and 3 of the checkpoint jobs run another application (other operator
    ids): two fingerprints.
The `_metadata` files are made with the benchmarks' writers (tests/fake/java_data.py's encoders,
bench/inspect_scale.py's CheckpointProperties and incremental RocksDB subtask, bench/s3_inspect.py's
handles); objects are 8 bytes. Uploaded with authentication off, 16 threads.

Then, with authentication ON (every request SigV4-signed with the IAM key of s3.env):
  * `flink snapshots -o json s3://…/inventory` once: exit 0, one row per generated snapshot with
    the status, kind, job id or prefix and checkpoint id it was generated with, two fingerprints;
    the S3 requests it made, counted from moto's request log by kind (list, HEAD, GET);
  * then --runs runs after a warm-up: wall time (median, min, max), CPU and peak RSS (GNU time).
Authentication is turned off again at the end.
"""
import argparse
import concurrent.futures
import json
import os
import random
import statistics
import struct
import time

# bench/s3_inspect.py re-runs this script with the venv's python (boto3) when needed, and puts
# tests/fake (java_data) on the path.
from s3_inspect import (CONF, ENDPOINT, HOME, S3_ARGS, TIME, UPLOAD_THREADS, ClientError, absolute_handle, fmt,
                        log_size, relative_handle, requests_since, run, s3client, set_auth, timed)
from inspect_scale import incremental_subtask, properties
from java_data import METADATA_MAGIC, i32, i64, utf

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLINK = os.environ.get("OUR_FLINK", os.path.join(REPO, "build", "bin", "flink"))
ROOT = "inventory"
MARKER = "bench-upload-complete"
PAYLOAD = b"state-01"  # bench/s3_inspect.py's handles say 8 bytes
GENERATION = "snapshots-inventory/1"  # bump when the layout below changes: the marker then says "upload again"

# The sample job's operators (tests/flink-job: uids source-id, throttle-id, mapper-id, sink-id) and
# another application's.
APPLICATIONS = {
    "sample": [("source", "bd9c186e89cc37a76d776844dfa8ccba"), ("throttle", "701f0af75af41f50ad1116e4cee19eea"),
               ("mapper", "c9cecfed5cae9d489451c50e442666e3"), ("sink", "b2bc5a6680a755404d35a7edb8fc77f4")],
    "other": [("source", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"), ("enricher", "1f2e3d4c5b6a79880716253443526170"),
              ("sink", "aa55aa55aa55aa55aa55aa55aa55aa55")],
}


# --- _metadata (version 6) ----------------------------------------------------------------------------
def checkpoint_properties():
    """CheckpointProperties of a checkpoint, as ObjectOutputStream writes it (the reader looks for
    the CheckpointType class); inspect_scale.properties() is a savepoint's."""
    out = bytearray(b"\xac\xed\x00\x05")
    out += b"\x73\x72" + utf("org.apache.flink.runtime.checkpoint.CheckpointProperties") + i64(1) + b"\x02"
    out += struct.pack(">H", 2)
    out += b"Z" + utf("forced")
    out += b"L" + utf("checkpointType") + b"\x74" + utf("Lorg/apache/flink/runtime/checkpoint/SnapshotType;")
    out += b"\x78\x70\x00"
    out += b"\x73\x72" + utf("org.apache.flink.runtime.checkpoint.CheckpointType") + i64(1) + b"\x02"
    out += struct.pack(">H", 1) + b"L" + utf("name") + b"\x74" + utf("Ljava/lang/String;") + b"\x78\x70"
    out += b"\x74" + utf("Checkpoint")
    return bytes(out)


def savepoint_properties(native):
    canonical = properties()
    return canonical.replace(b"\x74" + utf("CANONICAL"), b"\x74" + utf("NATIVE")) if native else canonical


def operator_state_subtask(stream):
    """Subtask 0 with one managed operator-state handle (state "offsets") in `stream`."""
    return (i32(0) + i32(1) + b"\x04" + i32(1) + utf("offsets") + b"\x00" + i32(1) + i64(0) + stream
            + i32(0) + b"\x00" + b"\x00" + i32(0) + i32(0))


def metadata(application, checkpoint_id, source_state, mapper_state, trailer):
    """The first operator holds `source_state` (an operator-state subtask), the third-from-last
    `mapper_state` (a whole subtask), the others nothing."""
    operators = APPLICATIONS[application]
    out = [i32(METADATA_MAGIC), i32(6), i64(checkpoint_id), i32(0), i32(len(operators))]
    for index, (name, operator_id) in enumerate(operators):
        subtasks = [operator_state_subtask(source_state)] if index == 0 else [mapper_state] if index == 2 else []
        out += [utf(name), utf(name + "-id"), bytes.fromhex(operator_id), i32(1), i32(128), b"\x00", i32(len(subtasks))]
        out += subtasks
    return b"".join(out) + trailer


# --- the inventory ----------------------------------------------------------------------------------
class Snapshot:
    def __init__(self, path, kind, job, checkpoint_id, application, status):
        self.path, self.kind, self.job, self.checkpoint_id = path, kind, job, checkpoint_id
        self.application, self.status = application, status
        self.objects = {}  # key -> body; directory markers end in /


def uuid_of(rng):
    hexes = "%032x" % rng.getrandbits(128)
    return f"{hexes[:8]}-{hexes[8:12]}-4{hexes[13:16]}-a{hexes[17:20]}-{hexes[20:]}"


def inventory(bucket, count):
    """The snapshots and every object of the inventory (shared/ files and job markers included)."""
    rng = random.Random(f"snapshots-{count}")
    savepoint_jobs = ["%032x" % rng.getrandbits(128) for _ in range(25)]
    checkpoint_jobs = ["%032x" % rng.getrandbits(128) for _ in range(12)]
    shared_objects = {}
    snapshots = []
    next_id = {}
    for number in range(count):
        status = "incomplete" if number % 40 in (1, 7) else "no_metadata" if number % 33 == 5 else "complete"
        if number % 5 < 2:
            job = savepoint_jobs[number % len(savepoint_jobs)]
            kind, application = "savepoint", "other" if savepoint_jobs.index(job) < 5 else "sample"
            directory = f"{ROOT}/savepoint-{job[:6]}-{rng.getrandbits(48):012x}"
        else:
            job = checkpoint_jobs[number % len(checkpoint_jobs)]
            kind, application = "checkpoint", "other" if checkpoint_jobs.index(job) < 3 else "sample"
        checkpoint_id = next_id[job] = next_id.get(job, rng.randrange(1, 50)) + rng.randrange(1, 4)
        if kind == "checkpoint":
            directory = f"{ROOT}/{job}/chk-{checkpoint_id}"
        snapshot = Snapshot(f"s3://{bucket}/{directory}", kind, job, checkpoint_id, application, status)
        source, mapper = uuid_of(rng), uuid_of(rng)
        files = {f"{directory}/{source}": relative_handle(source)}
        if kind == "savepoint":
            files[f"{directory}/{mapper}"] = relative_handle(mapper)
            mapper_state = operator_state_subtask(relative_handle(mapper))
            trailer = savepoint_properties(native=number % 3 == 0)
        else:
            ssts = [f"{ROOT}/{job}/shared/{uuid_of(rng)}" for _ in range(2)]
            for key in ssts[1 if status == "incomplete" and number % 2 else 0:]:  # or an sst never written
                shared_objects[key] = PAYLOAD
            files[f"{directory}/{mapper}"] = None  # the RocksDB meta file, named absolutely by the writer
            mapper_state = incremental_subtask(0, [(f"{k:06d}.sst", absolute_handle(f"s3://{bucket}/{key}"))
                                                   for k, key in enumerate(ssts)], [], f"s3://{bucket}/{directory}/{mapper}")
            trailer = checkpoint_properties()
        body = metadata(application, checkpoint_id, relative_handle(source), mapper_state, trailer)
        keys = list(files)
        if status == "incomplete" and not (kind == "checkpoint" and number % 2):
            keys.remove(keys[number % len(keys)])  # a state file it names was never written
        if status == "no_metadata":
            keys = keys[:1] if number % 2 else []  # the source's state file, or only the marker
            snapshot.objects[directory + "/"] = b""
        else:
            snapshot.objects[f"{directory}/_metadata"] = body
        for key in keys:
            snapshot.objects[key] = PAYLOAD
        snapshots.append(snapshot)
    for job in checkpoint_jobs:
        shared_objects[f"{ROOT}/{job}/shared/"] = b""
        shared_objects[f"{ROOT}/{job}/taskowned/"] = b""
    return snapshots, shared_objects


# --- S3 -------------------------------------------------------------------------------------------
def uploaded(s3, bucket, total):
    try:
        body = s3.get_object(Bucket=bucket, Key=MARKER)["Body"].read()
    except ClientError:
        return False
    return body == f"{GENERATION} {total}".encode()


def upload(s3, bucket, objects):
    try:
        s3.create_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    with concurrent.futures.ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        for future in [pool.submit(s3.put_object, Bucket=bucket, Key=key, Body=body) for key, body in objects.items()]:
            future.result()
    s3.put_object(Bucket=bucket, Key=MARKER, Body=f"{GENERATION} {len(objects)}".encode())


# --- checks ---------------------------------------------------------------------------------------
def check_document(text, snapshots):
    """Exit the script unless the -o json document lists exactly the generated snapshots as generated."""
    doc = json.loads(text)
    rows = {row["path"]: row for row in doc["snapshots"]}
    problems = []
    if len(doc["snapshots"]) != len(snapshots) or len(rows) != len(snapshots):
        problems.append(f"{len(doc['snapshots'])} rows ({len(rows)} paths) for {len(snapshots)} snapshots")
    fingerprints = {}
    for snapshot in snapshots:
        row = rows.get(snapshot.path)
        if row is None:
            problems.append(f"{snapshot.path} not listed")
            continue
        want = {"kind": snapshot.kind, "status": snapshot.status, "job_prefix": snapshot.job[:6],
                "job_id": snapshot.job if snapshot.kind == "checkpoint" else None}
        if snapshot.status != "no_metadata":
            want["checkpoint_id"] = snapshot.checkpoint_id
            fingerprints.setdefault(snapshot.application, set()).add(row.get("fingerprint"))
        wrong = {k: row.get(k) for k, v in want.items() if row.get(k) != v}
        if wrong:
            problems.append(f"{snapshot.path}: {wrong} (generated {want})")
        if snapshot.status == "incomplete" and row.get("missing_files") != 1:
            problems.append(f"{snapshot.path}: missing_files {row.get('missing_files')}, not 1")
    values = [v for group in fingerprints.values() for v in group]
    if any(len(group) != 1 for group in fingerprints.values()) or len(set(values)) != len(fingerprints) or None in values:
        problems.append(f"fingerprints {fingerprints}: not one per application")
    if problems:
        raise SystemExit(f"the listing is not the inventory ({len(problems)} problems): " + "; ".join(problems[:10]))
    return doc


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="snapshots in the inventory")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--upload-only", action="store_true", help="upload the inventory, measure nothing")
    options = parser.parse_args()
    if not os.access(TIME, os.X_OK):
        raise SystemExit(f"{TIME} (GNU time) is missing: apt-get install time")
    if not os.access(FLINK, os.X_OK):
        raise SystemExit(f"{FLINK} is not built (cmake --build build)")
    for directory in (HOME, CONF):
        os.makedirs(directory, exist_ok=True)
    open(os.path.join(CONF, "config.yaml"), "a").close()

    bucket = f"bench-snapshots-{options.count}"
    snapshots, objects = inventory(bucket, options.count)
    for snapshot in snapshots:
        objects.update(snapshot.objects)
    by_status = {s: sum(1 for x in snapshots if x.status == s) for s in ("complete", "incomplete", "no_metadata")}
    print(f"inventory s3://{bucket}/{ROOT}: {len(snapshots)} snapshots "
          f"({sum(1 for x in snapshots if x.kind == 'savepoint')} savepoints), {by_status}, {len(objects)} keys "
          f"({sum(1 for k in objects if k.endswith('/'))} directory markers)", flush=True)
    set_auth(False)
    s3 = s3client(UPLOAD_THREADS)
    if not uploaded(s3, bucket, len(objects)):
        started = time.monotonic()
        upload(s3, bucket, objects)
        seconds = time.monotonic() - started
        print(f"uploaded {len(objects)} objects in {seconds:.1f} s ({len(objects) / seconds:.0f}/s)", flush=True)
    if options.upload_only:
        return

    url = f"s3://{bucket}/{ROOT}"
    set_auth(True)
    try:
        offset = log_size()
        code, out, err, wall, cpu, rss = run(["snapshots", "-o", "json"] + S3_ARGS + [url])
        if code != 0:
            raise SystemExit(f"snapshots exited {code}: {(err or out).strip()[:500]}")
        counts = requests_since(offset)
        check_document(out, snapshots)
        print(f"first run {wall:.3f} s: {len(snapshots)} rows as generated; requests {counts}", flush=True)
        walls, cpus, peak = timed(["snapshots", "-o", "json"] + S3_ARGS + [url], options.runs)
    finally:
        set_auth(False)

    with_metadata = sum(1 for x in snapshots if x.status != "no_metadata")
    listing_pages = -(-sum(1 for k in objects if k.startswith(ROOT + "/")) // 1000)
    print(f"\n{options.runs} runs after a warm-up, seconds: median (min–max); moto {ENDPOINT}\n")
    print("| snapshots | keys under the root | `snapshots -o json` wall | CPU | peak RSS | list | HEAD | GET | "
          "requests per snapshot | goal (list pages of a flat listing / GET) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    total = counts["list"] + counts["HEAD"] + counts["GET"] + counts["other"]
    print(f"| {len(snapshots):,} | {sum(1 for k in objects if k.startswith(ROOT + '/')):,} | {fmt(walls)} | "
          f"{statistics.median(cpus):.3f} | {peak / 1024:.1f} MiB | {counts['list']} | {counts['HEAD']} | {counts['GET']} | "
          f"{total / len(snapshots):.2f} | {listing_pages} / {with_metadata} |")
    if counts["error"] or counts["other"]:
        print(f"\nnote: {counts['error']} error answer(s), {counts['other']} other request(s)")


if __name__ == "__main__":
    main()
