#!/usr/bin/env python3
"""The built binary's `flink inspect s3://...` against S3 faults that a real server does not make.

  s3_faults.py <flink binary>       (ctest: s3_faults, label unit; no network beyond 127.0.0.1)

Starts tests/fake/fake_s3.py on a free loopback port, serving a savepoint written here (metadata
version 3: one operator with operator state and keyed state in two relative files, the layout
Flink writes with data-inline-threshold 0b; `flink inspect` of the local directory must accept it first), and scripts one
fault per case through the fake's control endpoint. Each case asserts the exit code, that a
failure is one stderr line with nothing on stdout, and that the client ends (every run is bounded
by a timeout here, and by -D client.timeout): HTML 9, endless pagination 5, a reset mid-body
retried (0), SlowDown twice then OK (0), SlowDown forever 5 (retries exhausted well before a 120 s
client.timeout), a server that does not answer 6 at client.timeout,
500 twice then OK (0), NoSuchBucket/NoSuchKey 4, AccessDenied/InvalidAccessKeyId/
SignatureDoesNotMatch/ExpiredToken 17, a 403 on HEAD of a missing _metadata 17 (saying a 403 may
hide a missing key), a truncated _metadata 15, a huge _metadata 15 without downloading it. The
fake checks that each request is signed with the configured key, and the session token of
AWS_SESSION_TOKEN is sent. Exit 0 when every check passes, 1 otherwise.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fake"))
from java_data import i32, i64, utf  # noqa: E402  (tests/fake/java_data.py)

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(os.path.dirname(HERE), "fake", "fake_s3.py")
BUCKET = "flink-state"
SAVEPOINT = "savepoints/savepoint-fa4e00-000000000001"
TRUNCATED = "savepoints/savepoint-fa4e00-0000truncated"
ACCESS_KEY = "AKIAFAKES3FAULTS0001"
SECRET_KEY = "fake/secret+key/for/the/s3-faults/test"
SESSION_TOKEN = "FwoGZXIvYXdzEFAKE-session-token"
OPERATOR_FILE = ("3f1c0d2e-0000-4b5c-8d9e-0f1a2b3c4d5e", 265)
KEYED_FILE = ("1b0c7d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e", 250)
failures = []
passed = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    (passed if condition else failures).append(what)
    return condition




def metadata():
    """A version 3 _metadata: one operator, operator state and keyed state (canonical savepoint
    handle, key groups 0..1) each in a relative file."""
    return (i32(0x4960672D) + i32(3) + i64(7)
            + i32(0) + i32(1) + bytes.fromhex("e5a72f353fc1e6bbf3bd96a41384998c") + i32(1) + i32(128) + b"\x00"
            + i32(1) + i32(0)
            + i32(1) + b"\x04" + i32(1) + utf("SourceReaderState") + b"\x00" + i32(1) + i64(0)
            + b"\x06" + utf(OPERATOR_FILE[0]) + i64(OPERATOR_FILE[1])
            + i32(0)
            + b"\x07" + i32(0) + i32(2) + i64(0) + i64(100)
            + b"\x06" + utf(KEYED_FILE[0]) + i64(KEYED_FILE[1])
            + b"\x00" + i32(0) + i32(0))


def write_fixture(root):
    directory = os.path.join(root, SAVEPOINT)
    os.makedirs(directory)
    data = metadata()
    with open(os.path.join(directory, "_metadata"), "wb") as handle:
        handle.write(data)
    for name, size in (OPERATOR_FILE, KEYED_FILE):
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(bytes((i * 7) % 251 for i in range(size)))
    truncated = os.path.join(root, TRUNCATED)
    shutil.copytree(directory, truncated)
    with open(os.path.join(truncated, "_metadata"), "wb") as handle:
        handle.write(data[:len(data) // 2])
    return directory


class Fake:
    def __init__(self, root, log):
        self.process = subprocess.Popen([sys.executable, FAKE, "--dir", root, "--bucket", BUCKET, "--log", log,
                                         "--access-key", ACCESS_KEY, "--page-size", "1000"],
                                        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        match = re.match(r"PORT (\d+)", line)
        if not match:
            self.process.kill()
            raise SystemExit(f"s3_faults: the fake S3 did not start ({line!r})")
        self.port = int(match.group(1))
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def control(self, path, body=None):
        request = urllib.request.Request(self.endpoint + path, method="POST" if body is not None else "GET",
                                         data=json.dumps(body).encode() if body is not None else None)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def mode(self, mode, count=0):
        self.control("/__fake/reset", {})
        self.control("/__fake/mode", {"mode": mode, "count": count})

    def log(self):
        return self.control("/__fake/log")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: s3_faults.py <flink binary>")
    flink_binary = os.path.abspath(sys.argv[1])
    scratch = tempfile.mkdtemp(prefix="s3-faults-")
    root = os.path.join(scratch, "bucket")
    local = write_fixture(root)
    home, conf = os.path.join(scratch, "home"), os.path.join(scratch, "conf")
    os.makedirs(home)
    os.makedirs(conf)
    open(os.path.join(conf, "config.yaml"), "w").close()

    def flink(*args, env=None, timeout=60):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FLINK_"))}
        clean.update(HOME=home, FLINK_CONF_DIR=conf, AWS_EC2_METADATA_DISABLED="true")
        clean.update(env or {})
        started = time.monotonic()
        try:
            result = subprocess.run([flink_binary] + list(args), capture_output=True, text=True, timeout=timeout,
                                    env=clean, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            result = subprocess.CompletedProcess(args, "hang", "", f"no exit within {timeout} s")
        result.seconds = time.monotonic() - started
        return result

    reference = flink("inspect", local)
    if not check(reference.returncode == 0 and "2 present" in reference.stdout,
                 f"the fixture inspects locally ({reference.returncode}: {reference.stderr.strip()[:200]})"):
        return 1

    fake = Fake(root, os.path.join(scratch, "requests.log"))
    try:
        keys = ["-D", f"s3.endpoint={fake.endpoint}", "-D", "s3.path.style.access=true",
                "-D", f"s3.access-key={ACCESS_KEY}", "-D", f"s3.secret-key={SECRET_KEY}"]
        target = f"s3://{BUCKET}/{SAVEPOINT}"

        def inspect(path=target, timeout="10s", extra=(), env=None):
            return flink("inspect", *keys, "-D", f"client.timeout={timeout}", *extra, path, env=env)

        def same_as_local(result):
            return result.stdout.replace(f"s3://{BUCKET}/", root + "/") == reference.stdout

        def failed(label, result, code, *patterns):
            lines = result.stderr.strip().splitlines()
            ok = (result.returncode == code and result.stdout == "" and len(lines) == 1
                  and all(re.search(p, result.stderr, re.IGNORECASE) for p in patterns))
            return check(ok, f"{label}: exit {code}, one stderr line{' matching ' + ', '.join(patterns) if patterns else ''}"
                             f" (got {result.returncode} in {result.seconds:.1f} s, {len(lines)} line(s): "
                             f"{result.stderr.strip()[:300]!r}{', stdout ' + repr(result.stdout[:80]) if result.stdout else ''})")

        def requests(method=None, suffix=None):
            return [e for e in fake.log() if (method is None or e["method"] == method)
                    and (suffix is None or e["target"].split("?")[0].endswith(suffix))]

        # Normal: the same as the local copy; every request signed with the key.
        fake.mode("ok")
        result = inspect()
        check(result.returncode == 0 and same_as_local(result),
              f"no fault: exit 0, the local copy's output ({result.returncode}: {result.stderr.strip()[:200]})")
        log = fake.log()
        check(log and all(e["headers"].get("Authorization", "").startswith(f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/")
                          and "x-amz-content-sha256" in {h.lower() for h in e["headers"]} for e in log),
              f"every request is signed with the configured key ({len(log)} requests)")
        check(log and all("user-agent" not in e["headers"].get("Authorization", "").lower() for e in log),
              "User-Agent is not a signed header (moto, like botocore, refuses it)")
        fake.mode("ok")
        result = flink("inspect", "-D", "client.timeout=10s", target,
                       env={"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                            "AWS_SESSION_TOKEN": SESSION_TOKEN, "AWS_ENDPOINT_URL_S3": fake.endpoint})
        log = fake.log()
        check(result.returncode == 0 and log
              and all(e["headers"].get("X-Amz-Security-Token", e["headers"].get("x-amz-security-token")) == SESSION_TOKEN
                      for e in log),
              f"AWS_SESSION_TOKEN: sent as X-Amz-Security-Token ({result.returncode}: {result.stderr.strip()[:200]})")
        verbose = flink("inspect", "-v", *keys, target)
        check(SECRET_KEY not in verbose.stdout + verbose.stderr and verbose.stderr,
              "-v: the secret key is in no output")

        # An answer that is not S3's.
        fake.mode("html")
        failed("HTML instead of S3 XML", inspect(), 9)
        # A listing that never ends: a bound on pages.
        fake.mode("endless-list")
        result = inspect(timeout="60s")
        failed("endless ListObjectsV2 pagination", result, 5)
        pages = len(requests("GET"))
        check(result.returncode == 5 and pages > 1 and result.seconds < 30,
              f"  ... followed the pages, then stopped: {pages} pages, {result.seconds:.1f} s")
        # A reset in the middle of a GetObject body: the GET is retried.
        fake.mode("reset-body", 1)
        result = inspect()
        check(result.returncode == 0 and same_as_local(result),
              f"a reset mid-body: retried, exit 0 ({result.returncode}: {result.stderr.strip()[:200]})")
        check(any(e["status"] == "reset" for e in fake.log()), "  ... the fake did reset one GET")
        # SlowDown: retried; forever: retries exhausted, or the deadline.
        fake.mode("slowdown", 2)
        result = inspect()
        check(result.returncode == 0 and same_as_local(result),
              f"503 SlowDown twice, then OK: exit 0 ({result.returncode}: {result.stderr.strip()[:200]})")
        fake.mode("slowdown")
        result = inspect(timeout="120s")
        # (HEAD answers have no body: the line may name the status rather than S3's code.)
        failed("503 SlowDown forever, client.timeout 120s: retries exhausted", result, 5, r"SlowDown|503")
        # A server that does not answer: the deadline, not a hang.
        fake.mode("stall")
        result = inspect(timeout="2s")
        failed("no answer, client.timeout 2s: the deadline", result, 6)
        check(result.returncode == 6 and result.seconds < 6, f"  ... ended at the deadline ({result.seconds:.1f} s)")
        fake.mode("internal", 2)
        result = inspect()
        check(result.returncode == 0 and same_as_local(result),
              f"500 InternalError twice, then OK: exit 0 ({result.returncode}: {result.stderr.strip()[:200]})")
        # S3's errors: one line naming S3's code.
        for code, exit_code in (("NoSuchBucket", 4), ("NoSuchKey", 4), ("AccessDenied", 17),
                                ("InvalidAccessKeyId", 17), ("SignatureDoesNotMatch", 17)):
            fake.mode(f"error:{code}")
            failed(f"S3 error {code}", inspect(), exit_code, code if code != "NoSuchBucket" else BUCKET)
        # ExpiredToken comes with temporary credentials (S3 answers a HEAD with a bare 400).
        fake.mode("error:ExpiredToken")
        result = flink("inspect", "-D", "client.timeout=10s", target,
                       env={"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                            "AWS_SESSION_TOKEN": SESSION_TOKEN, "AWS_ENDPOINT_URL_S3": fake.endpoint})
        failed("S3 error ExpiredToken (AWS_SESSION_TOKEN)", result, 17, r"ExpiredToken|token")
        fake.mode("ok")
        failed("a bucket that does not exist", inspect(f"s3://no-such-bucket/{SAVEPOINT}"), 4, "no-such-bucket")
        failed("a savepoint that does not exist", inspect(f"s3://{BUCKET}/savepoints/savepoint-000000-000000000000"), 4,
               "savepoint-000000-000000000000")
        # Without s3:ListBucket S3 answers 403 for a missing key: it may hide a missing key.
        fake.mode("no-list")
        failed("403 on HEAD of a missing _metadata", inspect(f"s3://{BUCKET}/savepoints/savepoint-000000-000000000000/_metadata"),
               17, r"403|AccessDenied|denied", r"miss|exist|not found")
        # Metadata that cannot be a savepoint.
        fake.mode("ok")
        failed("a truncated _metadata", inspect(f"s3://{BUCKET}/{TRUNCATED}"), 15, r"byte")
        fake.mode("huge")
        result = inspect(timeout="60s")
        failed("a _metadata of 1 GiB", result, 15)
        asked = requests(suffix="_metadata")
        sent = sum(e["body_bytes"] or 0 for e in asked)
        check(asked and sent < (16 << 20) and result.seconds < 10,
              f"  ... not downloaded ({sent} bytes sent, {result.seconds:.1f} s)")
    finally:
        fake.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{len(passed)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
