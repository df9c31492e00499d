#!/usr/bin/env python3
"""End-to-end: `flink inspect s3://...` on snapshots real Flink wrote to a signature-checking S3 server.

Started by tests/e2e/run-e2e.sh (suite main, after scripting.py) with the moto venv's python
(boto3/botocore); reads the cluster's cluster.env (FLINK_CLUSTER_ENV) and the S3 server's s3.env
(S3_ENV, else the cluster.env's FLINK_S3_ENV); the cluster runs with Flink's S3 plugin
(scripts/flink-cluster.sh, FLINK_S3_ENV) and moto (scripts/s3-server.sh). Our client is OUR_FLINK.

  1. moto enforces signatures and policies once authentication is on (s3-server.sh selftest).
  2. Authentication OFF (Flink's S3A signs User-Agent, a header moto's signature check does not accept):
     three jobs of tests/flink-job with their state in files on S3 (filesystem checkpoint storage
     under s3://flink-state/checkpoints, data-inline-threshold 0b, retained on cancellation):
       A  canonical and native savepoints into s3://flink-state/savepoints (our client), then
          `stop -p` (the stop-savepoint);
       B  hashmap, checkpoints every second, cancelled: its last chk-N is retained;
       C  RocksDB incremental, cancelled: its last chk-N is retained. Its _metadata names the
          shared/ files by ABSOLUTE s3:// paths (only its own files are relative), so the local
          copy below still points at S3 for them: for C only what does not depend on those files
          is compared with the local copy, and the S3 run must find every file present.
     Each snapshot's objects are downloaded with botocore into <scratch>/copy/flink-state/<key>
     (the bucket's layout, so relative names resolve), directory markers skipped. A truncated
     _metadata, a directory without _metadata and a _metadata larger than the client's limit are
     uploaded under fresh prefixes.
  3. Authentication ON. Our client, with the IAM key from -D s3.* keys, from AWS_* environment
     variables and from an AWS profile (credentials and config files, endpoint_url): exit 0 and
     stdout identical to `inspect` of the local copy once s3://flink-state/ (and s3a://) is
     replaced by the copy's directory; -o json documents equal the same way (times aside); every
     vertex id of the job is an operator id; the directory with a trailing slash, .../_metadata and
     s3a:// give the same. Bad input: exit code, one stderr line, nothing on stdout, no hang:
     missing bucket or savepoint 4, wrong secret / unknown key / user without policy 17, an
     endpoint that is not S3 (Flink's REST port) 9, nothing listening 3, truncated or huge
     _metadata 15 (fast: the huge one must not be read). The secret never appears in any output
     with -v. Virtual-hosted addressing through names in /etc/hosts (run-e2e.sh adds them when
     root) when they resolve; else it says why it skips.
  4. Authentication OFF again: `run -s s3://<canonical savepoint> --verify-restore` restores.
  5. Once the jobs are cancelled: savepoint -d --offline of a canonical and a native savepoint of A
     against the Java client's savepoint -d (through the JobManager) of two more, all four taken of
     A for this, so the others stay for snapshots_e2e.py (dispose_compare.py): the same stdout, the same objects removed (bucket listings before and
     after), nothing left; a retained checkpoint is refused, nothing deleted.
The client runs with an empty conf dir of its own (the cluster's conf holds S3 keys), a scratch
HOME and no inherited AWS_* variables, so each credential source is tested alone.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

try:
    import boto3  # the moto venv (S3_PYTHON in s3.env) has it
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    python = os.environ.get("S3_PYTHON")
    if python and os.path.realpath(sys.executable) != os.path.realpath(python):
        os.execv(python, [python] + sys.argv)
    sys.exit("s3_inspect.py: boto3 is missing: run it with the python of scripts/s3-server.sh's venv (S3_PYTHON)")

import dispose_compare
from side_by_side import CLUSTER, OUR_FLINK, load_cluster_env  # reads FLINK_CLUSTER_ENV

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
S3ENV = load_cluster_env(os.environ.get("S3_ENV") or CLUSTER["FLINK_S3_ENV"])
ENDPOINT = S3ENV["S3_ENDPOINT"]
PORT = int(S3ENV["S3_PORT"])
BUCKET = S3ENV["S3_BUCKET"]
KEY, SECRET = S3ENV["S3_ACCESS_KEY"], S3ENV["S3_SECRET_KEY"]
DENIED_KEY, DENIED_SECRET = S3ENV["S3_DENIED_ACCESS_KEY"], S3ENV["S3_DENIED_SECRET_KEY"]
WORKSPACE = os.path.dirname(CLUSTER["FLINK_SAVEPOINT_PATH_LOCAL"])
SCRATCH = os.path.join(WORKSPACE, "e2e-s3")
COPY = os.path.join(SCRATCH, "copy")          # <COPY>/<bucket>/<key>: the snapshots' local copies
JAR = CLUSTER["FLINK_JOB_JAR"]
VERSION = CLUSTER["FLINK_VERSION"]
REST_PORT = int(CLUSTER["FLINK_REST_ADDRESS"].rsplit(":", 1)[1])
VHOST = "s3.flinkcli.test"                     # run-e2e.sh maps it and flink-state.<it> to 127.0.0.1
UIDS = ["source-id", "throttle-id", "mapper-id", "sink-id"]
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)
    return condition


def s3client(key="e2e", secret="e2e", addressing="path", endpoint=ENDPOINT):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret,
                        config=Config(s3={"addressing_style": addressing}, retries={"max_attempts": 2},
                                      connect_timeout=5, read_timeout=60))


def set_auth(on):
    request = urllib.request.Request(ENDPOINT + "/moto-api/reset-auth", data=b"0" if on else b"inf",
                                     method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10) as response:
        if json.loads(response.read()).get("status") != "ok":
            raise AssertionError("moto refused reset-auth")


# --- our client, in an environment of its own ---------------------------------------------------
HOME = os.path.join(SCRATCH, "home")
CONF = os.path.join(SCRATCH, "client-conf")


def client_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FLINK_"))}
    env.update(HOME=HOME, FLINK_CONF_DIR=CONF, AWS_EC2_METADATA_DISABLED="true")  # never a real instance role
    env.update(extra or {})
    return env


def flink(*args, env=None, timeout=120):
    started = time.monotonic()
    result = subprocess.run([OUR_FLINK] + list(args), capture_output=True, text=True, timeout=timeout,
                            env=client_env(env), stdin=subprocess.DEVNULL)
    result.seconds = time.monotonic() - started
    return result


def with_keys(endpoint=ENDPOINT, key=KEY, secret=SECRET, path_style=True):
    args = ["-D", f"s3.endpoint={endpoint}", "-D", f"s3.access-key={key}", "-D", f"s3.secret-key={secret}"]
    return args + (["-D", "s3.path.style.access=true"] if path_style else [])


def rest(path):
    with urllib.request.urlopen(CLUSTER["FLINK_REST_URL"] + path, timeout=10) as response:
        return json.loads(response.read())


def wait_until(predicate, what, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except (OSError, KeyError, ValueError, TypeError):
            pass
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def running(job):
    details = rest(f"/jobs/{job}")
    return details["state"] == "RUNNING" and all(v["status"] == "RUNNING" for v in details["vertices"])


def completed_checkpoints(job):
    return rest(f"/jobs/{job}/checkpoints")["counts"]["completed"]


def quiet(*args):
    result = flink(*args)
    if result.returncode != 0:
        raise AssertionError(f"flink {' '.join(args[:2])} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def s3_key(path):
    match = re.match(r"^s3a?://([^/]+)/(.*?)/?$", path)
    assert match and match.group(1) == BUCKET, path
    return match.group(2)


def download(path):
    """The snapshot's objects into <COPY>/<bucket>/<key>; returns the local directory."""
    s3, prefix = s3client(), s3_key(path) + "/"
    count = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for obj in page.get("Contents", []):
            if obj["Key"].endswith("/"):
                continue  # a directory marker
            target = os.path.join(COPY, BUCKET, obj["Key"])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            s3.download_file(BUCKET, obj["Key"], target)
            count += 1
    if count == 0:
        raise AssertionError(f"nothing under {path}")
    return os.path.join(COPY, BUCKET, s3_key(path))


