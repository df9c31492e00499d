#!/usr/bin/env python3
"""`flink inspect s3://...` at scale, against moto with signature checking on.

Usage (a moto server of its own, so that test runs on the default port and workspace are not
disturbed):
    S3_PORT=19970 S3_WORK_DIR=build/s3-bench scripts/s3-server.sh up
    S3_ENV=build/s3-bench/s3.env python3 bench/s3_inspect.py [--runs 5] [--sizes 10,1000,10000,100000]
                                                             [--entropy-sizes 10,1000,10000]
    S3_PORT=19970 S3_WORK_DIR=build/s3-bench scripts/s3-server.sh down

Run by hand, never in CI: nothing here asserts a time. It re-runs itself with the venv's python
(S3_PYTHON of s3.env: boto3/botocore).

Each scenario is a synthetic savepoint (metadata version 3, one operator per 1,000 state files,
each subtask holding one managed operator-state handle) in a bucket of its own, so that moto's
listing cost is that of the scenario alone:
  relative N  s3://bench-rel-N/savepoints/savepoint-b3c4e5-N/{_metadata, N files}, the files
              named in _metadata relatively (type 6), as every non-entropy savepoint is: the
              client lists the directory (ListObjectsV2, 1,000 keys a page);
  entropy N   _metadata in s3://bench-ent-N/savepoints/savepoint-e1e2e3-N/, each file under a
              prefix of its own, s3://bench-ent-N/<4 random chars>/savepoints/savepoint-…/<uuid>,
              named absolutely (type 2), as Flink's entropy injection writes them: a HEAD per file.
Files are a few bytes each; they are uploaded once with authentication off (16 threads), and
kept: a marker key bench-upload-complete says a bucket is complete, so a second run only measures.

Then, with authentication ON (every request SigV4-signed with the IAM key of s3.env), for each
scenario:
  * `flink inspect -o json s3://…` once: exit 0 and every state file present (none missing), and
    the S3 requests it made, counted from moto's request log (<workspace>/moto.log, one line per
    request) by kind: HEAD, list (GET ?list-type=2), GET;
  * `flink inspect -q s3://…`, one warm-up then --runs runs: wall time (median, min, max), CPU
    time (user+sys, median) and peak resident memory (largest of the runs; both from GNU time);
  * the alternative an operator has today, `aws s3 cp --recursive` then a local inspect: the
    objects downloaded with boto3 in this process (ListObjectsV2 and a GetObject per object, 10
    at a time as the AWS CLI does) into a fresh directory, timed, then `flink inspect -q` of that
    copy timed as above. An entropy savepoint's files are outside its directory: the whole
    bucket (that savepoint alone) is downloaded, and the local inspect cannot check them (they
    are s3:// paths, "not on a local file system").
The client runs with an empty conf dir, a scratch HOME and no AWS_* variables; the keys come
from -D s3.endpoint/s3.path.style.access/s3.access-key/s3.secret-key.
Prints one markdown table row per scenario. Authentication is turned off again at the end.
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import statistics
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fake"))
from java_data import i32, i64, utf  # noqa: E402  (tests/fake/java_data.py)

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    python = None
    if os.environ.get("S3_ENV") and os.path.isfile(os.environ["S3_ENV"]):
        with open(os.environ["S3_ENV"]) as handle:
            found = re.search(r"^export S3_PYTHON=(.*)$", handle.read(), re.M)
            python = found.group(1).strip("'\"") if found else None
    if python and os.path.realpath(sys.executable) != os.path.realpath(python):
        os.execv(python, [python] + sys.argv)
    sys.exit("s3_inspect.py: boto3 is missing: set S3_ENV to the s3.env of scripts/s3-server.sh up")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLINK = os.environ.get("OUR_FLINK", os.path.join(REPO, "build", "bin", "flink"))
FILES_PER_OPERATOR = 1000
FILE_BYTES = 8
UPLOAD_THREADS = 16
DOWNLOAD_THREADS = 10  # the AWS CLI's default max_concurrent_requests
MARKER = "bench-upload-complete"


def load_env(path):
    env = {}
    with open(path) as handle:
        for line in handle:
            match = re.match(r"export (\w+)=(.*)$", line.strip())
            if match:
                env[match.group(1)] = match.group(2).strip("'\"")
    return env


S3ENV_PATH = os.path.abspath(os.environ.get("S3_ENV", os.path.join(REPO, "build", "s3-bench", "s3.env")))
S3ENV = load_env(S3ENV_PATH)
WORKSPACE = os.path.dirname(S3ENV_PATH)
MOTO_LOG = os.path.join(WORKSPACE, "moto.log")
SCRATCH = os.path.join(WORKSPACE, "bench")
ENDPOINT = S3ENV["S3_ENDPOINT"]
KEY, SECRET = S3ENV["S3_ACCESS_KEY"], S3ENV["S3_SECRET_KEY"]


# --- _metadata (version 3, MetadataV3Serializer) --------------------------------------------------------


def metadata(handles):
    """One operator per FILES_PER_OPERATOR handles, one subtask per handle, each with one managed
    operator-state handle (type 4, state "bench-state", one offset) in the given StreamStateHandle."""
    chunks = [handles[i:i + FILES_PER_OPERATOR] for i in range(0, len(handles), FILES_PER_OPERATOR)]
    out = [i32(0x4960672D), i32(3), i64(42), i32(0), i32(len(chunks))]
    for number, chunk in enumerate(chunks):
        max_parallelism = 128
        while max_parallelism < len(chunk):
            max_parallelism *= 2
        out += [struct.pack(">QQ", 0xBE0C4000 + number, 0x5EED0000 + number), i32(len(chunk)), i32(max_parallelism),
                b"\x00", i32(len(chunk))]
        for index, handle in enumerate(chunk):
            out += [i32(index), i32(1), b"\x04", i32(1), utf("bench-state"), b"\x00", i32(1), i64(0), handle,
                    i32(0), b"\x00", b"\x00", i32(0), i32(0)]
    return b"".join(out)


def relative_handle(name):
    return b"\x06" + utf(name) + i64(FILE_BYTES)


def absolute_handle(path):
    return b"\x02" + i64(FILE_BYTES) + utf(path)


class Scenario:
    def __init__(self, kind, count):
        self.kind, self.count = kind, count
        rng = random.Random(f"{kind}-{count}")
        names = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]
        if kind == "relative":
            self.bucket = f"bench-rel-{count}"
            self.directory = f"savepoints/savepoint-b3c4e5-{count:012d}"
            self.files = {f"{self.directory}/{name}": name for name in names}
            handles = [relative_handle(name) for name in names]
        else:
            self.bucket = f"bench-ent-{count}"
            self.directory = f"savepoints/savepoint-e1e2e3-{count:012d}"
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            prefixes = set()
            while len(prefixes) < count:  # distinct: every file alone under its prefix
                prefixes.add("".join(rng.choice(alphabet) for _ in range(4)))
            keys = [f"{prefix}/{self.directory}/{name}" for prefix, name in zip(sorted(prefixes), names)]
            self.files = {key: key for key in keys}
            handles = [absolute_handle(f"s3://{self.bucket}/{key}") for key in keys]
        self.metadata = metadata(handles)
        self.url = f"s3://{self.bucket}/{self.directory}"

    @property
    def label(self):
        return f"{self.kind} {self.count:,}"


# --- S3 --------------------------------------------------------------------------------------------
def s3client(threads):
    return boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id=KEY,
                        aws_secret_access_key=SECRET,
                        config=Config(s3={"addressing_style": "path"}, max_pool_connections=threads,
                                      retries={"max_attempts": 3}, connect_timeout=5, read_timeout=120))


def set_auth(on):
    request = urllib.request.Request(ENDPOINT + "/moto-api/reset-auth", data=b"0" if on else b"inf",
                                     method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10) as response:
        if json.loads(response.read()).get("status") != "ok":
            raise SystemExit("moto refused reset-auth")


def uploaded(s3, scenario):
    try:
        body = s3.get_object(Bucket=scenario.bucket, Key=MARKER)["Body"].read()
    except ClientError:
        return False
    return body == str(len(scenario.files)).encode()


def upload(s3, scenario):
    try:
        s3.create_bucket(Bucket=scenario.bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    started = time.monotonic()
    payload = b"state-01"[:FILE_BYTES]
    with concurrent.futures.ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        for future in [pool.submit(s3.put_object, Bucket=scenario.bucket, Key=key, Body=payload) for key in scenario.files]:
            future.result()
    s3.put_object(Bucket=scenario.bucket, Key=f"{scenario.directory}/_metadata", Body=scenario.metadata)
    s3.put_object(Bucket=scenario.bucket, Key=MARKER, Body=str(len(scenario.files)).encode())
    return time.monotonic() - started


def download(s3, scenario, target):
    """`aws s3 cp --recursive`: list, then a GET per object, DOWNLOAD_THREADS at a time. Relative:
    the savepoint directory; entropy: the whole bucket (the files are not under the directory)."""
    shutil.rmtree(target, ignore_errors=True)
    prefix = scenario.directory + "/" if scenario.kind == "relative" else ""
    started = time.monotonic()
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=scenario.bucket, Prefix=prefix):
        keys += [obj["Key"] for obj in page.get("Contents", []) if not obj["Key"].endswith("/") and obj["Key"] != MARKER]
    made = set()
    lock = threading.Lock()

    def get(key):
        path = os.path.join(target, key)
        parent = os.path.dirname(path)
        with lock:
            fresh = parent not in made
            made.add(parent)
        if fresh:
            os.makedirs(parent, exist_ok=True)
        body = s3.get_object(Bucket=scenario.bucket, Key=key)["Body"].read()
        with open(path, "wb") as handle:
            handle.write(body)

    with concurrent.futures.ThreadPoolExecutor(DOWNLOAD_THREADS) as pool:
        for future in [pool.submit(get, key) for key in keys]:
            future.result()
    return time.monotonic() - started, len(keys)


# --- our client --------------------------------------------------------------------------------------
HOME = os.path.join(SCRATCH, "home")
CONF = os.path.join(SCRATCH, "client-conf")


def client_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FLINK_"))}
    env.update(HOME=HOME, FLINK_CONF_DIR=CONF)
    return env


# client.timeout bounds the whole command (default 60 s): moto needs about 1.3 s per listing page
# of a 100,000-key bucket (it scans the bucket for each page), so 100,000 files take about 130 s.
S3_ARGS = ["-D", f"s3.endpoint={ENDPOINT}", "-D", "s3.path.style.access=true",
           "-D", f"s3.access-key={KEY}", "-D", f"s3.secret-key={SECRET}", "-D", "client.timeout=900s"]


TIME = "/usr/bin/time"  # GNU time: the child's own rusage (wait4 here would count this python's pages, forked)


def run(args, timeout=600):
    """(exit code, stdout, stderr, wall s, cpu s, peak RSS KiB) of one run of our client."""
    usage_file = os.path.join(SCRATCH, "rusage")
    started = time.monotonic()
    completed = subprocess.run([TIME, "-o", usage_file, "-f", "%U %S %M", FLINK] + args, capture_output=True,
                               stdin=subprocess.DEVNULL, env=client_env(), timeout=timeout)
    wall = time.monotonic() - started
    with open(usage_file) as handle:
        user, system, rss = handle.read().split()[-3:]  # after "Command exited with non-zero status N"
    return (completed.returncode, completed.stdout.decode(errors="replace"), completed.stderr.decode(errors="replace"),
            wall, float(user) + float(system), int(rss))


def timed(args, runs, warmup=1):
    """`warmup` runs, then `runs` runs: wall times, CPU times, the largest peak RSS (KiB)."""
    walls, cpus, peak = [], [], 0
    for number in range(runs + warmup):
        code, _, err, wall, cpu, rss = run(args, timeout=1000)
        if code != 0:
            raise SystemExit(f"flink {' '.join(args[-2:])} failed ({code}): {err.strip()}")
        if number >= warmup:
            walls.append(wall)
            cpus.append(cpu)
            peak = max(peak, rss)
    return walls, cpus, peak


def log_size():
    return os.path.getsize(MOTO_LOG)


def requests_since(offset):
    """The requests moto logged after `offset`, by kind; waits until the log stops growing (moto
    writes a line once the response is sent)."""
    size, stable = log_size(), 0
    while stable < 3:
        time.sleep(0.1)
        now = log_size()
        stable = stable + 1 if now == size else 0
        size = now
    with open(MOTO_LOG, "rb") as handle:
        handle.seek(offset)
        text = handle.read().decode(errors="replace")
    counts = {"HEAD": 0, "list": 0, "GET": 0, "other": 0, "error": 0}
    for method, target, status in re.findall(r'"(?:\x1b\[[0-9;]*m)?([A-Z]+) (\S+) HTTP/[0-9.]+(?:\x1b\[0m)?" (\d+)', text):
        if method == "GET" and "list-type=2" in target:
            counts["list"] += 1
        elif method in ("HEAD", "GET"):
            counts[method] += 1
        else:
            counts["other"] += 1
        if not status.startswith("2"):
            counts["error"] += 1
    return counts


def generated_copy(scenario):
    """The savepoint as a local directory written here, not downloaded (the same bytes)."""
    root = os.path.join(SCRATCH, "generated", scenario.bucket)
    directory = os.path.join(root, scenario.directory)
    if not os.path.exists(os.path.join(directory, "_metadata")):
        for key in scenario.files:
            os.makedirs(os.path.dirname(os.path.join(root, key)), exist_ok=True)
            with open(os.path.join(root, key), "wb") as handle:
                handle.write(b"state-01"[:FILE_BYTES])
        with open(os.path.join(directory, "_metadata"), "wb") as handle:
            handle.write(scenario.metadata)
    return directory


def check_report(text, scenario, remote):
    doc = json.loads(text)
    files = [f for op in doc["operators"] for f in op["files"]]
    present = sum(1 for f in files if f["exists"] is True)
    if len(files) != scenario.count or doc.get("missing_files"):
        raise SystemExit(f"{scenario.label}: {len(files)} files in the report, missing {len(doc.get('missing_files') or [])}")
    if (remote or scenario.kind == "relative") and present != scenario.count:
        raise SystemExit(f"{scenario.label}: {present} of {scenario.count} files present")
    return present


def fmt(values):
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10,1000,10000,100000")
    parser.add_argument("--entropy-sizes", default="10,1000,10000")
    parser.add_argument("--no-alternative", action="store_true", help="skip the download + local inspect")
    parser.add_argument("--download-max", type=int, default=10000,
                        help="above this many files, no download: the local inspect reads a copy written here")
    parser.add_argument("--upload-only", action="store_true", help="upload the scenarios' objects, measure nothing")
    options = parser.parse_args()
    sizes = [int(n) for n in options.sizes.split(",") if n]
    entropy_sizes = [int(n) for n in options.entropy_sizes.split(",") if n]
    if not os.access(TIME, os.X_OK):
        raise SystemExit(f"{TIME} (GNU time) is missing: apt-get install time")
    if not os.access(FLINK, os.X_OK):
        raise SystemExit(f"{FLINK} is not built (cmake --build build)")
    for directory in (HOME, CONF):
        os.makedirs(directory, exist_ok=True)
    open(os.path.join(CONF, "config.yaml"), "a").close()

    scenarios = [Scenario("relative", n) for n in sizes] + [Scenario("entropy", n) for n in entropy_sizes]
    set_auth(False)
    s3 = s3client(UPLOAD_THREADS)
    for scenario in scenarios:
        if uploaded(s3, scenario):
            continue
        seconds = upload(s3, scenario)
        print(f"uploaded {scenario.label}: {scenario.count + 1} objects in {seconds:.1f} s "
              f"({(scenario.count + 1) / seconds:.0f}/s)", flush=True)

    if options.upload_only:
        return
    rows = []
    set_auth(True)
    try:
        s3 = s3client(DOWNLOAD_THREADS)
        for scenario in scenarios:
            offset = log_size()
            code, out, err, wall, cpu, rss = run(["inspect", "-o", "json"] + S3_ARGS + [scenario.url])
            if code != 0:
                raise SystemExit(f"{scenario.label}: inspect exited {code}: {err.strip()}")
            check_report(out, scenario, remote=True)
            counts = requests_since(offset)
            # Above 10,000 files: 3 runs at most; above that, one (the run above was the warm-up).
            runs = options.runs if scenario.count < 10000 else min(options.runs, 3) if scenario.count == 10000 else 1
            walls, cpus, peak = timed(["inspect", "-q"] + S3_ARGS + [scenario.url], runs, 0 if runs == 1 else 1)
            row = {"scenario": scenario.label, "s3_wall": walls, "s3_cpu": cpus, "s3_rss": peak, "requests": counts}
            print(f"{scenario.label:>16}: inspect s3:// {fmt(walls)} s, cpu {statistics.median(cpus):.3f} s, "
                  f"peak {peak / 1024:.1f} MiB; requests {counts}", flush=True)
            if options.no_alternative:
                pass
            elif scenario.count > options.download_max:
                local = generated_copy(scenario)
                local_walls, local_cpus, local_peak = timed(["inspect", "-q", local], runs, 0 if runs == 1 else 1)
                row.update(local_wall=local_walls, local_rss=local_peak)
                print(f"{'':>16}  local inspect (written here, not downloaded) {fmt(local_walls)} s, "
                      f"peak {local_peak / 1024:.1f} MiB", flush=True)
            else:
                copy = os.path.join(SCRATCH, "copy", scenario.bucket)
                downloads = [download(s3, scenario, copy) for _ in range(runs)]
                local = os.path.join(copy, scenario.directory)
                code, out, err, *_ = run(["inspect", "-o", "json", local])
                if code != 0:
                    raise SystemExit(f"{scenario.label}: local inspect exited {code}: {err.strip()}")
                check_report(out, scenario, remote=False)
                local_walls, local_cpus, local_peak = timed(["inspect", "-q", local], runs)
                row.update(download=[d[0] for d in downloads], objects=downloads[0][1], local_wall=local_walls,
                           local_rss=local_peak)
                print(f"{'':>16}  download {downloads[0][1]} objects {fmt(row['download'])} s; local inspect "
                      f"{fmt(local_walls)} s, peak {local_peak / 1024:.1f} MiB", flush=True)
            rows.append(row)
    finally:
        set_auth(False)

    print(f"\n{options.runs} runs each (10,000 files: 3, more: 1), seconds: median (min–max)\n")
    print("| savepoint | inspect s3:// | CPU | peak RSS | requests (list/HEAD/GET) | download + local inspect | "
          "local inspect, peak RSS | ratio |")  # ratio: (download + local) / s3://
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        counts = row["requests"]
        s3_median = statistics.median(row["s3_wall"])
        line = (f"| {row['scenario']} | {fmt(row['s3_wall'])} | {statistics.median(row['s3_cpu']):.3f} | "
                f"{row['s3_rss'] / 1024:.1f} MiB | {counts['list']}/{counts['HEAD']}/{counts['GET']} |")
        if "download" in row:
            alternative = statistics.median(row["download"]) + statistics.median(row["local_wall"])
            line += (f" {alternative:.3f} | {fmt(row['local_wall'])}, {row['local_rss'] / 1024:.1f} MiB | "
                     f"{alternative / s3_median:.1f}x |")
        elif "local_wall" in row:
            line += f" not measured | {fmt(row['local_wall'])}, {row['local_rss'] / 1024:.1f} MiB | – |"
        else:
            line += " – | – | – |"
        print(line)


if __name__ == "__main__":
    main()
