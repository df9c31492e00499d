#!/usr/bin/env python3
"""The built `flink` binary in JSON and quiet mode against a fake JobManager on 127.0.0.1.

For every action and its failures (usage errors, missing files, unknown jobs, failed and timed-out
savepoints, --job-name without a single match; each schema must see a valid failure), runs `flink ... -o json` and checks that stdout is exactly one
JSON document, valid against its schema in docs/schemas/ (python3-jsonschema), with the expected
status and exit code; then runs the same actions with -q and checks stdout holds only the
essential value. Usage: validate_json_output.py <flink binary> <docs/schemas directory>.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fake"))
from json_handler import JsonHandler  # noqa: E402

try:
    import jsonschema
except ImportError:
    sys.exit("validate_json_output.py needs python3-jsonschema (scripts/install-deps.sh installs it)")

FLINK, SCHEMAS = sys.argv[1], sys.argv[2]

OK = "a48f8e8b712ac1616c58c37184d4a569"        # savepoints complete
SLOW = "b1111111111111111111111111111111"      # savepoints never complete
DECLINES = "c2222222222222222222222222222222"  # savepoints fail
DUP1 = "d3333333333333333333333333333333"
DUP2 = "e4444444444444444444444444444444"
DONE = "f5555555555555555555555555555555"
WARMING = "a6666666666666666666666666666666"
RUN_JOB = "b03c4fea69492ff7b636af1aa8bca047"
UNKNOWN = "0" * 32
T = "7bc1eb8a27587d4728b63c2fdb41d37a"
DISPOSE_T = "9d1e0b5c2f3a4e6b8c7d9e0f1a2b3c4d"
SLOW_DISPOSE_T = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
LOCATION = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8"
CHECKPOINT_PATH = "file:/data/checkpoints/a48f8e8b712ac1616c58c37184d4a569/chk-3"
JAR_ID = "0abcd287-dea0-4428-8020-9ade876a5c0a_job.jar"

JOBS = [
    {"jid": OK, "name": "orders", "state": "RUNNING", "start-time": 1764085371000},
    {"jid": SLOW, "name": "slow", "state": "RUNNING", "start-time": 1764085372000},
    {"jid": DECLINES, "name": "declines", "state": "RUNNING", "start-time": 1764085373000},
    {"jid": DUP1, "name": "dup", "state": "RUNNING", "start-time": 1764085374000},
    {"jid": DUP2, "name": "dup", "state": "RESTARTING", "start-time": 1764085375000},
    {"jid": DONE, "name": "orders-old", "state": "FINISHED", "start-time": 1764085300000},
    {"jid": WARMING, "name": "warming", "state": "INITIALIZING", "start-time": 1764085376000},
]
IN_PROGRESS = {"status": {"id": "IN_PROGRESS"}, "operation": None}
REFERENCE_V3 = """
4960672d 00000003 0000000000000007 00000000 00000001
e5a72f353fc1e6bbf3bd96a41384998c 00000001 00000080 00 00000001 00000000
00000001 04 00000001 0007 6f666673657473 00 00000001 0000000000000000
01 0008 696e6c696e652d30 00000003 616263
00000000
07 00000000 00000002 0000000000000000 0000000000000064
06 0024 31623063376431652d326633612d346235632d386439652d306631613262336334643565 00000000000000fa
00 00000000 00000000"""


def completed(operation):
    return {"status": {"id": "COMPLETED"}, "operation": operation}


def not_found(what):
    return 404, {"errors": [f"org.apache.flink.runtime.rest.NotFoundException: {what}"]}


# What the fake JobManager remembers, as Flink does: each trigger id's operation (the last trigger
# sent with that id wins), and what each job's last action left it in.
LOCK = threading.Lock()
OPERATIONS = {}  # trigger id -> {"job", "kind" ("savepoint", "stop"), "location", "format"}
JOB_STATES = {}  # job id -> state after a stop (FINISHED) or a cancel (CANCELED)


def location_under(directory):
    """Where the JobManager puts a savepoint: under the directory sent, else its default one."""
    if not directory:
        return LOCATION
    return directory.rstrip("/") + "/" + LOCATION.rsplit("/", 1)[1]


def checkpoints(job):
    """GET /jobs/:id/checkpoints as Flink answers it: the job's savepoints in its history, newest first."""
    with LOCK:
        mine = [op for op in OPERATIONS.values() if op["job"] == job]
    history = [{"className": "completed", "id": len(mine) - i, "status": "COMPLETED", "is_savepoint": True,
                "savepointFormat": op["format"], "checkpoint_type": "SYNC_SAVEPOINT" if op["kind"] == "stop" else "SAVEPOINT",
                "trigger_timestamp": 1764085371000, "latest_ack_timestamp": 1764085371180, "checkpointed_size": 1024,
                "state_size": 1024, "end_to_end_duration": 180, "alignment_buffered": 0, "processed_data": 0,
                "persisted_data": 0, "num_subtasks": 1, "num_acknowledged_subtasks": 1, "tasks": {},
                "external_path": op["location"], "discarded": False}
               for i, op in enumerate(reversed(mine))]
    return 200, {"counts": {"restored": 0, "total": len(history), "in_progress": 0, "completed": len(history), "failed": 0},
                 "summary": {},
                 "latest": {"completed": None, "savepoint": history[0] if history else None, "failed": None, "restored": None},
                 "history": history}