def normalize(text):
    """S3 locations as their local copy's paths; the time fields of -o json dropped."""
    return re.sub(rf"s3a?://{re.escape(BUCKET)}/", os.path.join(COPY, BUCKET) + "/", text)


def json_doc(text):
    try:
        doc = json.loads(normalize(text))
    except ValueError:
        return None
    for field in ("started_at", "duration_ms"):
        doc.pop(field, None)
    # local_path is a file's path on this machine, null for an object on S3; `location` is where
    # either was looked for, and is compared.
    for op in doc.get("operators", []):
        for f in op.get("files", []):
            f.pop("local_path", None)
    return doc


def without_remote_file_checks(doc):
    """For a snapshot whose files live outside it (absolute s3:// references): what the local copy can tell."""
    doc = json.loads(json.dumps(doc))
    doc.pop("missing_files", None)
    for op in doc.get("operators", []):
        for f in op.get("files", []):
            if not f.get("relative"):  # the copy has no such file: exists/size_on_disk/local_path are null
                for field in ("exists", "size_on_disk", "location"):
                    f.pop(field, None)
    return doc


def one_line_failure(result, code, label, *words):
    lines = result.stderr.strip().splitlines()
    ok = (result.returncode == code and result.stdout == "" and len(lines) == 1
          and all(word.lower() in result.stderr.lower() for word in words))
    return check(ok, f"{label}: exit {code}, one stderr line{' naming ' + ', '.join(words) if words else ''}, "
                     f"empty stdout (got exit {result.returncode}, {len(lines)} line(s): "
                     f"{result.stderr.strip()[:300]!r}{', stdout ' + repr(result.stdout[:80]) if result.stdout else ''})")


