#!/usr/bin/env python3
"""Fault-injection matrix: the built `flink` binary against a scripted fake JobManager on 127.0.0.1.

Every cell is one action (savepoint, stop, cancel -s, savepoint -d, checkpoint, follow, follow
--checkpoint) x one phase (before the
trigger: the --job-name lookup; during the trigger; during the wait) x one fault, injected by the
fake while it handles the request of that phase:

  SIGINT / SIGTERM / SIGHUP  the fake signals the client process, then answers 200 ms later
  reset                      the connection is reset instead of the first answer
  election                   Flink's 503 "ongoing leader election" for the first two answers
  restart                    the JobManager restarted: it forgets every trigger id it held

Each cell asserts the exit code, the words of the one stderr line (the trigger id and the follow
command wherever an operation may go on), how often the trigger was sent (never twice for a
disposal; re-sent triggers carry the same id) and that nothing was ever cancelled. The outcome per
cell is docs/fault-matrix.md, which this script writes with --write and compares otherwise, so
the page cannot drift from what the client does.

Usage: fault_matrix.py <flink binary> <docs/fault-matrix.md> [--write]
"""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fake"))
from json_handler import JsonHandler  # noqa: E402

FLINK, PAGE = sys.argv[1], sys.argv[2]
WRITE = "--write" in sys.argv[3:]
CONF_DIR = tempfile.mkdtemp(prefix="fault-matrix-conf-")  # empty: no configuration on the machine leaks in

JOB = "a48f8e8b712ac1616c58c37184d4a569"
TRIGGER = "7bc1eb8a27587d4728b63c2fdb41d37a"
DISPOSAL = "9d1e0b5c2f3a4e6b8c7d9e0f1a2b3c4d"
LOCATION = "file:/data/savepoints/savepoint-a48f8e-f8b2e237b6f8"
POLLS_UNTIL_DONE = 2  # the first polls answer IN_PROGRESS

ACTIONS = {
    # name: (argv before -m, the trigger path, the operation's kind for the history)
    "savepoint": (["savepoint", "--trigger-id", TRIGGER, "{job}"], f"/jobs/{JOB}/savepoints", "SAVEPOINT"),
    "stop": (["stop", "--trigger-id", TRIGGER, "{job}"], f"/jobs/{JOB}/stop", "SYNC_SAVEPOINT"),
    "cancel -s": (["cancel", "-s", "--trigger-id", TRIGGER, "{job}"], f"/jobs/{JOB}/savepoints", "SAVEPOINT"),
    "savepoint -d": (["savepoint", "-d", LOCATION], "/savepoint-disposal", None),
    "checkpoint": (["checkpoint", "--trigger-id", TRIGGER, "{job}"], f"/jobs/{JOB}/checkpoints", "CHECKPOINT"),
    "follow": (["follow", "{job}", TRIGGER], None, "SAVEPOINT"),
    "follow --checkpoint": (["follow", "--checkpoint", "{job}", TRIGGER], None, "CHECKPOINT"),
}
CHECKPOINT_POLL = f"/jobs/{JOB}/checkpoints/{TRIGGER}"
PHASES = ["before trigger", "during trigger", "during wait"]
FAULTS = ["SIGINT", "SIGTERM", "SIGHUP", "reset", "election", "restart"]
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP}


class Script:
    """What the fake does for one cell, and what it saw."""

    def __init__(self, action, phase, fault):
        self.action, self.phase, self.fault = action, phase, fault
        self.client_pid = None
        self.lock = threading.Lock()
        self.requests = []  # (method, path, body)
        self.faulted = 0
        self.forgotten = False  # restart: the trigger ids held before are gone
        self.polls = 0
        self.kind = ACTIONS[action][2]
        self.cancel_job = action == "cancel -s"

    def phase_of(self, method, path):
        trigger_path = ACTIONS[self.action][1]
        if method == "GET" and path == "/jobs/overview":
            return "before trigger"
        if method == "POST" and path == trigger_path:
            return "during trigger"
        if method == "GET" and (path.startswith(f"/jobs/{JOB}/savepoints/") or path.startswith("/savepoint-disposal/")
                                or path == CHECKPOINT_POLL):
            return "during wait"
        return None


