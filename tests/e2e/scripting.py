#!/usr/bin/env python3
"""End-to-end suite for this client's scripting features on a real Flink cluster (issue 15).

Runs after side_by_side.py on the same cluster (tests/e2e/run-e2e.sh, suite `main`), with its
helpers. Every `-o json` document is validated against its schema in docs/schemas/
(python3-jsonschema); `-q` output is checked to be only the essential value. Then: a savepoint
that outlasts client.timeout (the sample job's --snapshot-sleep-ms) exits 6 with the `flink follow`
command, which completes it; --wait-timeout outlasts client.timeout; `follow` of triggers made by
our client and by Java's `-detached`, `follow --no-wait`, a stop followed after the job finished,
`follow --dispose`; re-runs with --trigger-id attach to the savepoint already taken; --job-name;
two runs of one jar at the same moment.
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import time
import unittest

import side_by_side as e2e
from side_by_side import CLUSTER, JAR, ZERO_JOB, java, ours, rest, wait_for_state, wait_until

try:
    import jsonschema
except ImportError:
    sys.exit("scripting.py needs python3-jsonschema (scripts/install-deps.sh installs it)")

SAVEPOINTS = CLUSTER["FLINK_SAVEPOINT_PATH_LOCAL"]
SNAPSHOT_SLEEP_MS = 3000  # each savepoint of the slow job takes at least this long
SHORT_CLIENT_TIMEOUT = "client.timeout=1s"
HEX32 = re.compile(r"^[0-9a-f]{32}$")


def load_schemas():
    validators = {}
    for path in glob.glob(os.path.join(e2e.REPO, "docs", "schemas", "*.schema.json")):
        with open(path) as handle:
            schema = json.load(handle)
        validators[schema["properties"]["schema"]["const"]] = jsonschema.Draft202012Validator(schema)
    return validators


SCHEMAS = load_schemas()


def savepoint_directories():
    return set(glob.glob(os.path.join(SAVEPOINTS, "savepoint-*")))


def submit(name, *program_args):
    result = ours("run", "-q", "-d", JAR, "--name", name, *program_args)
    if result.rc != 0 or not HEX32.match(result.out.strip()):
        raise AssertionError(f"submission failed:\n{result}")
    return result.out.strip()


def ready_slots(count):
    wait_until(lambda: rest("/overview")["slots-available"] >= count, f"{count} free task slots", 60)


def follow_command_argv(text):
    """The `flink follow ...` command a timed-out wait names (stderr or follow_command), for our binary."""
    match = re.search(r"(flink follow [^()\n]*?)\s*(\(with the same -D options\))?$", text.strip())
    if not match:
        raise AssertionError(f"no follow command in {text!r}")
    argv = shlex.split(match.group(1))
    assert argv[:2] == ["flink", "follow"], argv
    return argv[1:]


class Scripting(unittest.TestCase):
    """Steps run in name order; each starts and ends its own jobs (the cluster has 4 slots)."""

    @classmethod
    def setUpClass(cls):
        for job in rest("/jobs/overview")["jobs"]:
            if job["state"] in ("RUNNING", "CREATED", "INITIALIZING", "RESTARTING"):
                rest(f"/jobs/{job['jid']}?mode=cancel", method="PATCH")

    def json_document(self, result, schema, status, exit_code=0):
        """stdout is exactly one JSON document, valid against `schema`, with this status and exit code."""
        self.assertEqual(result.rc, exit_code, result)
        self.assertEqual(len(result.out.splitlines()), 1, result)
        document = json.loads(result.out)
        self.assertEqual(document.get("schema"), schema, result)
        errors = [f"{list(error.absolute_path)}: {error.message}" for error in SCHEMAS[schema].iter_errors(document)]
        self.assertEqual(errors, [], result)
        self.assertEqual(document["status"], status, result)
        if exit_code:
            self.assertEqual(document["error"]["exit_code"], exit_code, result)
        return document

    def quiet_value(self, result, pattern):
        """stdout is one line matching `pattern` (the essential value), exit 0."""
        self.assertEqual(result.rc, 0, result)
        self.assertRegex(result.out, r"\A" + pattern + r"\n\Z", result)
        return result.out.strip()

    def assert_savepoint_on_disk(self, path):
        self.assertTrue(os.path.exists(os.path.join(e2e.local_path(path), "_metadata")), path)

    def test_01_json_and_quiet_on_every_action(self):
        ready_slots(2)
        document = self.json_document(ours("run", "-o", "json", "-d", JAR, "--name", "e2e-json"),
                                      "flinkcli.run/1", "submitted")
        job = document["job_id"]
        quiet_job = self.quiet_value(ours("run", "-q", "-d", JAR, "--name", "e2e-quiet"), "[0-9a-f]{32}")
        for each in (job, quiet_job):
            e2e.wait_running_with_state(each)

        listed = ours("list", "-q", "-r")
        self.assertEqual(listed.rc, 0, listed)
        self.assertTrue(all(HEX32.match(line) for line in listed.out.splitlines()), listed)
        self.assertTrue({job, quiet_job} <= set(listed.out.split()), listed)
        document = self.json_document(ours("list", "-o", "json"), "flinkcli.list/1", "completed")
        rows = {row["job_id"]: row for row in document["jobs"]}
        self.assertEqual((rows[job]["name"], rows[job]["state"]), ("e2e-json", "RUNNING"))

        document = self.json_document(ours("savepoint", "-o", "json", job), "flinkcli.savepoint/1", "completed")
        self.assertEqual(document["job_id"], job)
        self.assert_savepoint_on_disk(document["savepoint_path"])
        json_path = document["savepoint_path"]
        quiet_path = self.quiet_value(ours("savepoint", "-q", job), r"file:\S+/savepoint-[0-9a-f-]+")
        self.assert_savepoint_on_disk(quiet_path)

        # A trigger of each client's -detached, picked up by our follow.
        trigger = self.quiet_value(ours("savepoint", "-q", "-detached", job), "[0-9a-f]{32}")
        followed = self.json_document(ours("follow", "-o", "json", job, trigger), "flinkcli.follow/1", "completed")
        self.assert_savepoint_on_disk(followed["savepoint_path"])
        java_detached = java("savepoint", "-detached", job)
        self.assertEqual(java_detached.rc, 0, java_detached)
        java_trigger = re.search(r"triggerId: ([0-9a-f]{32})", java_detached.out).group(1)
        result = ours("follow", job, java_trigger)
        self.assertEqual(result.rc, 0, result)
        self.assertRegex(result.out, rf"\AFollowing savepoint {java_trigger} of job {job}\.\n"
                                     r"Waiting for response\.\.\.\nSavepoint completed\. Path: file:\S+\n"
                                     r"You can resume your program from this savepoint with the run command\.\n\Z")
        operation = rest(f"/jobs/{job}/savepoints/{java_trigger}")["operation"]
        self.assertIn(f"Path: {operation['location']}\n", result.out)
        again = self.json_document(ours("follow", "-o", "json", "--no-wait", job, java_trigger),
                                   "flinkcli.follow/1", "completed")
        self.assertEqual(again["savepoint_path"], operation["location"])

        self.assertEqual(ours("savepoint", "-q", "-d", quiet_path).out, "")
        self.assertFalse(os.path.exists(e2e.local_path(quiet_path)))
        self.json_document(ours("savepoint", "-o", "json", "-d", json_path), "flinkcli.dispose/1", "completed")
        self.assertFalse(os.path.exists(e2e.local_path(json_path)))

        document = self.json_document(ours("stop", "-o", "json", job), "flinkcli.stop/1", "completed")
        self.assert_savepoint_on_disk(document["savepoint_path"])
        wait_for_state(job, ("FINISHED",))
        result = ours("cancel", "-q", "-s", quiet_job)
        self.assert_savepoint_on_disk(self.quiet_value(result, r"file:\S+/savepoint-[0-9a-f-]+"))
        self.assertIn("DEPRECATION WARNING", result.err)  # Flink's notice, off stdout in quiet mode
        wait_for_state(quiet_job, ("CANCELED",))

        ready_slots(2)
        plain = [submit("e2e-plain-cancel") for _ in range(2)]
        for each in plain:
            wait_for_state(each, ("RUNNING",))
        document = self.json_document(ours("cancel", "-o", "json", plain[0]), "flinkcli.cancel/1", "completed")
        self.assertFalse(document["with_savepoint"])
        result = ours("cancel", "-q", plain[1])
        self.assertEqual((result.rc, result.out), (0, ""), result)
        for each in plain:
            wait_for_state(each, ("CANCELED",))

        bounded = ["--count", "20", "--sleep-ms", "5", "--name", "e2e-bounded-json"]
        document = self.json_document(ours("run", "-o", "json", JAR, *bounded), "flinkcli.run/1", "finished")
        self.assertEqual(document["job_state"], "FINISHED")
        result = ours("run", "-q", JAR, *bounded)
        self.assertEqual((result.rc, result.out), (0, ""), result)

        document = self.json_document(ours("savepoint", "-o", "json", ZERO_JOB), "flinkcli.savepoint/1", "failed", 4)
        self.assertEqual(document["error"]["class"], "not_found")

    def test_02_savepoint_that_outlasts_client_timeout(self):
        ready_slots(1)
        job = submit("e2e-slow-snapshot", "--snapshot-sleep-ms", str(SNAPSHOT_SLEEP_MS))
        e2e.wait_running_with_state(job)
        before = savepoint_directories()

        timed_out = ours("savepoint", "-D", SHORT_CLIENT_TIMEOUT, job)
        self.assertEqual(timed_out.rc, 6, timed_out)
        self.assertEqual(len(timed_out.err.strip().splitlines()), 1, timed_out)
        trigger = re.search(r"trigger id ([0-9a-f]{32})", timed_out.err).group(1)
        argv = follow_command_argv(timed_out.err)
        self.assertEqual(argv[-2:], [job, trigger])
        followed = ours(*argv)
        self.assertEqual(followed.rc, 0, followed)
        path = e2e.savepoint_path_from(followed)
        self.assert_savepoint_on_disk(path)
        self.assertEqual(savepoint_directories() - before, {e2e.local_path(path)}, "one savepoint, not two")

        document = self.json_document(ours("savepoint", "-o", "json", "-D", SHORT_CLIENT_TIMEOUT, job),
                                      "flinkcli.savepoint/1", "timed_out", 6)
        self.assertEqual(document["error"]["class"], "timeout")
        argv = follow_command_argv(document["follow_command"])
        followed = self.json_document(ours(*argv[:1], "-o", "json", *argv[1:]), "flinkcli.follow/1", "completed")
        self.assertEqual(followed["trigger_id"], document["trigger_id"])

        waited = ours("savepoint", "-q", "--wait-timeout", "2min", "-D", SHORT_CLIENT_TIMEOUT, job)
        self.assertGreater(waited.seconds, SNAPSHOT_SLEEP_MS / 1000 - 0.5, waited)
        self.assert_savepoint_on_disk(self.quiet_value(waited, r"file:\S+/savepoint-[0-9a-f-]+"))

        trigger = self.quiet_value(ours("savepoint", "-q", "-detached", job), "[0-9a-f]{32}")
        pending = ours("follow", "--no-wait", job, trigger)
        self.assertEqual(pending.rc, 0, pending)
        self.assertIn(f"Savepoint in progress. To wait for it, run: flink follow {job} {trigger}", pending.out)
        self.assertEqual(ours("follow", "-q", "--no-wait", job, trigger).out, "")
        self.assert_savepoint_on_disk(self.quiet_value(ours("follow", "-q", job, trigger), r"file:\S+"))

        # A stop followed after the job has finished: the JobManager still serves the result.
        trigger = self.quiet_value(ours("stop", "-q", "-detached", job), "[0-9a-f]{32}")
        wait_for_state(job, ("FINISHED",))
        self.assert_savepoint_on_disk(self.quiet_value(ours("follow", "-q", job, trigger), r"file:\S+"))

    def test_03_reruns_with_a_trigger_id_attach(self):
        ready_slots(1)
        job = submit("e2e-idempotent")
        e2e.wait_running_with_state(job)
        before = savepoint_directories()
        trigger = os.urandom(16).hex()
        first = self.quiet_value(ours("savepoint", "-q", "--trigger-id", trigger, job), r"file:\S+")
        second = self.quiet_value(ours("savepoint", "-q", "--trigger-id", trigger, job), r"file:\S+")
        self.assertEqual(first, second)
        self.assertEqual(savepoint_directories() - before, {e2e.local_path(first)}, "the re-run took a second savepoint")

        stop_trigger = os.urandom(16).hex()
        first = self.quiet_value(ours("stop", "-q", "--trigger-id", stop_trigger, job), r"file:\S+")
        wait_for_state(job, ("FINISHED",))
        second = self.quiet_value(ours("stop", "-q", "--trigger-id", stop_trigger, job), r"file:\S+")
        self.assertEqual(first, second)

    def test_03b_a_reused_trigger_id_never_reports_another_operation(self):
        """The JobManager answers a trigger id it knows with that operation's cached result: a
        stop, a cancel -s, another directory or format with a savepoint's id is exit 5, and the
        job keeps running; the operations with their own ids verify (no note on stderr)."""
        ready_slots(1)
        job = submit("e2e-reused-trigger")
        e2e.wait_running_with_state(job)
        trigger = os.urandom(16).hex()
        first = ours("savepoint", "--trigger-id", trigger, job)
        self.assertEqual(first.rc, 0, first)
        self.assertEqual(first.err, "", first)
        path = e2e.savepoint_path_from(first)
        other_directory = "file://" + os.path.join(SAVEPOINTS, "elsewhere")
        for case, args, mismatch in [
            ("stop", ["stop", "--trigger-id", trigger, job], "a stop-with-savepoint takes a SYNC_SAVEPOINT, but this one is a SAVEPOINT"),
            ("cancel -s", ["cancel", "-s", "--trigger-id", trigger, job], "should leave the job CANCELED, but it is still RUNNING"),
            ("another directory", ["savepoint", "--trigger-id", trigger, job, other_directory], "it is not under the directory sent"),
            ("another format", ["savepoint", "-type", "native", "--trigger-id", trigger, job], "the format asked for is NATIVE, but it is CANONICAL"),
        ]:
            with self.subTest(case):
                result = ours(*args)
                self.assertEqual(result.rc, 5, result)
                self.assertIn(trigger, result.err, result)
                self.assertIn(mismatch, result.err, result)
                self.assertIn(path, result.err, result)
                self.assertNotIn("Savepoint completed", result.out, result)
                self.assertEqual(rest(f"/jobs/{job}/status")["status"], "RUNNING", f"{case}: the job must keep running")
        stopped = ours("stop", "-o", "json", "-type", "native", "-p", other_directory, "--trigger-id", os.urandom(16).hex(), job)
        document = self.json_document(stopped, "flinkcli.stop/1", "completed")
        self.assertEqual(document["checks"], {"directory": "verified", "kind_and_format": "verified", "job_state": "verified"})
        self.assertEqual(document["job_state"], "FINISHED")
        self.assertEqual(stopped.err, "", stopped)
        # The stop's id, reused by a savepoint on the finished job: the stop's cached result.
        reused = ours("savepoint", "--trigger-id", document["trigger_id"], job)
        self.assertEqual(reused.rc, 5, reused)
        self.assertIn("this one is a SYNC_SAVEPOINT (a stop's)", reused.err, reused)

        ready_slots(1)
        job = submit("e2e-reused-trigger-cancel")
        e2e.wait_running_with_state(job)
        cancelled = ours("cancel", "-s", "-o", "json", job)
        document = self.json_document(cancelled, "flinkcli.cancel/1", "completed")
        self.assertEqual(document["checks"]["job_state"], "verified", cancelled)
        # an id of its own gets one look at the (cached) history: verified, or said in the document only
        self.assertIn(document["checks"]["kind_and_format"], ("verified", "unverified"), cancelled)
        self.assertNotIn("could not verify", cancelled.err, cancelled)
        self.assertEqual(document["job_state"], "CANCELED")

    def test_04_jobs_by_name(self):
        ready_slots(3)
        name = f"e2e-named-{os.getpid()}"
        job = submit(name)
        twins = [submit("e2e-twins") for _ in range(2)]
        for each in [job] + twins:
            e2e.wait_tasks_running(each)
        document = self.json_document(ours("savepoint", "-o", "json", "--job-name", name),
                                      "flinkcli.savepoint/1", "completed")
        self.assertEqual(document["job_id"], job)
        self.assert_savepoint_on_disk(document["savepoint_path"])

        result = ours("savepoint", "--job-name", "e2e-twins")
        self.assertEqual(result.rc, 11, result)
        self.assertEqual(len(result.err.strip().splitlines()), 1, result)
        for twin in twins:
            self.assertIn(twin, result.err)
        document = self.json_document(ours("stop", "-o", "json", "--job-name", "e2e-twins"),
                                      "flinkcli.stop/1", "failed", 11)
        self.assertEqual(sorted(c["job_id"] for c in document["candidates"]), sorted(twins))
        result = ours("cancel", "--job-name", f"{name}-unknown")
        self.assertEqual(result.rc, 4, result)

        path = self.quiet_value(ours("stop", "-q", "--job-name", name), r"file:\S+")
        self.assert_savepoint_on_disk(path)
        wait_for_state(job, ("FINISHED",))
        for twin in twins:
            self.assertEqual(ours("cancel", "-q", twin).rc, 0)

    def test_05_follow_a_disposal(self):
        ready_slots(1)
        job = submit("e2e-dispose")
        e2e.wait_running_with_state(job)
        paths = [self.quiet_value(ours("savepoint", "-q", job), r"file:\S+") for _ in range(2)]
        ours("cancel", "-q", job)
        trigger = e2e.post_json("/savepoint-disposal", {"savepoint-path": paths[0]})["request-id"]
        result = ours("follow", "--dispose", trigger)
        self.assertEqual(result.rc, 0, result)
        self.assertEqual(result.out, f"Following savepoint disposal {trigger}.\nWaiting for response...\n"
                                     "Savepoint disposed.\n")
        self.assertFalse(os.path.exists(e2e.local_path(paths[0])))
        document = self.json_document(ours("savepoint", "-o", "json", "-d", paths[1]), "flinkcli.dispose/1", "completed")
        again = self.json_document(ours("follow", "-o", "json", "-d", "--no-wait", document["trigger_id"]),
                                   "flinkcli.follow/1", "completed")
        self.assertEqual(again["operation"], "dispose")
        result = ours("follow", "-d", "0" * 32)
        self.assertEqual(result.rc, 4, result)

    def test_06_concurrent_runs_of_one_jar(self):
        """Two `run -d` of the same jar at the same moment: each uploads a copy of its own and deletes
        only that, so both submit (a shared upload, deleted by the run that made it, failed the other)."""
        ready_slots(2)
        jars_before = {jar["id"] for jar in rest("/jars")["files"]}
        argv = [e2e.OUR_FLINK, "run", "-d", JAR, "--name", "e2e-concurrent"]
        start = time.monotonic()
        processes = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      env=e2e.client_env(), stdin=subprocess.DEVNULL) for _ in range(2)]
        results = []
        try:
            for process in processes:
                out, err = process.communicate(timeout=120)
                completed = subprocess.CompletedProcess(argv, process.returncode, out, err)
                results.append(e2e.Result(argv, completed, time.monotonic() - start))
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        jobs = [e2e.job_id_from_submission(result) for result in results if result.rc == 0]
        try:
            for result in results:
                self.assertEqual(result.rc, 0, result)
                self.assertNotIn("could not delete uploaded jar", result.err, result)
            self.assertEqual(len(set(jobs)), 2, results)
            left = {jar["id"] for jar in rest("/jars")["files"]} - jars_before
            self.assertEqual(left, set(), "a run left its uploaded jar behind")
            for job in jobs:
                e2e.wait_tasks_running(job)  # fails at once if the job FAILED
        finally:
            for job in jobs:
                rest(f"/jobs/{job}?mode=cancel", method="PATCH")
            for job in jobs:
                wait_for_state(job, ("CANCELED",))
            ready_slots(2)  # a cancelled job frees its slot a moment after CANCELED


if __name__ == "__main__":
    unittest.main(verbosity=2)