def metadata_limit():
    """k_max_metadata_bytes of src/commands/inspect.cpp (the client's bound on _metadata), else 256 MiB."""
    try:
        source = open(os.path.join(REPO, "src", "commands", "inspect.cpp")).read()
        match = re.search(r"k_max_metadata_bytes\s*=\s*(\d+)u?\s*<<\s*(\d+)", source)
        if match:
            return int(match.group(1)) << int(match.group(2))
    except OSError:
        pass
    return 256 << 20


def upload_huge(key, size):
    """An object of `size` bytes (zeros) without sending them: multipart copies of one 16 MiB object."""
    s3, chunk = s3client(), 16 << 20
    s3.put_object(Bucket=BUCKET, Key=key + ".part", Body=b"\0" * chunk)
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    parts = []
    for number in range(1, (size + chunk - 1) // chunk + 1):
        answer = s3.upload_part_copy(Bucket=BUCKET, Key=key, UploadId=upload, PartNumber=number,
                                     CopySource={"Bucket": BUCKET, "Key": key + ".part"})
        parts.append({"PartNumber": number, "ETag": answer["CopyPartResult"]["ETag"]})
    s3.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})
    s3.delete_object(Bucket=BUCKET, Key=key + ".part")
    return s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"]


# --- the steps ----------------------------------------------------------------------------------
def write_client_files():
    os.makedirs(HOME)
    os.makedirs(CONF)
    with open(os.path.join(CONF, "config.yaml"), "w") as handle:  # no S3 keys: each test brings its own
        handle.write(f"rest.address: 127.0.0.1\nrest.port: {REST_PORT}\n")
    aws = os.path.join(SCRATCH, "aws")
    os.makedirs(aws)
    with open(os.path.join(aws, "credentials"), "w") as handle:
        handle.write(f"[default]\naws_access_key_id = AKIADEFAULTNOTUSED00\naws_secret_access_key = wrong\n\n"
                     f"[test]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n")
    with open(os.path.join(aws, "config"), "w") as handle:
        handle.write(f"[default]\nregion = eu-west-1\n\n[profile test]\nregion = us-east-1\nendpoint_url = {ENDPOINT}\n")
    return {"AWS_SHARED_CREDENTIALS_FILE": os.path.join(aws, "credentials"),
            "AWS_CONFIG_FILE": os.path.join(aws, "config"), "AWS_PROFILE": "test"}


def retained_checkpoint(job):
    """The newest chk-N with a _metadata under the job's checkpoint directory (REST's
    latest.completed may lag behind for a few seconds after the cancellation)."""
    s3, prefix = s3client(), f"checkpoints/{job}/"
    numbers = [int(m.group(1)) for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
               for obj in page.get("Contents", []) for m in [re.match(r"chk-(\d+)/_metadata$", obj["Key"][len(prefix):])] if m]
    if not numbers:
        raise AssertionError(f"no retained checkpoint of job {job} under s3://{BUCKET}/{prefix}")
    return f"s3://{BUCKET}/{prefix}chk-{max(numbers)}"