def flink_error(status, text):
    return status, {"errors": [text]}


class FakeJobManager(JsonHandler):
    script = None

    def reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def handle_request(self, method):
        script = FakeJobManager.script
        path = self.path.split("?")[0]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with script.lock:
            script.requests.append((method, path, body))
            phase = script.phase_of(method, path)
            faulted_here = phase == script.phase and script.fault != "restart"
            if phase == script.phase and script.fault == "restart" and not script.forgotten:
                script.forgotten = True  # from this request on, the JobManager is a new one
                if phase == "during trigger":  # the old one died while the trigger was on its way
                    self.reset()
                    return
        if faulted_here and script.fault in SIGNALS:
            deadline = time.monotonic() + 5
            while script.client_pid is None and time.monotonic() < deadline:
                time.sleep(0.01)
            with script.lock:
                first = script.faulted == 0
                script.faulted += 1
            if first:
                os.kill(script.client_pid, SIGNALS[script.fault])
                time.sleep(0.2)
        elif faulted_here and script.fault == "reset":
            with script.lock:
                first = script.faulted == 0
                script.faulted += 1
            if first:
                self.reset()
                return
        elif faulted_here and script.fault == "election":
            with script.lock:
                electing = script.faulted < 2
                script.faulted += 1
            if electing:
                return self.answer(*flink_error(503, "Service temporarily unavailable due to an ongoing leader election. Please refresh."))
        self.answer(*self.route(method, path, body))

    def route(self, method, path, body):
        script = FakeJobManager.script
        if method == "GET" and path == "/jobs/overview":
            return 200, {"jobs": [{"jid": JOB, "name": "orders", "state": "RUNNING", "start-time": 1764085371000}]}
        if method == "POST" and path in (f"/jobs/{JOB}/savepoints", f"/jobs/{JOB}/stop", f"/jobs/{JOB}/checkpoints"):
            request = json.loads(body or b"{}")
            with script.lock:
                script.forgotten = False  # whichever JobManager took the trigger knows it
            return 202, {"request-id": request.get("triggerId")}
        if method == "GET" and path == f"/jobs/{JOB}/savepoints/{TRIGGER}":
            return self.poll(f"{JOB} {TRIGGER}", {"location": LOCATION})
        if method == "GET" and path == CHECKPOINT_POLL:
            return self.poll(f"{JOB} {TRIGGER}", {"checkpointId": 3})
        if method == "POST" and path == "/savepoint-disposal":
            with script.lock:
                script.forgotten = False
            return 200, {"request-id": DISPOSAL}
        if method == "GET" and path == f"/savepoint-disposal/{DISPOSAL}":
            return self.poll(DISPOSAL, {})
        if method == "GET" and path == f"/jobs/{JOB}/checkpoints":
            return 200, {"counts": {"completed": 1}, "latest": {"restored": None}, "history": [
                {"className": "completed", "id": 3, "status": "COMPLETED", "is_savepoint": True,
                 "savepointFormat": "CANONICAL", "checkpoint_type": script.kind, "external_path": LOCATION}]}
        if method == "GET" and path == f"/jobs/{JOB}/status":
            state = {"stop": "FINISHED", "cancel -s": "CANCELED"}.get(script.action, "RUNNING")
            return 200, {"status": state}
        return flink_error(404, f"Not found: {path}")

    def poll(self, key, result):
        """An operation's status: unknown after a restart, else in progress for the first polls."""
        script = FakeJobManager.script
        with script.lock:
            if script.forgotten:
                return flink_error(404, f"org.apache.flink.runtime.rest.NotFoundException: Operation not found under key: {key}")
            script.polls += 1
            done = script.polls > POLLS_UNTIL_DONE
        return 200, ({"status": {"id": "COMPLETED"}, "operation": result} if done
                     else {"status": {"id": "IN_PROGRESS"}, "operation": None})

    def do_GET(self):
        self.handle_request("GET")

    def do_POST(self):
        self.handle_request("POST")

    def do_PATCH(self):
        self.handle_request("PATCH")

    def do_DELETE(self):
        self.handle_request("DELETE")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # resets are deliberate