class FakeJobManager(JsonHandler):

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        try:
            return json.loads(data) if data and self.headers.get("Content-Type", "").startswith("application/json") else {}
        except ValueError:
            return {}

    def route(self, method):
        path = self.path.split("?")[0]
        body = self.body()
        known = {job["jid"] for job in JOBS} | {RUN_JOB}
        match = re.fullmatch(r"/jobs/([0-9a-f]{32})/(savepoints|stop)", path)
        if method == "POST" and match:
            if match.group(1) not in known:
                return not_found(f"Job {match.group(1)} not found")
            trigger = body.get("triggerId") or T
            stop = match.group(2) == "stop"
            with LOCK:
                OPERATIONS[trigger] = {
                    "job": match.group(1), "kind": "stop" if stop else "savepoint",
                    "location": location_under(body.get("targetDirectory" if stop else "target-directory")),
                    "format": body.get("formatType") or "CANONICAL"}
                if stop or body.get("cancel-job"):
                    JOB_STATES[match.group(1)] = "FINISHED" if stop else "CANCELED"
            return 202, {"request-id": trigger}
        match = re.fullmatch(r"/jobs/([0-9a-f]{32})/savepoints/([0-9a-f]{32})", path)
        if method == "GET" and match:
            job = match.group(1)
            if job == SLOW:
                return 200, IN_PROGRESS
            if job == DECLINES:
                return 200, completed({"failure-cause": {
                    "class": "org.apache.flink.util.FlinkException",
                    "stack-trace": "org.apache.flink.util.FlinkException: Savepoint declined by the fake\n\tat x.Y.z(Y.java:1)\n"}})
            if job in known:
                with LOCK:
                    operation = OPERATIONS.get(match.group(2))
                return 200, completed({"location": operation["location"] if operation else LOCATION})
            return not_found(f"Job {job} not found")
        # checkpoints: Flink accepts a trigger for any job id and fails the operation ("failureCause")
        match = re.fullmatch(r"/jobs/([0-9a-f]{32})/checkpoints", path)
        if method == "POST" and match:
            return 202, {"request-id": body.get("triggerId") or T}
        match = re.fullmatch(r"/jobs/([0-9a-f]{32})/checkpoints/([0-9a-f]{32})", path)
        if method == "GET" and match:
            job = match.group(1)
            if job == SLOW:
                return 200, IN_PROGRESS
            if job in known and job != DECLINES:
                return 200, completed({"checkpointId": 3})
            reason = "Checkpoint was declined (the fake)" if job == DECLINES else f"Could not find Flink job ({job})"
            cause = "org.apache.flink.runtime.checkpoint.CheckpointException" if job == DECLINES \
                else "org.apache.flink.runtime.messages.FlinkJobNotFoundException"
            return 200, completed({"failureCause": {
                "class": "java.util.concurrent.CompletionException",
                "stack-trace": f"java.util.concurrent.CompletionException: {cause}: {reason}\n\tat x.Y.z(Y.java:1)\n"}})
        match = re.fullmatch(r"/jobs/([0-9a-f]{32})/checkpoints/details/(\d+)", path)
        if method == "GET" and match and match.group(1) in known:
            return 200, {"id": int(match.group(2)), "status": "COMPLETED", "is_savepoint": False,
                         "checkpoint_type": "CHECKPOINT", "external_path": CHECKPOINT_PATH}
        match = re.fullmatch(r"/jobs/([0-9a-f]{32})", path)
        if method == "PATCH" and match:
            if match.group(1) not in known:
                return not_found(f"Job {match.group(1)} not found")
            with LOCK:
                JOB_STATES[match.group(1)] = "CANCELED"
            return 202, {}
        if method == "GET" and path == "/jobs/overview":
            return 200, {"jobs": JOBS}
        if method == "POST" and path == "/savepoint-disposal":
            return 202, {"request-id": SLOW_DISPOSE_T if "slow" in body.get("savepoint-path", "") else DISPOSE_T}
        match = re.fullmatch(r"/savepoint-disposal/([0-9a-f]{32})", path)
        if method == "GET" and match:
            return 200, IN_PROGRESS if match.group(1) == SLOW_DISPOSE_T else completed({})
        if method == "POST" and path == "/jars/upload":
            return 200, {"filename": "/tmp/flink-web/flink-web-upload/" + JAR_ID, "status": "success"}
        if method == "POST" and path == f"/jars/{JAR_ID}/run":
            return 200, {"jobid": RUN_JOB}
        if method == "DELETE" and path == f"/jars/{JAR_ID}":
            return 200, {}
        if method == "POST" and path == f"/jars/{JAR_ID}/plan":  # inspect --jar: Flink 1.20's shape
            head = "0" * 32 if "--other" in body.get("programArgsList", []) else "e5a72f353fc1e6bbf3bd96a41384998c"
            return 200, {"plan": {"jid": "1bf76e35dddac28de2bc0452e5661669", "name": "job", "type": "STREAMING",
                                  "nodes": [{"id": head, "parallelism": 1, "operator": "", "operator_strategy": "",
                                             "description": "Source: source<br/>+- map<br/>",
                                             "optimizer_properties": {}}]}}
        if method == "GET" and path == f"/jobs/{RUN_JOB}/checkpoints":  # run --verify-restore
            return 200, {"counts": {"restored": 1}, "latest": {"restored": {
                "id": 1, "restore_timestamp": 1764085371000, "is_savepoint": True, "external_path": LOCATION}}}
        if method == "GET" and path == f"/jobs/{RUN_JOB}/status":
            return 200, {"status": "FINISHED"}
        match = re.fullmatch(r"/jobs/([0-9a-f]{32})/checkpoints", path)
        if method == "GET" and match and match.group(1) in known:
            return checkpoints(match.group(1))
        match = re.fullmatch(r"/jobs/([0-9a-f]{32})/status", path)
        if method == "GET" and match and match.group(1) in known:
            with LOCK:
                return 200, {"status": JOB_STATES.get(match.group(1), "RUNNING")}
        if method == "GET" and path == f"/jobs/{RUN_JOB}/execution-result":
            return 200, {"status": {"id": "COMPLETED"},
                         "job-execution-result": {"id": RUN_JOB, "application-status": "SUCCEEDED",
                                                  "accumulator-results": {}, "net-runtime": 4126}}
        return 404, {"errors": [f"Not found: {path}"]}

    def handle_method(self, method):
        status, body = self.route(method)
        self.answer(status, body)

    def do_GET(self):
        self.handle_method("GET")

    def do_POST(self):
        self.handle_method("POST")

    def do_PATCH(self):
        self.handle_method("PATCH")

    def do_DELETE(self):
        self.handle_method("DELETE")