def flink_writes_snapshots():
    """Authentication off: Flink writes savepoints and retained checkpoints. Returns (snapshots, jobs)."""
    storage = ["-D", "execution.checkpointing.storage=filesystem",
               "-D", f"execution.checkpointing.dir=s3://{BUCKET}/checkpoints",
               "-D", "execution.checkpointing.externalized-checkpoint-retention=RETAIN_ON_CANCELLATION",
               "-D", "execution.checkpointing.data-inline-threshold=0b"]
    periodic = ["-D", "execution.checkpointing.interval=1s"]
    rocksdb = ["-D", "state.backend.type=rocksdb", "-D", "execution.checkpointing.incremental=true"]
    jobs = {}
    jobs["A"] = quiet("run", "-d", "-q", *storage, JAR, "--sleep-ms", "5", "--name", "s3-savepoints")
    jobs["B"] = quiet("run", "-d", "-q", *storage, *periodic, JAR, "--sleep-ms", "5", "--name", "s3-hashmap-chk")
    jobs["C"] = quiet("run", "-d", "-q", *storage, *periodic, *rocksdb, JAR, "--sleep-ms", "5",
                      "--name", "s3-rocksdb-chk")
    for name, job in jobs.items():
        wait_until(lambda: running(job), f"job {name} to run")
    # The -D keys took effect (a key a version ignores would silently test something else).
    config_b, config_c = rest(f"/jobs/{jobs['B']}/checkpoints/config"), rest(f"/jobs/{jobs['C']}/checkpoints/config")
    check(config_b["externalization"] == {"enabled": True, "delete_on_cancellation": False}
          and config_b["checkpoint_storage"] == "FileSystemCheckpointStorage" and config_b["interval"] == 1000,
          f"run -D: checkpoints retained on cancellation, filesystem storage, 1 s ({config_b['externalization']}, "
          f"{config_b['checkpoint_storage']})")
    check("RocksDB" in config_c["state_backend"], f"run -D state.backend.type=rocksdb ({config_c['state_backend']})")
    vertices = {name: [v["id"] for v in rest(f"/jobs/{job}")["vertices"]] for name, job in jobs.items()}
    time.sleep(1.0)  # records flow: the mapper has keyed state
    target = f"s3://{BUCKET}/savepoints"
    snapshots = {"canonical": (quiet("savepoint", "-q", "-type", "canonical", jobs["A"], target), "A"),
                 "native": (quiet("savepoint", "-q", "-type", "native", jobs["A"], target), "A")}
    # Four more of A, two for the Java client and two for ours to dispose of (step 5): the others
    # stay for the suites after this one (snapshots_e2e.py lists them).
    for_java = {kind: quiet("savepoint", "-q", "-type", kind, jobs["A"], target) for kind in ("canonical", "native")}
    for_ours = {kind: quiet("savepoint", "-q", "-type", kind, jobs["A"], target) for kind in ("canonical", "native")}
    disposable = {kind: (for_java[kind], for_ours[kind]) for kind in for_java}
    snapshots["stop-savepoint"] = (quiet("stop", "-q", "-p", target, jobs["A"]), "A")
    wait_until(lambda: completed_checkpoints(jobs["B"]) >= 1, "a checkpoint of job B")
    wait_until(lambda: completed_checkpoints(jobs["C"]) >= 2, "two checkpoints of job C")
    for name in ("B", "C"):
        quiet("cancel", jobs[name])
        wait_until(lambda: rest(f"/jobs/{jobs[name]}")["state"] == "CANCELED", f"job {name} cancelled")
        snapshots["chk-hashmap" if name == "B" else "chk-rocksdb-incremental"] = (retained_checkpoint(jobs[name]), name)
    for label, (path, _) in snapshots.items():
        check(path.startswith(f"s3://{BUCKET}/"), f"{label}: Flink wrote it to S3 ({path})")
    return snapshots, vertices, jobs, disposable