def applicable(action, phase):
    if action.startswith("follow"):
        return phase == "during wait"  # follow sends no trigger
    if action == "savepoint -d":
        return phase != "before trigger"  # a disposal looks nothing up first
    return True


def expected(action, phase, fault):
    """(exit code, words in the one stderr line (all of them), outcome text for the page)."""
    disposal = action == "savepoint -d"
    checkpoint = action in ("checkpoint", "follow --checkpoint")
    what = {"stop": "stop-with-savepoint", "savepoint -d": "disposal"}.get(action, "checkpoint" if checkpoint else "savepoint")
    follow = f"flink follow -m {{address}} --dispose {DISPOSAL}" if disposal else \
        f"flink follow -m {{address}} {'--checkpoint ' if checkpoint else ''}{JOB} {TRIGGER}"
    if fault in SIGNALS:
        code = 128 + SIGNALS[fault]
        if phase == "before trigger":
            return code, [fault, "nothing was sent"], f"{code}: nothing was sent"
        return code, [fault, f"the {what} goes on in the JobManager", follow], f"{code}: goes on; trigger id and follow command"
    if fault == "reset":
        if disposal and phase == "during trigger":
            return 16, ["POST /savepoint-disposal was sent", "its answer was lost"], "16: outcome unknown, sent once"
        return 0, [], "0: sent again" + (" with the same trigger id" if phase == "during trigger" else "")
    if fault == "election":
        if disposal and phase == "during trigger":
            return 3, ["is electing a leader", "nothing was done"], "3: nothing done, sent once"
        return 0, [], "0: retried until elected"
    if fault == "restart":
        if phase == "during wait":
            return 4, [f"does not know trigger id {DISPOSAL if disposal else TRIGGER}", "whether the operation completed is unknown"], \
                "4: the trigger id is lost; said"
        if disposal:
            return 16, ["POST /savepoint-disposal was sent", "its answer was lost"], "16: outcome unknown, sent once"
        return 0, [], "0: the new JobManager takes the trigger" if phase == "during trigger" else "0: nothing was lost"
    raise AssertionError(fault)


