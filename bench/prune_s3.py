#!/usr/bin/env python3
"""`flink prune` at scale on S3: 900 of 1,000 savepoints deleted, against moto with signature checking on.

Usage (a moto server of its own, as for bench/s3_inspect.py):
    S3_PORT=19970 S3_WORK_DIR=build/s3-bench scripts/s3-server.sh up
    S3_ENV=build/s3-bench/s3.env python3 bench/prune_s3.py [--runs 3] [--snapshots 1000] [--keep 100] [--files 3]
    S3_PORT=19970 S3_WORK_DIR=build/s3-bench scripts/s3-server.sh down

Run by hand, never in CI: nothing here asserts a time. It re-runs itself with the venv's python
(S3_PYTHON of s3.env: boto3/botocore), and reuses bench/s3_inspect.py's synthetic `_metadata`
writer, S3 client, request-log reader and process timer.

The bucket bench-prune holds --snapshots savepoints s3://bench-prune/savepoints/savepoint-<6hex>-<12hex>/,
each a `_metadata` (metadata version 3, one operator, one subtask per file, its checkpoint id the
savepoint's number) naming --files state files of a few bytes relatively, as Flink lays out a
savepoint without entropy injection. Objects are uploaded with authentication off (16 threads).

Then, with authentication ON, `flink prune --offline --keep-last <keep> --group-by root -o json`
of the bucket's savepoints directory:
  1. once through a recording proxy in this process (tests/fake/s3_proxy.py: in front of moto,
     headers passed as they are, so the signatures still match): every DeleteObjects request's
     keys, to check the batches
     (at most 1,000 keys each, all the `_metadata` first, then the state files); the savepoints
     deleted are uploaded again afterwards;
  2. --runs times straight against moto, the deleted savepoints uploaded again before each run:
     wall time (median, min, max), CPU time (user+sys) and peak RSS (GNU time), and the requests
     by kind counted from moto's request log (<workspace>/moto.log): ListObjectsV2, GET, HEAD,
     DeleteObjects, other.
Each run must exit 0, delete exactly snapshots - keep savepoints and leave keep savepoints of
files + 1 objects each. Prints a markdown table row. Authentication is turned off again at the end.
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import statistics
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
import s3_inspect as bench  # noqa: E402  (bench/s3_inspect.py: re-runs with the venv's python, reads S3_ENV)
from java_data import i64  # noqa: E402  (tests/fake/java_data.py, on the path bench/s3_inspect.py set)
from s3_proxy import S3Proxy  # noqa: E402  (tests/fake/s3_proxy.py)

BUCKET = "bench-prune"
DIRECTORY = "savepoints"
UPLOAD_THREADS = bench.UPLOAD_THREADS
URL = f"s3://{BUCKET}/{DIRECTORY}"


# --- the savepoints -----------------------------------------------------------------------------------
def savepoints(count, files):
    """{savepoint directory key: {object key: bytes}}: a _metadata naming `files` files, and the files."""
    rng = random.Random(f"prune-{count}-{files}")
    found = {}
    for number in range(count):
        directory = f"{DIRECTORY}/savepoint-{rng.getrandbits(24):06x}-{rng.getrandbits(48):012x}"
        names = [f"{rng.getrandbits(128):032x}" for _ in range(files)]
        data = bench.metadata([bench.relative_handle(name) for name in names])
        data = data[:8] + i64(number + 1) + data[16:]  # the checkpoint id: distinct, so no two tie
        objects = {f"{directory}/{name}": b"state-01"[:bench.FILE_BYTES] for name in names}
        objects[f"{directory}/_metadata"] = data
        found[directory] = objects
    return found


def stored_keys(s3):
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        keys.update(obj["Key"] for obj in page.get("Contents", []))
    return keys


def upload_missing(s3, wanted):
    """Makes the bucket hold `wanted` alone: deletes other objects, uploads the savepoints whose
    objects are not all there (state files first, then `_metadata`, as Flink writes them).
    Returns (objects uploaded, seconds)."""
    try:
        s3.create_bucket(Bucket=BUCKET)
    except bench.ClientError as error:
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    present = stored_keys(s3)
    extra = sorted(present - {key for objects in wanted.values() for key in objects})  # another --snapshots/--files
    for start in range(0, len(extra), 1000):
        s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": key} for key in extra[start:start + 1000]]})
    missing = [objects for objects in wanted.values() if not set(objects) <= present]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        for wave in ("files", "_metadata"):
            jobs = [pool.submit(s3.put_object, Bucket=BUCKET, Key=key, Body=body)
                    for objects in missing for key, body in objects.items() if key.endswith("/_metadata") == (wave != "files")]
            for job in jobs:
                job.result()
    return sum(len(objects) for objects in missing), time.monotonic() - started


def phases(events):
    """Where the proxied run's time went: the first listing, the _metadata reads, the deletes, and
    the listing of each deleted directory after them (seconds from the first request)."""
    events = sorted(events)
    if not events:
        return "no requests"
    origin = events[0][0]
    deletes = [e for e in events if e[2] == "DeleteObjects"]
    gets = [e for e in events if e[2] == "GET"]
    first_get = gets[0][0] if gets else deletes[0][0]
    after = [e for e in events if deletes and e[0] >= deletes[-1][1]]
    parts = [f"listing {first_get - origin:.2f} s",
             f"{len(gets)} GETs {(gets[-1][1] - first_get) if gets else 0:.2f} s",
             f"{len(deletes)} DeleteObjects {deletes[-1][1] - deletes[0][0]:.2f} s" if deletes else "no DeleteObjects",
             f"{len(after)} listings after them {(after[-1][1] - after[0][0]) if after else 0:.2f} s"
             f" ({max((sum(1 for o in after if o[0] <= e[0] < o[1] - 0.001) for e in after), default=0)} at most at once)"]
    return ", ".join(parts)


# --- requests from moto's log ---------------------------------------------------------------------------
def delete_requests_since(offset):
    with open(bench.MOTO_LOG, "rb") as handle:
        handle.seek(offset)
        text = handle.read().decode(errors="replace")
    return len(re.findall(rf'"(?:\x1b\[[0-9;]*m)?POST /{BUCKET}/?\?delete', text))


# --- prune ----------------------------------------------------------------------------------------------
def prune_args(endpoint, keep):
    return ["prune", "--offline", "--keep-last", str(keep), "--group-by", "root", "-o", "json",
            "-D", f"s3.endpoint={endpoint}", "-D", "s3.path.style.access=true",
            "-D", f"s3.access-key={bench.KEY}", "-D", f"s3.secret-key={bench.SECRET}", "-D", "client.timeout=900s", URL]


def checked_run(args, wanted, keep, s3, count_requests=False):
    """One prune: (wall s, CPU s, peak RSS KiB, requests by kind or None); exits unless it deleted
    exactly what it should. The requests are counted before this script lists the bucket."""
    offset = bench.log_size()
    code, out, err, wall, cpu, rss = bench.run(args, timeout=1000)
    if code != 0:
        raise SystemExit(f"prune exited {code}: {err.strip()[:500]}")
    by_kind = None
    if count_requests:
        by_kind = bench.requests_since(offset)  # waits for moto's log to settle
        by_kind["DeleteObjects"] = delete_requests_since(offset)
        by_kind["other"] -= by_kind["DeleteObjects"]
    doc = json.loads(out)
    deleted, kept = len(doc["deleted"]), len(doc["kept"])
    objects_left = len(stored_keys(s3))
    files_each = len(next(iter(wanted.values())))
    if deleted != len(wanted) - keep or kept != keep or doc["not_deleted"] or objects_left != keep * files_each:
        raise SystemExit(f"prune deleted {deleted}, kept {kept}, not deleted {len(doc['not_deleted'])}, "
                         f"{objects_left} objects left (expected {len(wanted) - keep}, {keep}, 0, {keep * files_each})")
    return wall, cpu, rss, by_kind


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--snapshots", type=int, default=1000)
    parser.add_argument("--keep", type=int, default=100)
    parser.add_argument("--files", type=int, default=3, help="state files per savepoint")
    options = parser.parse_args()
    if not os.access(bench.TIME, os.X_OK):
        raise SystemExit(f"{bench.TIME} (GNU time) is missing: apt-get install time")
    if not os.access(bench.FLINK, os.X_OK):
        raise SystemExit(f"{bench.FLINK} is not built (cmake --build build)")
    for directory in (bench.HOME, bench.CONF):
        os.makedirs(directory, exist_ok=True)
    open(os.path.join(bench.CONF, "config.yaml"), "a").close()

    wanted = savepoints(options.snapshots, options.files)
    total_objects = options.snapshots * (options.files + 1)
    going = (options.snapshots - options.keep) * (options.files + 1)
    s3 = bench.s3client(UPLOAD_THREADS)
    bench.set_auth(False)
    uploaded, seconds = upload_missing(s3, wanted)
    print(f"{options.snapshots} savepoints, {total_objects} objects in s3://{BUCKET}: uploaded {uploaded} in {seconds:.1f} s",
          flush=True)

    # 1. Through the recording proxy: the DeleteObjects batches.
    proxy = S3Proxy(bench.ENDPOINT)
    bench.set_auth(True)
    try:
        checked_run(prune_args(proxy.url, options.keep), wanted, options.keep, s3)
    finally:
        bench.set_auth(False)
        proxy.close()
    batches = proxy.batches
    print("through the proxy, by phase: " + phases(proxy.events), flush=True)
    sizes = [len(batch) for batch in batches]
    metadata_first = [all(key.endswith("/_metadata") for key in batch) for batch in batches]
    first_is_metadata = (bool(batches) and sum(1 for key in batches[0] if key.endswith("/_metadata")) == options.snapshots - options.keep
                         and metadata_first[0] and not any(metadata_first[1:]))
    print(f"DeleteObjects batches (keys): {sizes}; the {options.snapshots - options.keep} _metadata first, alone: "
          f"{first_is_metadata}; {sum(sizes)} keys in all ({going} objects went)", flush=True)
    if max(sizes, default=0) > 1000 or sum(sizes) != going or not first_is_metadata:
        raise SystemExit("the DeleteObjects batches are not as designed")

    # 2. Straight to moto: wall time and requests.
    walls, cpus, peak, counts = [], [], 0, []
    for number in range(options.runs):
        bench.set_auth(False)
        uploaded, seconds = upload_missing(s3, wanted)
        print(f"run {number + 1}: uploaded {uploaded} objects again in {seconds:.1f} s", flush=True)
        bench.set_auth(True)
        try:
            wall, cpu, rss, by_kind = checked_run(prune_args(bench.ENDPOINT, options.keep), wanted, options.keep, s3,
                                                  count_requests=True)
        finally:
            bench.set_auth(False)
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, rss)
        counts.append(by_kind)
        print(f"run {number + 1}: {wall:.3f} s wall, {cpu:.3f} s CPU, peak {rss / 1024:.1f} MiB; requests {by_kind}",
              flush=True)
    upload_missing(s3, wanted)  # leaves the bucket as it was for the next invocation

    c = counts[0]
    same = all(other == c for other in counts[1:])
    print(f"\n{options.runs} runs, seconds: median (min–max); requests of the first run"
          f"{'' if same else ' (the runs differed: ' + str(counts) + ')'}\n")
    print("| savepoints (objects) | deleted (objects) | wall | CPU | peak RSS | ListObjectsV2 | GET | HEAD | "
          "DeleteObjects (keys each) | other | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {options.snapshots:,} ({total_objects:,}) | {options.snapshots - options.keep:,} ({going:,}) | {bench.fmt(walls)} | "
          f"{statistics.median(cpus):.3f} | {peak / 1024:.1f} MiB | {c['list']} | {c['GET']} | {c['HEAD']} | "
          f"{c['DeleteObjects']} ({', '.join(str(s) for s in sizes)}) | {c['other']} | {c['error']} |")


if __name__ == "__main__":
    main()