def compare_with_copy(label, s3_path, local_path, creds, env=None, remote_files=False):
    """inspect of the S3 snapshot = inspect of its local copy (text and -o json), paths aside."""
    s3_text = flink("inspect", *creds, s3_path, env=env)
    local_text = flink("inspect", local_path)
    if not check(s3_text.returncode == 0, f"{label}: inspect {s3_path} exits 0 ({s3_text.returncode}: "
                                          f"{s3_text.stderr.strip()[:300]})"):
        return None
    if remote_files:  # the copy cannot tell whether files outside it exist: compare the header line
        check(normalize(s3_text.stdout).splitlines()[:1] == local_text.stdout.splitlines()[:1],
              f"{label}: the first line is the local copy's")
    else:
        check(normalize(s3_text.stdout) == local_text.stdout and local_text.returncode == 0,
              f"{label}: stdout is the local copy's, paths aside")
    s3_json = flink("inspect", "-o", "json", *creds, s3_path, env=env)
    local_json = flink("inspect", "-o", "json", local_path)
    s3_doc, local_doc = json_doc(s3_json.stdout), json_doc(local_json.stdout)
    compared = (s3_doc, local_doc)
    if remote_files and s3_doc and local_doc:
        compared = (without_remote_file_checks(s3_doc), without_remote_file_checks(local_doc))
    check(s3_json.returncode == 0 and s3_doc is not None and compared[0] == compared[1],
          f"{label}: the -o json document is the local copy's, paths aside")
    return s3_doc if s3_json.returncode == 0 else None


def inspect_on_s3(snapshots, vertices, local, profile_env):
    env_creds = {"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_ENDPOINT_URL_S3": ENDPOINT}
    for label, (path, job) in snapshots.items():
        remote = label == "chk-rocksdb-incremental"
        doc = compare_with_copy(f"{label}, -D keys", path, local[label], with_keys(), remote_files=remote)
        compare_with_copy(f"{label}, AWS_* variables", path, local[label], [], env=env_creds, remote_files=remote)
        compare_with_copy(f"{label}, AWS profile", path, local[label], [], env=profile_env, remote_files=remote)
        if not doc:
            continue
        ids = {op["operator_id"] for op in doc["operators"]}
        check(set(vertices[job]) <= ids, f"{label}: the job's vertex ids are operator ids of the snapshot")
        files = [f for op in doc["operators"] for f in op["files"]]
        check(files and all(f.get("exists") for f in files) and not doc.get("missing_files"),
              f"{label}: all {len(files)} state files present on S3")
        if remote:
            check(any(not f["relative"] and f["path"].startswith(os.path.join(COPY, BUCKET) + "/")
                      and "/shared/" in f["path"] for f in files),
                  f"{label}: it references shared/ files by absolute s3:// paths")
        else:
            check(all(f["relative"] for f in files), f"{label}: its files are relative to it")
        expected = {"canonical": ("savepoint", "CANONICAL"), "native": ("savepoint", "NATIVE"),
                    "stop-savepoint": ("savepoint", "CANONICAL")}.get(label, ("checkpoint", None))
        check((doc.get("snapshot_type"), doc.get("format")) == expected,
              f"{label}: a {expected[0]} ({doc.get('snapshot_type')}, {doc.get('format')})")

    # The same snapshot by other names: trailing slash, the _metadata object, the s3a:// scheme.
    path, _ = snapshots["canonical"]
    for variant, local_variant in ((path + "/", local["canonical"] + "/"),
                                   (path + "/_metadata", local["canonical"] + "/_metadata"),
                                   ("s3a://" + path[len("s3://"):], local["canonical"]),
                                   ("s3a://" + path[len("s3://"):] + "/_metadata", local["canonical"] + "/_metadata")):
        s3_run, local_run = flink("inspect", *with_keys(), variant), flink("inspect", local_variant)
        check(s3_run.returncode == 0 and normalize(s3_run.stdout) == local_run.stdout,
              f"inspect {variant}: as its local copy ({s3_run.returncode}: {s3_run.stderr.strip()[:200]})")