def run_cell(action, phase, fault):
    script = Script(action, phase, fault)
    FakeJobManager.script = script
    server = QuietServer(("127.0.0.1", 0), FakeJobManager)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"127.0.0.1:{server.server_address[1]}"
    argv = [a.replace("{job}", JOB) for a in ACTIONS[action][0]]
    if phase == "before trigger":
        argv = [a for a in argv if a != JOB] + ["--job-name", "orders"]
    argv = [FLINK] + argv + ["-m", address, "-D", "client.timeout=20s"]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={"PATH": os.environ.get("PATH", ""), "FLINK_CONF_DIR": CONF_DIR})
    script.client_pid = process.pid
    try:
        out, err = process.communicate(timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    return script, process.returncode, out, err, address


def check_cell(action, phase, fault):
    code, words, outcome = expected(action, phase, fault)
    script, rc, out, err, address = run_cell(action, phase, fault)
    problems = []
    err_lines = [line for line in err.splitlines() if not line.startswith("DEPRECATION WARNING")]
    if rc != code:
        problems.append(f"exit {rc}, expected {code}")
    if code == 0:
        if err_lines:
            problems.append(f"stderr not empty: {err_lines}")
    else:
        if len(err_lines) != 1:
            problems.append(f"{len(err_lines)} stderr lines: {err_lines}")
        for word in words:
            word = word.replace("{address}", address)
            if not any(word in line for line in err_lines):
                problems.append(f"stderr lacks {word!r}: {err_lines}")
        if any("Savepoint completed" in line or "disposed." in line or line.endswith(" completed.")
               for line in out.splitlines()):
            problems.append(f"success printed: {out!r}")
    trigger_path = ACTIONS[action][1]
    if trigger_path:
        triggers = [body for method, path, body in script.requests if method == "POST" and path == trigger_path]
        if action == "savepoint -d" and len(triggers) > 1:
            problems.append(f"the disposal was sent {len(triggers)} times")
        ids = {json.loads(body or b"{}").get("triggerId") for body in triggers}
        if len(ids) > 1:
            problems.append(f"triggers carried several ids: {ids}")
        if fault in SIGNALS and phase == "before trigger" and triggers:
            problems.append("a trigger was sent after the signal")
    if any(method == "PATCH" for method, _, _ in script.requests):
        problems.append("something was cancelled")
    return outcome, problems


def page(outcomes):
    lines = [
        "# Fault-injection matrix",
        "",
        "What the client does when a fault hits an action at each phase: generated and checked by",
        "`tests/fault_matrix/fault_matrix.py` (ctest `fault_matrix`, run in CI against the built binary",
        "and a scripted fake JobManager on 127.0.0.1; `--write` rewrites this page). Phases: *before",
        "trigger* is the `--job-name` lookup, *during trigger* the trigger request (a disposal's",
        "`POST /savepoint-disposal`), *during wait* the status polls. Faults: a signal sent to the client",
        "while the JobManager handles that request; `reset`, the connection reset instead of the first",
        "answer; `election`, Flink's 503 \"ongoing leader election\" twice; `restart`, the JobManager",
        "restarted and forgot every trigger id. A ZooKeeper leader change is the last table.",
        "",
        "In every cell: one stderr line on failure; the trigger id and the `flink follow` command",
        "wherever the operation may go on; a disposal is never sent twice; a trigger sent again carries",
        "the same trigger id; nothing is ever cancelled; nothing is reported as success that did not",
        "complete. `follow` (also `follow --checkpoint`) sends no trigger and a disposal looks nothing",
        "up first: those cells are `-`.",
        "",
    ]
    for action in ACTIONS:
        lines.append(f"## {action}")
        lines.append("")
        lines.append("| fault | " + " | ".join(PHASES) + " |")
        lines.append("|---|" + "---|" * len(PHASES))
        for fault in FAULTS:
            cells = [outcomes.get((action, phase, fault), "-") for phase in PHASES]
            lines.append(f"| {fault} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "## ZooKeeper leader change",
        "",
        "From `FailoverTest.LeaderChangeAtEachStep` (tests/unit/ha_test.cpp: two fake JobManagers and a",
        "fake quorum): *before trigger* the published leader is down and its znode lingers; *during",
        "trigger* the leader answers Flink's 503 and the standby is published; *during wait* the leader",
        "crashes and the standby, which took the operation over, answers for it. When the new leader",
        "does not know the trigger id, the wait ends with exit 4 naming both leaders and the trigger id",
        "(`FailoverTest.AnOperationLostWithTheOldLeaderIsSaidWithItsTriggerId`); the HA end-to-end suite",
        "kills a real leader mid-savepoint.",
        "",
        "| action | before trigger | during trigger | during wait |",
        "|---|---|---|---|",
        "| savepoint, stop, cancel -s, checkpoint | 0: waits for the new leader | 0: follows it, same trigger id | 0: polls the new leader |",
        "| savepoint -d | 0: waits for the new leader | 3: nothing done, sent once | 0: polls the new leader |",
        "| follow, follow --checkpoint | - | - | 0: polls the new leader |",
        "",
    ]
    return "\n".join(lines)


def main():
    outcomes, failures = {}, []
    for action in ACTIONS:
        for phase in PHASES:
            if not applicable(action, phase):
                continue
            for fault in FAULTS:
                outcome, problems = check_cell(action, phase, fault)
                outcomes[(action, phase, fault)] = outcome
                status = "ok" if not problems else "FAIL: " + "; ".join(problems)
                print(f"{action:19} {phase:15} {fault:9} {outcome:55} {status}")
                if problems:
                    failures.append((action, phase, fault, problems))
    text = page(outcomes)
    if WRITE:
        with open(PAGE, "w") as handle:
            handle.write(text)
    else:
        with open(PAGE) as handle:
            if handle.read() != text:
                failures.append(("docs", PAGE, "", ["differs from the matrix; rerun with --write"]))
    if failures:
        print(f"\n{len(failures)} cells failed", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    print(f"\n{len(outcomes)} cells passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