def load_schemas():
    schemas = {}
    for name in sorted(os.listdir(SCHEMAS)):
        if not name.endswith(".schema.json"):
            continue
        with open(os.path.join(SCHEMAS, name)) as handle:
            schema = json.load(handle)
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[schema["properties"]["schema"]["const"]] = jsonschema.Draft202012Validator(schema)
    return schemas


def main():
    schemas = load_schemas()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeJobManager)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"127.0.0.1:{server.server_address[1]}"
    failures = []
    seen_schemas = set()
    failed_schemas = set()  # schemas a valid "failed" document was checked against

    with tempfile.TemporaryDirectory() as scratch:
        conf = os.path.join(scratch, "conf")
        os.mkdir(conf)
        jar = os.path.join(scratch, "job.jar")
        with open(jar, "wb") as handle:
            handle.write(b"PK\x03\x04 fake jar for the schema test")
        env = {"FLINK_CONF_DIR": conf, "PATH": "/usr/bin:/bin", "TZ": "UTC"}

        def flink(args):
            return subprocess.run([FLINK] + args, env=env, capture_output=True, text=True, timeout=60)

        def json_case(name, args, exit_code, schema, status, check=None, m=True):
            # general options right after the action: for run, what follows the jar is the program's
            argv = args[:1] + (["-m", address] if m else []) + ["-o", "json"] + args[1:]
            result = flink(argv)
            problems = []
            if result.returncode != exit_code:
                problems.append(f"exit {result.returncode}, expected {exit_code}")
            lines = result.stdout.splitlines()
            document = None
            if len(lines) != 1 or not result.stdout.endswith("\n"):
                problems.append(f"stdout is not one line: {result.stdout!r}")
            try:
                document = json.loads(result.stdout)
            except ValueError as error:
                problems.append(f"stdout is not one JSON document ({error}): {result.stdout!r}")
            if isinstance(document, dict):
                validator = schemas.get(document.get("schema"))
                if document.get("schema") != schema:
                    problems.append(f"schema {document.get('schema')!r}, expected {schema!r}")
                if validator is None:
                    problems.append(f"no schema file for {document.get('schema')!r}")
                else:
                    seen_schemas.add(document["schema"])
                    violations = list(validator.iter_errors(document))
                    for error in violations:
                        problems.append(f"schema violation at {list(error.absolute_path)}: {error.message}")
                    if document.get("status") == "failed" and not violations:
                        failed_schemas.add(document["schema"])
                if document.get("status") != status:
                    problems.append(f"status {document.get('status')!r}, expected {status!r}")
                if "error" in document and document["error"]["exit_code"] != result.returncode:
                    problems.append("error.exit_code is not the exit status")
                # a completed savepoint, stop or cancel -s: every check of the result made
                if status == "completed" and document.get("action") in ("savepoint", "stop", "cancel") \
                        and document.get("with_savepoint", True):
                    checks = document.get("checks") or {}
                    if checks.get("kind_and_format") != "verified" or "unverified" in checks.values() \
                            or "unverified" in document:
                        problems.append(f"checks {checks!r}, unverified {document.get('unverified')!r}")
                    expected_state = {"stop": "FINISHED", "cancel": "CANCELED"}.get(document["action"])
                    if expected_state and (checks.get("job_state") != "verified" or document.get("job_state") != expected_state):
                        problems.append(f"job_state {document.get('job_state')!r}, expected {expected_state!r} (verified)")
                if check:
                    try:
                        check(document, result)
                    except AssertionError as error:
                        problems.append(f"check: {error}")
            report(name, argv, problems, result)

        def quiet_case(name, args, exit_code, stdout, stderr_lines=None, m=True):
            argv = args[:1] + (["-m", address] if m else []) + ["-q"] + args[1:]
            result = flink(argv)
            problems = []
            if result.returncode != exit_code:
                problems.append(f"exit {result.returncode}, expected {exit_code}")
            if result.stdout != stdout:
                problems.append(f"stdout {result.stdout!r}, expected {stdout!r}")
            if stderr_lines is not None and len(result.stderr.splitlines()) != stderr_lines:
                problems.append(f"stderr has {len(result.stderr.splitlines())} lines, expected {stderr_lines}")
            report(name, argv, problems, result)

        def report(name, argv, problems, result):
            if problems:
                failures.append(name)
                print(f"FAIL {name}: flink {' '.join(argv)}")
                for problem in problems:
                    print(f"     {problem}")
                print(f"     stderr: {result.stderr!r}")
            else:
                print(f"ok   {name}")

        def has(**fields):
            def check(document, _result):
                for key, value in fields.items():
                    assert document.get(key) == value, f"{key} = {document.get(key)!r}, expected {value!r}"
            return check

        def error_class(name):
            def check(document, _result):
                assert document["error"]["class"] == name, document["error"]
            return check

        def that(predicate):
            """A check from a predicate over (document, result)."""
            def check(document, result):
                assert predicate(document, result), json.dumps(document)
            return check

        def on_stderr(text):
            def check(_document, result):
                assert text in result.stderr, f"{text!r} not on stderr"
            return check

        sp, st, ca = "flinkcli.savepoint/1", "flinkcli.stop/1", "flinkcli.cancel/1"
        # savepoint
        json_case("savepoint", ["savepoint", OK], 0, sp, "completed",
                  has(job_id=OK, savepoint_path=LOCATION, detached=False, format="CANONICAL", target_directory=None))
        json_case("savepoint -detached", ["savepoint", "-detached", OK], 0, sp, "triggered",
                  that(lambda d, r: d["follow_command"] == f"flink follow -m {address} {OK} {d['trigger_id']}"))
        json_case("savepoint --trigger-id", ["savepoint", "--trigger-id", T.upper(), OK, "file:///sp"], 0, sp, "completed",
                  has(trigger_id=T, target_directory="file:///sp"))
        json_case("savepoint, extra arguments: notice on stderr", ["savepoint", OK, "file:///sp", "extra"], 0, sp, "completed",
                  on_stderr("Provided more arguments than required"))
        json_case("savepoint timed out", ["savepoint", SLOW, "-D", "client.timeout=300ms"], 6, sp, "timed_out",
                  that(lambda d, r: d["follow_command"] == f"flink follow -m {address} {SLOW} {d['trigger_id']}"
                       and d["error"]["class"] == "timeout" and d["follow_command"] in d["error"]["message"]))
        json_case("savepoint --wait-timeout", ["savepoint", SLOW, "--wait-timeout", "400 ms"], 6, sp, "timed_out",
                  that(lambda d, r: "400 ms (--wait-timeout)" in d["error"]["message"]))
        json_case("savepoint declined", ["savepoint", DECLINES], 5, sp, "failed", error_class("operation_failed"))
        json_case("savepoint unknown job", ["savepoint", UNKNOWN], 4, sp, "failed", error_class("not_found"))
        json_case("savepoint without a job id", ["savepoint"], 1, sp, "failed", error_class("usage"))
        json_case("savepoint, unknown option", ["savepoint", "--bogus", OK], 1, sp, "failed", error_class("usage"))
        json_case("savepoint, bad job id", ["savepoint", "xyz"], 1, sp, "failed", error_class("usage"))
        json_case("savepoint --job-name", ["savepoint", "--job-name", "orders"], 0, sp, "completed",
                  has(job_id=OK, job_name="orders"))
        json_case("savepoint --job-name, several", ["savepoint", "--job-name", "dup"], 11, sp, "failed",
                  that(lambda d, r: [c["job_id"] for c in d["candidates"]] == [DUP1, DUP2]))
        json_case("savepoint --job-name, none", ["savepoint", "--job-name", "orders-old"], 4, sp, "failed",
                  that(lambda d, r: OK in [c["job_id"] for c in d["candidates"]]
                       and DONE not in [c["job_id"] for c in d["candidates"]]))
        json_case("savepoint -o json -q", ["savepoint", OK, "-q"], 1, sp, "failed", error_class("usage"))
        json_case("savepoint --job-name ''", ["savepoint", "--job-name", ""], 1, sp, "failed", error_class("usage"))
        json_case("unreachable JobManager", ["savepoint", OK, "-m", "127.0.0.1:1", "-D", "client.timeout=500ms"], 3, sp, "failed",
                  error_class("unreachable"), m=False)
        # dispose
        json_case("dispose", ["savepoint", "-d", "file:///data/sp-1"], 0, "flinkcli.dispose/1", "completed",
                  has(savepoint_path="file:///data/sp-1", trigger_id=DISPOSE_T))
        json_case("dispose timed out", ["savepoint", "-d", "file:///data/slow", "--wait-timeout", "300ms"], 6,
                  "flinkcli.dispose/1", "timed_out", has(follow_command=f"flink follow -m {address} --dispose {SLOW_DISPOSE_T}"))
        json_case("dispose with --trigger-id", ["savepoint", "-d", "x", "--trigger-id", T], 1, "flinkcli.dispose/1", "failed")
        # stop
        json_case("stop", ["stop", OK], 0, st, "completed", has(drain=False, savepoint_path=LOCATION))
        json_case("stop -d -p dir", ["stop", "-d", "-p", "file:///stop", OK], 0, st, "completed",
                  has(drain=True, target_directory="file:///stop"))
        json_case("stop -detached", ["stop", "-detached", "--trigger-id", T, OK], 0, st, "triggered", has(trigger_id=T))
        json_case("stop --job-name", ["stop", "-p", "file:///s", "--job-name", "orders"], 0, st, "completed",
                  has(job_id=OK, target_directory="file:///s"))
        json_case("stop timed out", ["stop", SLOW, "-D", "client.timeout=300ms"], 6, st, "timed_out")
        json_case("stop -detached --wait-timeout", ["stop", "-detached", "--wait-timeout", "1 min", OK], 1, st, "failed")
        json_case("stop without a job id", ["stop"], 1, st, "failed", error_class("usage"))
        json_case("stop unknown job", ["stop", UNKNOWN], 4, st, "failed", error_class("not_found"))
        # cancel
        json_case("cancel", ["cancel", OK], 0, ca, "completed", has(with_savepoint=False, job_id=OK))
        json_case("cancel -s: deprecation on stderr", ["cancel", "-s", OK], 0, ca, "completed",
                  that(lambda d, r: d["savepoint_path"] == LOCATION and d["notices"][0].startswith("DEPRECATION WARNING")
                       and "DEPRECATION WARNING" in r.stderr))
        json_case("cancel -s timed out", ["cancel", "-s", "file:///c", SLOW, "--wait-timeout", "300ms"], 6, ca, "timed_out")
        json_case("cancel unknown job", ["cancel", UNKNOWN], 4, ca, "failed")
        json_case("cancel --wait-timeout without -s", ["cancel", "--wait-timeout", "1s", OK], 1, ca, "failed")
        json_case("cancel without a job id", ["cancel"], 1, ca, "failed", error_class("usage"))
        # checkpoint
        cp = "flinkcli.checkpoint/1"
        json_case("checkpoint", ["checkpoint", OK], 0, cp, "completed",
                  has(job_id=OK, checkpoint_id=3, checkpoint_type="CONFIGURED", external_path=CHECKPOINT_PATH))
        json_case("checkpoint -full", ["checkpoint", "-full", "--trigger-id", T, OK], 0, cp, "completed",
                  has(checkpoint_type="FULL", trigger_id=T))
        json_case("checkpoint --job-name", ["checkpoint", "--job-name", "orders"], 0, cp, "completed", has(job_id=OK))
        json_case("checkpoint timed out", ["checkpoint", SLOW, "--wait-timeout", "300ms"], 6, cp, "timed_out",
                  that(lambda d, r: d["follow_command"] == f"flink follow -m {address} --checkpoint {SLOW} {d['trigger_id']}"))
        json_case("checkpoint declined", ["checkpoint", DECLINES], 5, cp, "failed", error_class("operation_failed"))
        json_case("checkpoint unknown job", ["checkpoint", UNKNOWN], 4, cp, "failed", error_class("not_found"))
        json_case("checkpoint without a job id", ["checkpoint"], 1, cp, "failed", error_class("usage"))
        json_case("checkpoint --job-name, several", ["checkpoint", "--job-name", "dup"], 11, cp, "failed")
        # list
        json_case("list", ["list"], 0, "flinkcli.list/1", "completed",
                  that(lambda d, r: [j["job_id"] for j in d["jobs"]] == [OK, SLOW, DECLINES, DUP1, DUP2, WARMING]
                       and d["sections"] == ["running", "scheduled"]
                       and d["jobs"][0]["start_time"] == "2025-11-25T15:42:51.000Z"))
        json_case("list -a", ["list", "-a"], 0, "flinkcli.list/1", "completed",
                  that(lambda d, r: d["jobs"][-1]["job_id"] == DONE and d["jobs"][-1]["section"] == "terminated"))
        json_case("list, unreachable", ["list", "-m", "127.0.0.1:1", "-D", "client.timeout=500ms"], 3, "flinkcli.list/1",
                  "failed", m=False)
        json_case("list, unknown option", ["list", "--bogus"], 1, "flinkcli.list/1", "failed", error_class("usage"))
        # run
        json_case("run -d", ["run", "-d", jar], 0, "flinkcli.run/1", "submitted",
                  has(job_id=RUN_JOB, jar_id=JAR_ID, jar_uploaded=True, jar_deleted=True, detached=True,
                      from_savepoint=None))
        json_case("run attached", ["run", jar], 0, "flinkcli.run/1", "finished",
                  has(job_state="FINISHED", job_runtime_ms=4126))
        json_case("run -s -rm legacy: notices on stderr", ["run", "-d", "-s", "file:///sp", "-rm", "legacy", jar], 0,
                  "flinkcli.run/1", "submitted",
                  that(lambda d, r: len(d["notices"]) == 2 and d["claim_mode"] == "LEGACY"))
        json_case("run, missing jar", ["run", os.path.join(scratch, "missing.jar")], 4, "flinkcli.run/1", "failed")
        json_case("run -py", ["run", "-py", "x.py"], 8, "flinkcli.run/1", "failed", error_class("unsupported"))
        json_case("run without a jar", ["run"], 1, "flinkcli.run/1", "failed", error_class("usage"))
        # follow
        fo = "flinkcli.follow/1"
        json_case("follow", ["follow", OK, T], 0, fo, "completed", has(operation="savepoint", savepoint_path=LOCATION, wait=True))
        json_case("follow --no-wait, in progress", ["follow", "--no-wait", SLOW, T], 0, fo, "in_progress",
                  has(follow_command=f"flink follow -m {address} {SLOW} {T}", wait=False))
        json_case("follow --no-wait, completed", ["follow", "--no-wait", OK, T], 0, fo, "completed")
        json_case("follow, timed out", ["follow", SLOW, T, "--wait-timeout", "300ms"], 6, fo, "timed_out")
        json_case("follow, failed", ["follow", DECLINES, T], 5, fo, "failed")
        json_case("follow --dispose", ["follow", "--dispose", DISPOSE_T], 0, fo, "completed", has(operation="dispose", job_id=None))
        json_case("follow --dispose --no-wait, in progress", ["follow", "--dispose", "--no-wait", SLOW_DISPOSE_T], 0, fo, "in_progress")
        json_case("follow --job-name", ["follow", "--job-name", "orders", T], 0, fo, "completed", has(job_id=OK))
        json_case("follow --checkpoint", ["follow", "--checkpoint", OK, T], 0, fo, "completed",
                  has(operation="checkpoint", checkpoint_id=3))
        json_case("follow --checkpoint --no-wait, in progress", ["follow", "--checkpoint", "--no-wait", SLOW, T], 0, fo,
                  "in_progress", has(follow_command=f"flink follow -m {address} --checkpoint {SLOW} {T}"))
        json_case("follow, missing trigger id", ["follow", OK], 1, fo, "failed", error_class("usage"))
        json_case("follow, bad trigger id", ["follow", OK, "nope"], 1, fo, "failed", error_class("usage"))
        json_case("follow --job-name ''", ["follow", "--job-name", "", T], 1, fo, "failed", error_class("usage"))
        json_case("follow --dispose, bad trigger id", ["follow", "--dispose", "nope"], 1, fo, "failed", error_class("usage"))
        # inspect: a hand-built version 3 _metadata (MetadataV3Serializer's layout)
        # (operator uid "source": inline operator state, keyed state in a relative file)
        sp_dir = os.path.join(scratch, "savepoint-a48f8e-f8b2e237b6f8")
        os.mkdir(sp_dir)
        metadata = bytes.fromhex(REFERENCE_V3.replace(" ", "").replace("\n", ""))
        with open(os.path.join(sp_dir, "_metadata"), "wb") as handle:
            handle.write(metadata)
        truncated = os.path.join(scratch, "truncated")
        os.mkdir(truncated)
        with open(os.path.join(truncated, "_metadata"), "wb") as handle:
            handle.write(metadata[:100])
        source_id = "e5a72f353fc1e6bbf3bd96a41384998c"
        ins = "flinkcli.inspect/1"
        json_case("inspect", ["inspect", sp_dir, "--uid", "source"], 0, ins, "completed",
                  that(lambda d, r: d["operators"][0]["operator_id"] == source_id and d["metadata_version"] == 3
                       and d["uids"][0]["in_savepoint"] and d["missing_files"]), m=False)
        json_case("inspect --expect-uids, state dropped", ["inspect", sp_dir, "--expect-uids", "other"], 7, ins, "failed",
                  that(lambda d, r: d["restore_check"]["dropped"][0]["operator_id"] == source_id
                       and d["error"]["class"] == "restore_mismatch"), m=False)
        json_case("inspect --expect-uids -n", ["inspect", "file://" + sp_dir, "--expect-uids", "source", "-n"], 0, ins,
                  "completed", that(lambda d, r: not d["restore_check"]["would_drop_state"]), m=False)
        json_case("inspect --jar", ["inspect", sp_dir, "--jar", jar], 0, ins, "completed",
                  that(lambda d, r: d["plan_check"]["operators"][0]["verdict"] == "head"
                       and not d["plan_check"]["would_drop_state"]))
        json_case("inspect --jar, state on no vertex", ["inspect", sp_dir, "--jar", jar, "--", "--other"], 7, ins,
                  "failed", that(lambda d, r: d["plan_check"]["operators"][0]["verdict"] == "unknown"
                                 and d["error"]["class"] == "restore_mismatch"))
        json_case("inspect, truncated", ["inspect", truncated], 15, ins, "failed", error_class("bad_savepoint"), m=False)
        json_case("inspect, missing", ["inspect", os.path.join(scratch, "nope")], 4, ins, "failed", error_class("not_found"), m=False)
        json_case("inspect, hdfs", ["inspect", "hdfs://nn/sp"], 8, ins, "failed", error_class("unsupported"), m=False)
        # usage errors: some before the path is known (no savepoint_path in the document)
        json_case("inspect without a path", ["inspect"], 1, ins, "failed", error_class("usage"), m=False)
        json_case("inspect ''", ["inspect", ""], 1, ins, "failed", error_class("usage"), m=False)
        json_case("inspect --uid ''", ["inspect", sp_dir, "--uid", ""], 1, ins, "failed",
                  that(lambda d, r: d["error"]["class"] == "usage" and d["savepoint_path"] == sp_dir), m=False)
        json_case("inspect -n alone", ["inspect", sp_dir, "-n"], 1, ins, "failed", error_class("usage"), m=False)
        json_case("inspect, two paths", ["inspect", sp_dir, sp_dir], 1, ins, "failed", error_class("usage"), m=False)
        json_case("inspect --expect-uids-file, missing file",
                  ["inspect", sp_dir, "--expect-uids-file", os.path.join(scratch, "no-uids")], 4, ins, "failed",
                  has(savepoint_path=sp_dir), m=False)
        # snapshots: a root with a complete savepoint (the v3 _metadata and the file it names), an
        # incomplete one (the file missing) and one without _metadata
        snaps = os.path.join(scratch, "snaps")
        state_file = json.loads(flink(["inspect", "-o", "json", sp_dir]).stdout)["missing_files"][0]
        for name, with_file in (("savepoint-a48f8e-000000000001", True), ("savepoint-a48f8e-000000000002", False)):
            os.makedirs(os.path.join(snaps, name))
            shutil.copy(os.path.join(sp_dir, "_metadata"), os.path.join(snaps, name, "_metadata"))
            if with_file:
                shutil.copy(os.path.join(sp_dir, "_metadata"), os.path.join(snaps, name, os.path.basename(state_file)))
        os.makedirs(os.path.join(snaps, "savepoint-b1b1b1-000000000003"))
        with open(os.path.join(snaps, "savepoint-b1b1b1-000000000003", "orphan"), "w") as handle:
            handle.write("state")
        complete_sp = os.path.join(snaps, "savepoint-a48f8e-000000000001")
        sn = "flinkcli.snapshots/1"
        json_case("snapshots", ["snapshots", snaps], 0, sn, "completed",
                  that(lambda d, r: sorted(x["status"] for x in d["snapshots"]) == ["complete", "incomplete", "no_metadata"]),
                  m=False)
        json_case("snapshots --latest", ["snapshots", "--latest", snaps], 0, sn, "completed",
                  has(latest_source="storage"), m=False)
        json_case("snapshots --latest --job-id, the JobManager's is not in storage",
                  ["snapshots", "--latest", "--job-id", OK, snaps], 0, sn, "completed",
                  that(lambda d, r: d["latest"]["path"] == complete_sp and d["latest_source"] == "storage"))
        json_case("snapshots --latest, none complete",
                  ["snapshots", "--latest", os.path.join(snaps, "savepoint-a48f8e-000000000002")], 4, sn, "failed",
                  error_class("not_found"), m=False)
        json_case("snapshots, missing root", ["snapshots", os.path.join(scratch, "nope")], 4, sn, "failed",
                  error_class("not_found"), m=False)
        # savepoint -d --offline: copies of the v3 savepoint (its _metadata and the file it names)
        def offline_copy(parent, name, extra=None):
            directory = os.path.join(scratch, "offline", parent, name)
            os.makedirs(directory)
            shutil.copy(os.path.join(sp_dir, "_metadata"), os.path.join(directory, "_metadata"))
            shutil.copy(os.path.join(sp_dir, "_metadata"), os.path.join(directory, os.path.basename(state_file)))
            if extra:
                with open(os.path.join(directory, extra), "w") as handle:
                    handle.write("not named by _metadata")
            return directory
        do = "flinkcli.dispose/1"
        gone = offline_copy("sp", "savepoint-a48f8e-000000000001")
        json_case("dispose --offline", ["savepoint", "-d", gone, "--offline"], 0, do, "completed",
                  that(lambda d, r: d["offline"] and d["deleted"][0] == os.path.join(gone, "_metadata")
                       and d["deleted"][-1] == gone and d["left"] == [] and not os.path.exists(gone)), m=False)
        crowded = offline_copy("sp", "savepoint-a48f8e-000000000002", extra="notes")
        json_case("dispose --offline, something left", ["savepoint", "-d", crowded, "--offline"], 5, do, "failed",
                  that(lambda d, r: d["left"] == [os.path.join(crowded, "notes")] and len(d["deleted"]) == 2
                       and d["error"]["class"] == "operation_failed"), m=False)
        chk = offline_copy(OK, "chk-3")
        json_case("dispose --offline, a checkpoint", ["savepoint", "-d", chk, "--offline"], 8, do, "failed",
                  that(lambda d, r: "flink prune" in d["error"]["message"] and os.path.exists(chk)), m=False)
        json_case("dispose --offline, no _metadata", ["savepoint", "-d", os.path.join(scratch, "nope"), "--offline"], 4,
                  do, "failed", error_class("not_found"), m=False)
        json_case("dispose --offline without -d", ["savepoint", "--offline", OK], 1, sp, "failed", error_class("usage"),
                  m=False)
        json_case("dispose, unreachable JobManager: names --offline",
                  ["savepoint", "-d", gone, "-m", "127.0.0.1:1", "-D", "client.timeout=500ms"], 3, do, "failed",
                  that(lambda d, r: "--offline" in d["error"]["message"]), m=False)
        json_case("snapshots, hdfs", ["snapshots", "hdfs://nn/sp"], 8, sn, "failed", error_class("unsupported"), m=False)
        json_case("snapshots --job-id x", ["snapshots", "--job-id", "x", snaps], 1, sn, "failed", error_class("usage"),
                  m=False)
        # prune: the same root, offline (a dry run, then for real), and its refusals
        pr = "flinkcli.prune/1"
        prune_root = os.path.join(scratch, "prune")
        shutil.copytree(snaps, prune_root)
        json_case("prune --dry-run", ["prune", "--offline", "--dry-run", "--keep-last", "1", prune_root], 0, pr, "completed",
                  that(lambda d, r: d["would_delete"] == [os.path.join(prune_root, "savepoint-a48f8e-000000000002")]
                       and d["deleted"] == [] and len(d["plan"]) == 3), m=False)
        json_case("prune --incomplete --keep-within", ["prune", "--offline", "--incomplete", "--keep-within", "1h", prune_root],
                  0, pr, "completed", that(lambda d, r: d["not_deleted"] == [] and not d["in_use_checked"]), m=False)
        json_case("prune, JobManager asked", ["prune", "--keep-last", "1", prune_root], 0, pr, "completed",
                  has(in_use_checked=True))
        json_case("prune without a rule", ["prune", "--offline", prune_root], 1, pr, "failed", error_class("usage"), m=False)
        json_case("prune --keep-within 30m", ["prune", "--offline", "--keep-within", "30m", prune_root], 1, pr, "failed",
                  error_class("usage"), m=False)
        json_case("prune, no JobManager", ["prune", "--keep-last", "1", prune_root], 3, pr, "failed",
                  error_class("unreachable"), m=False)
        json_case("prune, missing root", ["prune", "--offline", "--keep-last", "1", os.path.join(scratch, "nope")], 4, pr,
                  "failed", error_class("not_found"), m=False)
        json_case("run -s --verify-restore", ["run", "-d", "-s", LOCATION, "--verify-restore", jar], 0, "flinkcli.run/1",
                  "submitted", has(restore_verified=True, restored_from=LOCATION))
        json_case("run -s --verify-restore, other path", ["run", "-d", "-s", "file:/data/other", "--verify-restore", jar],
                  14, "flinkcli.run/1", "failed", error_class("restore_not_verified"))
        # no action
        json_case("unknown action", ["frobnicate"], 1, "flinkcli.error/1", "failed", error_class("usage"))
        json_case("JVM-only action", ["info", "x.jar"], 8, "flinkcli.error/1", "failed", error_class("unsupported"))
        json_case("JVM-only action run-application", ["run-application", "x.jar"], 8, "flinkcli.error/1", "failed",
                  error_class("unsupported"))

        # quiet: only the essential value
        quiet_case("savepoint -q", ["savepoint", OK], 0, LOCATION + "\n", 0)
        quiet_case("savepoint -detached -q", ["savepoint", "-detached", "--trigger-id", T, OK], 0, T + "\n", 0)
        quiet_case("savepoint -q, extra arguments: notice on stderr", ["savepoint", OK, "d", "x"], 0,
                   location_under("d") + "\n", 1)
        quiet_case("dispose -q", ["savepoint", "-d", "file:///data/sp-1"], 0, "", 0)
        quiet_case("dispose --offline -q", ["savepoint", "-d", offline_copy("quiet", "savepoint-a48f8e-000000000003"),
                                             "--offline"], 0, "", 0, m=False)
        quiet_case("stop -q", ["stop", "--drain", OK], 0, LOCATION + "\n", 0)
        quiet_case("stop -detached -q", ["stop", "-detached", "--trigger-id", T, OK], 0, T + "\n", 0)
        quiet_case("cancel -q", ["cancel", OK], 0, "", 0)
        quiet_case("cancel -s -q", ["cancel", "-s", OK], 0, LOCATION + "\n", 1)
        quiet_case("list -q", ["list"], 0, "".join(j + "\n" for j in [OK, SLOW, DECLINES, DUP1, DUP2, WARMING]), 0)
        quiet_case("list -r -q", ["list", "-r"], 0, "".join(j + "\n" for j in [OK, SLOW, DECLINES, DUP1, DUP2]), 0)
        quiet_case("list -a -q", ["list", "-a"], 0, "".join(j + "\n" for j in [OK, SLOW, DECLINES, DUP1, DUP2, WARMING, DONE]), 0)
        quiet_case("run -d -q", ["run", "-d", jar], 0, RUN_JOB + "\n", 0)
        quiet_case("run -q", ["run", jar], 0, "", 0)
        quiet_case("follow -q", ["follow", OK, T], 0, LOCATION + "\n", 0)
        quiet_case("checkpoint -q", ["checkpoint", OK], 0, "3\n", 0)
        quiet_case("checkpoint -q, unknown job: one line on stderr", ["checkpoint", UNKNOWN], 4, "", 1)
        quiet_case("follow --checkpoint -q", ["follow", "--checkpoint", OK, T], 0, "3\n", 0)
        quiet_case("follow --no-wait -q, in progress", ["follow", "--no-wait", SLOW, T], 0, "", 0)
        quiet_case("inspect -q", ["inspect", sp_dir], 0, source_id + "\n", 0, m=False)
        quiet_case("inspect -q, truncated: one line on stderr", ["inspect", truncated], 15, "", 1, m=False)
        quiet_case("snapshots --latest -q", ["snapshots", "--latest", snaps], 0, complete_sp + "\n", 0, m=False)
        quiet_case("snapshots -q, missing root: one line on stderr", ["snapshots", os.path.join(scratch, "nope")], 4, "",
                   1, m=False)
        prune_again = os.path.join(scratch, "prune-again")
        shutil.copytree(snaps, prune_again)
        quiet_case("prune -q --dry-run: the plan's note on stderr",
                   ["prune", "--offline", "--dry-run", "--keep-last", "1", prune_again], 0,
                   os.path.join(prune_again, "savepoint-a48f8e-000000000002") + "\n", 1, m=False)
        quiet_case("savepoint -q, timed out: one line on stderr", ["savepoint", SLOW, "-D", "client.timeout=300ms"], 6, "", 1)
        quiet_case("savepoint -q, usage error: one line on stderr", ["savepoint"], 1, "", 1)
        quiet_case("savepoint --quiet, --job-name several", ["savepoint", "--job-name", "dup"], 11, "", 1)

    server.shutdown()
    unused = sorted(set(schemas) - seen_schemas)
    if unused:
        failures.append("unused schemas")
        print(f"FAIL no document was checked against {', '.join(unused)}")
    # every action's failures too, not only its successes
    no_failure = sorted(set(schemas) - failed_schemas)
    if no_failure:
        failures.append("schemas without a valid failure document")
        print(f"FAIL no valid failed document was checked against {', '.join(no_failure)}")
    if failures:
        print(f"\n{len(failures)} case(s) failed: {', '.join(failures)}")
        return 1
    print(f"\nall documents valid against {len(schemas)} schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