def bad_input(snapshots, broken, orphan, huge, huge_size):
    canonical = snapshots["canonical"][0]
    result = flink("inspect", *with_keys(), "s3://no-such-bucket-e2e/savepoints/savepoint-000000-000000000000")
    one_line_failure(result, 4, "a bucket that does not exist", "no-such-bucket-e2e")
    result = flink("inspect", *with_keys(), f"s3://{BUCKET}/savepoints/savepoint-000000-000000000000")
    one_line_failure(result, 4, "a savepoint that does not exist", "savepoint-000000-000000000000")
    result = flink("inspect", *with_keys(), orphan)
    one_line_failure(result, 4, "a directory without _metadata", "_metadata")
    result = flink("inspect", *with_keys(secret=SECRET[:-1] + ("A" if SECRET[-1] != "A" else "B")), canonical)
    one_line_failure(result, 17, "a wrong secret", "SignatureDoesNotMatch")
    result = flink("inspect", *with_keys(key="AKIAE2EUNKNOWN000000"), canonical)
    one_line_failure(result, 17, "an unknown access key id", "InvalidAccessKeyId")
    result = flink("inspect", *with_keys(key=DENIED_KEY, secret=DENIED_SECRET), canonical)
    one_line_failure(result, 17, "a user without a policy", "AccessDenied")
    result = flink("inspect", *with_keys(endpoint=f"http://127.0.0.1:{REST_PORT}"), canonical, "-D", "client.timeout=20s")
    one_line_failure(result, 9, "an endpoint that is not S3 (Flink's REST port)")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        closed_port = free.getsockname()[1]
    result = flink("inspect", *with_keys(endpoint=f"http://127.0.0.1:{closed_port}"), canonical, "-D", "client.timeout=20s")
    one_line_failure(result, 3, "an endpoint where nothing listens", f"127.0.0.1:{closed_port}")
    result = flink("inspect", *with_keys(), broken)
    one_line_failure(result, 15, "a truncated _metadata", "byte")
    if huge:
        result = flink("inspect", *with_keys(), huge, "-D", "client.timeout=60s")
        one_line_failure(result, 15, f"a _metadata of {huge_size} bytes, over the client's limit")
        check(result.returncode == 15 and result.seconds < 10,
              f"the huge _metadata is refused without reading it ({result.seconds:.1f} s)")

    # The secret is in no output, also with -v and in JSON.
    runs = [flink("inspect", "-v", *with_keys(), canonical),
            flink("inspect", "-v", "-o", "json", *with_keys(), canonical),
            flink("inspect", "-v", *with_keys(secret=SECRET + "x"), canonical),
            flink("inspect", "-v", canonical, env={"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET,
                                                   "AWS_ENDPOINT_URL_S3": ENDPOINT})]
    check(all(SECRET not in r.stdout + r.stderr and (SECRET + "x") not in r.stdout + r.stderr for r in runs)
          and all(r.stdout + r.stderr for r in runs),
          "the secret key appears in no output with -v (text, JSON, a refused secret, the environment)")


def virtual_hosted(snapshots, local):
    """Virtual-hosted addressing: the bucket in the host name (flink-state.s3.flinkcli.test -> 127.0.0.1)."""
    try:
        resolved = {socket.gethostbyname(VHOST), socket.gethostbyname(f"{BUCKET}.{VHOST}")}
    except OSError:
        resolved = set()
    if resolved != {"127.0.0.1"}:
        print(f"SKIP virtual-hosted addressing: {VHOST} and {BUCKET}.{VHOST} do not resolve to 127.0.0.1 "
              f"(run-e2e.sh adds them to /etc/hosts only when it runs as root)", flush=True)
        return
    # moto 5.2.5 takes the bucket from the Host header's first label for any host name that is not
    # an IP, localhost or a single label (moto/s3/responses.py subdomain_based_buckets): check it.
    endpoint = f"http://{VHOST}:{PORT}"
    try:
        s3client(KEY, SECRET, "virtual", endpoint).head_object(Bucket=BUCKET, Key=s3_key(snapshots["canonical"][0]) + "/_metadata")
    except Exception as error:  # noqa: BLE001 - the reason is printed
        print(f"SKIP virtual-hosted addressing: moto does not serve {BUCKET}.{VHOST}:{PORT} ({error})", flush=True)
        return
    path, _ = snapshots["canonical"]
    result, local_run = flink("inspect", *with_keys(endpoint=endpoint, path_style=False), path), flink("inspect", local["canonical"])
    check(result.returncode == 0 and normalize(result.stdout) == local_run.stdout,
          f"virtual-hosted ({BUCKET}.{VHOST}): as the local copy ({result.returncode}: {result.stderr.strip()[:200]})")


def bucket_keys():
    """Every key in the bucket, directory markers (ending in '/') included."""
    s3 = s3client()
    return {obj["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
            for obj in page.get("Contents", [])}


def dispose_on_s3(snapshots, disposable):
    """Authentication off (the JobManager's S3A disposes of Java's). `disposable`: kind -> (Java's
    savepoint, ours), both taken of job A for this."""
    for kind in ("canonical", "native"):
        java_path, ours = disposable[kind]
        dispose_compare.compare(check, f"dispose {kind}, S3",
                                lambda path: flink("savepoint", "-d", path, "--offline", *with_keys()),
                                java_path, s3_key(java_path), ours, s3_key(ours), bucket_keys)
    checkpoint = snapshots["chk-rocksdb-incremental"][0]
    before = bucket_keys()
    result = flink("savepoint", "-d", checkpoint, "--offline", *with_keys())
    check(result.returncode == 8 and "flink prune" in result.stderr and bucket_keys() == before,
          f"dispose --offline of a retained checkpoint: refused (exit 8), nothing deleted ({result.stderr.strip()[:200]})")


def main():
    started = time.monotonic()
    shutil.rmtree(SCRATCH, ignore_errors=True)
    os.makedirs(SCRATCH)
    profile_env = write_client_files()
    jobs = {}
    disposable = {}
    set_auth(False)
    try:
        selftest = subprocess.run([S3ENV["S3_SERVER_SCRIPT"], "selftest"], capture_output=True, text=True, timeout=60,
                                  env=dict(os.environ, S3_PORT=str(PORT),
                                           S3_WORK_DIR=os.path.dirname(os.environ.get("S3_ENV") or CLUSTER["FLINK_S3_ENV"])))
        check(selftest.returncode == 0, "moto checks signatures, keys and policies once authentication is on "
                                        f"({(selftest.stdout + selftest.stderr).strip().splitlines()[-1:]})")

        snapshots, vertices, jobs, disposable = flink_writes_snapshots()
        local = {label: download(path) for label, (path, _) in snapshots.items()}
        for label, directory in local.items():
            result = flink("inspect", directory)
            check(result.returncode == 0 or label == "chk-rocksdb-incremental",
                  f"{label}: the local copy inspects ({result.returncode}: {result.stderr.strip()[:200]})")

        # Broken snapshots, uploaded while authentication is off.
        s3 = s3client()
        canonical_key = s3_key(snapshots["canonical"][0])
        name = canonical_key.rsplit("/", 1)[1]
        broken_key = f"e2e-broken/{name}"
        for entry in os.listdir(local["canonical"]):
            data = open(os.path.join(local["canonical"], entry), "rb").read()
            s3.put_object(Bucket=BUCKET, Key=f"{broken_key}/{entry}", Body=data[:len(data) // 2] if entry == "_metadata" else data)
        s3.put_object(Bucket=BUCKET, Key="e2e-orphan/savepoint-dead00-000000000000/", Body=b"")
        s3.put_object(Bucket=BUCKET, Key="e2e-orphan/savepoint-dead00-000000000000/6e6f6e65-0000-0000-0000-000000000000",
                      Body=b"orphan state file")
        limit = metadata_limit()
        huge_start = time.monotonic()
        huge_size = upload_huge("e2e-huge/savepoint-huge00-000000000000/_metadata", limit + (1 << 20))
        print(f"     (uploaded a _metadata of {huge_size} bytes > limit {limit} in {time.monotonic() - huge_start:.1f} s)",
              flush=True)

        set_auth(True)
        try:
            inspect_on_s3(snapshots, vertices, local, profile_env)
            bad_input(snapshots, f"s3://{BUCKET}/{broken_key}", f"s3://{BUCKET}/e2e-orphan/savepoint-dead00-000000000000",
                      f"s3://{BUCKET}/e2e-huge/savepoint-huge00-000000000000", huge_size)
            virtual_hosted(snapshots, local)
        finally:
            set_auth(False)

        # Flink restores from S3 (authentication off: its S3A client cannot pass moto's check).
        result = flink("run", "-o", "json", "-d", "-s", snapshots["canonical"][0], "--verify-restore",
                       JAR, "--sleep-ms", "5", "--name", "s3-restored")
        try:
            doc = json.loads(result.stdout)
        except ValueError:
            doc = {}
        if doc.get("job_id"):
            jobs["restored"] = doc["job_id"]
        check(result.returncode == 0 and doc.get("restore_verified") is True
              and doc.get("restored_from", "").rstrip("/") == snapshots["canonical"][0].rstrip("/"),
              f"run -s <s3 savepoint> --verify-restore: restored ({result.returncode}, {doc.get('restored_from')}, "
              f"{result.stderr.strip()[:200]})")
    finally:
        try:
            set_auth(False)
        except OSError:
            pass
        for job in jobs.values():
            flink("cancel", job)
    if disposable:
        dispose_on_s3(snapshots, disposable)
    print(f"s3_inspect.py on Flink {VERSION}: {time.monotonic() - started:.1f} s", flush=True)
    if failures:
        print(f"{len(failures)} check(s) failed: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
