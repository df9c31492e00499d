#!/usr/bin/env python3
"""End-to-end suite: our `flink` and the Java `bin/flink` side by side on one real Flink cluster.

Started by tests/e2e/run-e2e.sh after scripts/flink-cluster.sh has brought the cluster up; reads
the cluster's cluster.env (path in FLINK_CLUSTER_ENV). Each step runs the same command line
through both clients (each on its own job, so both act on equal state), compares stdout after
replacing ids, savepoint names, dates and the workspace path with placeholders, and compares
success/failure. A difference fails unless docs/compatibility.md lists it for that case.
Then it checks the effect on the cluster (savepoint directories, restored-from paths, states).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUR_FLINK = os.environ.get("OUR_FLINK", os.path.join(REPO, "build", "bin", "flink"))
ZERO_JOB = "0" * 32


def load_cluster_env(path):
    env = {}
    with open(path) as handle:
        for line in handle:
            match = re.match(r"export (\w+)=(.*)$", line.strip())
            if match:
                env[match.group(1)] = match.group(2).strip("'\"")
    return env


CLUSTER = load_cluster_env(os.environ["FLINK_CLUSTER_ENV"])
WORKSPACE = os.path.dirname(CLUSTER["FLINK_SAVEPOINT_PATH_LOCAL"])
SCRATCH = os.path.join(WORKSPACE, "e2e")
JAR = CLUSTER["FLINK_JOB_JAR"]
JAVA_FLINK = os.path.join(CLUSTER["FLINK_HOME"], "bin", "flink")


def allowed_differences():
    """Rows of the table in docs/compatibility.md: (case, java line, our line)."""
    rows = set()
    with open(os.path.join(REPO, "docs", "compatibility.md")) as handle:
        for line in handle:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) >= 4 and cells[1].startswith("`") and cells[2].startswith("`"):
                rows.add((cells[0], cells[1].strip("`"), cells[2].strip("`")))
    return rows


ALLOWED = allowed_differences()


def normalize(text):
    lines = []
    for line in text.splitlines():
        line = line.replace(WORKSPACE, "<WS>")
        line = re.sub(r"savepoint-[0-9a-f]{6}-[0-9a-f]{12}", "savepoint-<SP>", line)
        line = re.sub(r"\b[0-9a-f]{32}\b", "<ID>", line)
        line = re.sub(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", "<DATE>", line)
        line = re.sub(r"Job Runtime: \d+ ms", "Job Runtime: <N> ms", line)
        lines.append(line.rstrip())
    while lines and not lines[-1]:
        lines.pop()  # Java ends some outputs with an empty line; trailing blank lines are not compared
    while lines and not lines[0] and len(lines) == 1:
        lines.pop()
    return lines


class Result:
    def __init__(self, argv, completed, seconds):
        self.argv = argv
        self.rc = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr
        self.seconds = seconds

    def __repr__(self):
        return f"{' '.join(self.argv)} -> rc {self.rc}\n--- stdout\n{self.out}--- stderr\n{self.err}"


def client_env():
    env = dict(os.environ)
    env.update({k: v for k, v in CLUSTER.items()})
    env.pop("FLINK_ENV_JAVA_OPTS", None)
    env["PATH"] = os.path.join(CLUSTER["JAVA_HOME"], "bin") + os.pathsep + env.get("PATH", "")
    return env


def run_client(binary, args, timeout=180, env=None):
    argv = [binary] + list(args)
    start = time.monotonic()
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                               env={**client_env(), **(env or {})}, stdin=subprocess.DEVNULL)
    return Result(argv, completed, time.monotonic() - start)


def ours(*args, env=None):
    return run_client(OUR_FLINK, args, env=env)


def java(*args, env=None):
    return run_client(JAVA_FLINK, args, env=env)


def run_head_1(binary, args, timeout=120):
    """`binary args | head -1`: reads one stdout line, closes the pipe, waits. Writes after that
    meet a reader-less pipe, with SIGPIPE at its default disposition as in a shell."""
    argv = [binary] + list(args)
    start = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=client_env(), stdin=subprocess.DEVNULL)
    try:
        first = process.stdout.readline()
        process.stdout.close()
        _, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return Result(argv, subprocess.CompletedProcess(argv, process.returncode, first, err),
                  time.monotonic() - start)


def rest(path, method="GET"):
    request = urllib.request.Request(CLUSTER["FLINK_REST_URL"] + path, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        return json.loads(body) if body else None


def post_json(path, body):
    request = urllib.request.Request(CLUSTER["FLINK_REST_URL"] + path, method="POST",
                                     data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def job_id_from_submission(result):
    match = re.search(r"Job has been submitted with JobID ([0-9a-f]{32})", result.out)
    if not match:
        raise AssertionError(f"no job id in submission output:\n{result}")
    return match.group(1)


def savepoint_path_from(result):
    match = re.search(r"(file:[^ ]*savepoint-[0-9a-f]{6}-[0-9a-f]{12})", result.out)
    if not match:
        raise AssertionError(f"no savepoint path in output:\n{result}")
    return match.group(1)


def local_path(uri):
    return re.sub(r"^file:(//)?", "", uri)


def wait_until(predicate, what, timeout=120, ignore=(urllib.error.URLError, KeyError, ValueError)):
    """Polls `predicate` every 0.5 s; the exceptions in `ignore` count as "not yet"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except ignore:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def job_overview(job):
    """The job's row of /jobs/overview: asked of the JobManager on each call, where /jobs/<id> comes
    from a cache that keeps a state for up to web.refresh-interval (3 s)."""
    for row in rest("/jobs/overview")["jobs"]:
        if row["jid"] == job:
            return row
    raise KeyError(job)


def wait_for_state(job, states):
    wait_until(lambda: job_overview(job)["state"] in states, f"job {job} in {states}")


def wait_tasks_running(job):
    """Every task RUNNING: what a savepoint needs."""
    def ready():
        row = job_overview(job)
        if row["state"] in ("FAILED", "CANCELED", "FINISHED"):
            raise AssertionError(f"job {job} is {row['state']} instead of running (see the JobManager log)")
        return row["state"] == "RUNNING" and row["tasks"]["running"] == row["tasks"]["total"] > 0
    wait_until(ready, f"job {job} with all tasks running")


def submit_with_ours(name, count, wait=True):
    """`count` detached jobs through our client (fast) for steps that need a fresh running job.
    Submits once the cluster has `count` free slots: a standalone cluster fails a job at once
    (NoResourceAvailableException) when no slot is free, and a cancelled job frees its slot a
    moment after it shows CANCELED."""
    wait_until(lambda: rest("/overview")["slots-available"] >= count, f"{count} free task slots", 60)
    jobs = []
    for _ in range(count):
        result = ours("run", "-d", JAR, "--name", name)
        if result.rc != 0:
            raise AssertionError(f"submission failed:\n{result}")
        jobs.append(job_id_from_submission(result))
    for job in jobs if wait else ():
        wait_tasks_running(job)
    return jobs


def latest_savepoint(job):
    """Path of the job's latest savepoint; /checkpoints may answer from the 3 s cache for a while."""
    paths = []
    wait_until(lambda: paths.append((rest(f"/jobs/{job}/checkpoints")["latest"]["savepoint"] or {})
                                    .get("external_path")) or paths[-1], f"a savepoint of job {job}", 10)
    return paths[-1]


def wait_running_with_state(job):
    """All tasks running and the keyed mapper has seen records, so its state is non-empty."""
    def ready():
        details = rest(f"/jobs/{job}")
        vertices = details["vertices"]
        if details["state"] != "RUNNING" or any(v["status"] != "RUNNING" for v in vertices):
            return False
        return all(v["metrics"].get("read-records", 0) > 5 or v is vertices[0] for v in vertices)
    wait_until(ready, f"job {job} running with state")


class SideBySide(unittest.TestCase):
    """One walkthrough; steps run in name order and share the jobs they create."""
    jobs = {}
    savepoints = {}

    @classmethod
    def setUpClass(cls):
        os.makedirs(SCRATCH, exist_ok=True)
        # Leftovers of an earlier run on a kept cluster would hold task slots.
        for job in rest("/jobs/overview")["jobs"]:
            if job["state"] in ("RUNNING", "CREATED", "INITIALIZING", "RESTARTING"):
                rest(f"/jobs/{job['jid']}?mode=cancel", method="PATCH")

    def compare(self, case, our_result, java_result):
        """Same stdout (normalised) and same success, or a difference listed for `case`."""
        our_lines, java_lines = normalize(our_result.out), normalize(java_result.out)
        print(f"\n[{case}] ours {our_result.seconds:.2f} s rc {our_result.rc}, "
              f"java {java_result.seconds:.2f} s rc {java_result.rc}", file=sys.stderr)
        self.assertEqual(our_result.rc == 0, java_result.rc == 0,
                         f"[{case}] success differs\nOURS: {our_result}\nJAVA: {java_result}")
        # Real Flink's answers let every completed result be verified against its request.
        self.assertNotIn("could not verify", our_result.err, f"[{case}] {our_result}")
        if our_lines == java_lines:
            return
        unexplained = []
        if len(our_lines) != len(java_lines):
            unexplained.append(("<line count>", str(len(java_lines)), str(len(our_lines))))
        for java_line, our_line in zip(java_lines, our_lines):
            if java_line != our_line and (case, java_line, our_line) not in ALLOWED:
                unexplained.append((case, java_line, our_line))
        self.assertFalse(unexplained,
                         f"[{case}] stdout differs and docs/compatibility.md does not list it: "
                         f"{unexplained}\nOURS: {our_result}\nJAVA: {java_result}")

    def both(self, case, *args, our_job=None, java_job=None, our_args=None, java_args=None):
        """Runs `args` through both clients; '{job}' in args becomes each side's own job."""
        def fill(job):
            return [job if a == "{job}" else a for a in args]
        our_result = ours(*(our_args or fill(self.jobs.get(our_job, ""))))
        java_result = java(*(java_args or fill(self.jobs.get(java_job, ""))))
        self.compare(case, our_result, java_result)
        return our_result, java_result

    def submit_pair(self, name, our_savepoint=None, java_savepoint=None):
        """`run -d [-s <savepoint>] <jar> --name <name>` through both clients."""
        def args(savepoint):
            return ["run", "-d"] + (["-s", savepoint] if savepoint else []) + [JAR, "--name", name]
        return ours(*args(our_savepoint)), java(*args(java_savepoint))

    # --- argument errors: identical stdout, before any network call ------------------------------

    def test_01_argument_errors(self):
        cases = {
            "missing job id": ["savepoint"],
            "malformed job id": ["savepoint", "not-a-job-id"],
            "unknown option": ["savepoint", "--bogus", ZERO_JOB],
            "cancel missing job id": ["cancel"],
            "stop missing job id": ["stop"],
            "dispose without path": ["savepoint", "-d"],
            "unknown action": ["frobnicate"],
            "checkpoint missing job id": ["checkpoint"],
            "checkpoint malformed job id": ["checkpoint", "not-a-job-id"],
        }
        for case, args in cases.items():
            with self.subTest(case=case):
                our_result, java_result = ours(*args), java(*args)
                self.compare(case, our_result, java_result)
                self.assertEqual(our_result.rc, 1)

    # --- the walkthrough --------------------------------------------------------------------------

    def test_02_run_detached(self):
        our_result, java_result = self.submit_pair("e2e-walk")
        self.compare("run detached", our_result, java_result)
        self.jobs["ours"] = job_id_from_submission(our_result)
        self.jobs["java"] = job_id_from_submission(java_result)
        for job in (self.jobs["ours"], self.jobs["java"]):
            wait_running_with_state(job)

    def test_03_list(self):
        for args in (["list"], ["list", "-r"], ["list", "-s"], ["list", "-a"]):
            with self.subTest(args=args):
                our_result, _ = self.both(" ".join(args), *args)
                # Both jobs are RUNNING: listed unless only scheduled jobs were asked for.
                for job in (self.jobs["ours"], self.jobs["java"]):
                    if args[-1] == "-s":
                        self.assertNotIn(job, our_result.out)
                    else:
                        self.assertIn(f"{job} : e2e-walk (RUNNING)", our_result.out)

    def test_04_savepoint_default_directory(self):
        our_result, java_result = self.both("savepoint", "savepoint", "{job}", our_job="ours", java_job="java")
        for result in (our_result, java_result):
            path = savepoint_path_from(result)
            self.assertTrue(local_path(path).startswith(CLUSTER["FLINK_SAVEPOINT_PATH_LOCAL"]), path)
            self.assertTrue(os.path.exists(os.path.join(local_path(path), "_metadata")), path)
        self.savepoints["first-ours"] = savepoint_path_from(our_result)
        self.savepoints["first-java"] = savepoint_path_from(java_result)

    def test_05_savepoint_explicit_directory_and_native(self):
        target = "file://" + os.path.join(SCRATCH, "explicit")
        our_result, _ = self.both("savepoint explicit", "savepoint", "{job}", target, our_job="ours", java_job="java")
        self.assertTrue(local_path(savepoint_path_from(our_result)).startswith(os.path.join(SCRATCH, "explicit")))
        self.both("savepoint native", "savepoint", "-type", "native", "{job}", our_job="ours", java_job="java")

    def test_06_savepoint_detached(self):
        our_result, java_result = self.both("savepoint detached", "savepoint", "-detached", "{job}",
                                            our_job="ours", java_job="java")
        for result, side in ((our_result, "ours"), (java_result, "java")):
            trigger = re.search(r"triggerId: ([0-9a-f]{32})", result.out).group(1)
            job = self.jobs[side]
            wait_until(lambda: rest(f"/jobs/{job}/savepoints/{trigger}")["status"]["id"] == "COMPLETED",
                       "detached savepoint")
            operation = rest(f"/jobs/{job}/savepoints/{trigger}")["operation"]
            self.assertIn("location", operation)

    def test_07_failures_against_the_cluster(self):
        our_result, _ = self.both("savepoint unknown job", "savepoint", ZERO_JOB,
                                  our_args=["savepoint", ZERO_JOB], java_args=["savepoint", ZERO_JOB])
        self.assertEqual(our_result.rc, 4, our_result)
        self.assertIn("Could not find Flink job", our_result.err)
        self.assertEqual(len(our_result.err.strip().splitlines()), 1, our_result)
        our_result, _ = self.both("cancel unknown job", "cancel", ZERO_JOB,
                                  our_args=["cancel", ZERO_JOB], java_args=["cancel", ZERO_JOB])
        self.assertEqual(our_result.rc, 4, our_result)
        missing = "file://" + os.path.join(SCRATCH, "no-such-savepoint")
        our_result, _ = self.both("dispose missing savepoint", "savepoint", "-d", missing,
                                  our_args=["savepoint", "-d", missing], java_args=["savepoint", "-d", missing])
        self.assertEqual(our_result.rc, 4, our_result)
        self.assertIn("Cannot find checkpoint or savepoint", our_result.err)

    def test_08_stop_with_savepoint_and_drain(self):
        target = "file://" + os.path.join(SCRATCH, "stop")
        our_result, java_result = self.both("stop -p -d", "stop", "-p", target, "-d", "{job}",
                                            our_job="ours", java_job="java")
        for result, side in ((our_result, "ours"), (java_result, "java")):
            self.savepoints[f"stop-{side}"] = savepoint_path_from(result)
            wait_for_state(self.jobs[side], ("FINISHED",))

    def test_09_restore_with_run_s(self):
        our_result, java_result = self.submit_pair("e2e-restored", our_savepoint=self.savepoints["stop-ours"],
                                                   java_savepoint=self.savepoints["stop-java"])
        self.compare("run -s", our_result, java_result)
        for result, side in ((our_result, "ours"), (java_result, "java")):
            job = job_id_from_submission(result)
            self.jobs[side] = job
            wait_running_with_state(job)
            restored = rest(f"/jobs/{job}/checkpoints")["latest"]["restored"]
            self.assertEqual(restored["external_path"], self.savepoints[f"stop-{side}"])
            self.assertTrue(restored["is_savepoint"])

    def test_10_cancel_with_savepoint_default_directory(self):
        our_result, java_result = self.both("cancel -s", "cancel", "-s", "{job}", our_job="ours", java_job="java")
        for result, side in ((our_result, "ours"), (java_result, "java")):
            self.savepoints[f"cancel-{side}"] = re.search(r"Savepoint stored in (\S+)\.$", result.out.strip()).group(1)
            wait_for_state(self.jobs[side], ("CANCELED",))

    def test_11_restore_with_and_without_n(self):
        def args(savepoint, allow):
            return ["run", "-d", "-s", savepoint] + (["-n"] if allow else []) + [JAR, "--without-mapper", "--name", "e2e-dropped"]
        refused_ours = ours(*args(self.savepoints["cancel-ours"], False))
        refused_java = java(*args(self.savepoints["cancel-java"], False))
        self.compare("run -s without -n", refused_ours, refused_java)
        self.assertEqual(refused_ours.rc, 7, refused_ours)
        self.assertIn("-n", refused_ours.err)
        self.assertRegex(refused_ours.err, r"operator\(s\) [0-9a-f]{32}")
        our_result = ours(*args(self.savepoints["cancel-ours"], True))
        java_result = java(*args(self.savepoints["cancel-java"], True))
        self.compare("run -s -n", our_result, java_result)
        for result, side in ((our_result, "ours"), (java_result, "java")):
            job = job_id_from_submission(result)
            self.jobs[side] = job
            wait_for_state(job, ("RUNNING",))
            wait_until(lambda: rest(f"/jobs/{job}/checkpoints")["latest"]["restored"]["external_path"]
                       == self.savepoints[f"cancel-{side}"], "restored-from path")

    def test_12_cancel_with_savepoint_explicit_directory(self):
        target = "file://" + os.path.join(SCRATCH, "cancel")
        for side in ("ours", "java"):
            wait_running_with_state(self.jobs[side])
        our_result, _ = self.both("cancel -s dir", "cancel", "-s", target, "{job}", our_job="ours", java_job="java")
        self.assertIn(os.path.join(SCRATCH, "cancel"), our_result.out)

    def test_13_plain_cancel(self):
        our_result, java_result = self.submit_pair("e2e-cancel")
        self.jobs["ours"] = job_id_from_submission(our_result)
        self.jobs["java"] = job_id_from_submission(java_result)
        for side in ("ours", "java"):
            wait_for_state(self.jobs[side], ("RUNNING",))
        self.both("cancel", "cancel", "{job}", our_job="ours", java_job="java")
        for side in ("ours", "java"):
            wait_for_state(self.jobs[side], ("CANCELED",))

    def test_14_dispose(self):
        our_result, _ = self.both("dispose", "savepoint", "-d", "x",
                                  our_args=["savepoint", "-d", self.savepoints["first-ours"]],
                                  java_args=["savepoint", "-d", self.savepoints["first-java"]])
        for side in ("ours", "java"):
            self.assertFalse(os.path.exists(local_path(self.savepoints[f"first-{side}"])))

    def test_15_list_all(self):
        our_result, _ = self.both("list -a", "list", "-a")
        self.assertRegex(our_result.out, r"e2e-cancel \(CANCELED\)")
        self.assertRegex(our_result.out, r"e2e-walk \(FINISHED\)")

    def test_16_run_with_parallelism(self):
        args = ["run", "-d", "-p", "2", JAR, "--name", "e2e-parallel"]
        our_result, java_result = ours(*args), java(*args)
        self.compare("run -p", our_result, java_result)
        for result in (our_result, java_result):
            job = job_id_from_submission(result)
            wait_for_state(job, ("RUNNING",))
            self.assertEqual({v["parallelism"] for v in rest(f"/jobs/{job}")["vertices"]}, {2})
            rest(f"/jobs/{job}?mode=cancel", method="PATCH")
            wait_for_state(job, ("CANCELED",))

    def test_17_claim_modes(self):
        """CLAIM hands the savepoint to the job: the first checkpoint subsumes and deletes it.
        NO_CLAIM leaves it alone. Observed through a checkpoint triggered over REST."""
        source_job = job_id_from_submission(ours("run", "-d", JAR, "--name", "e2e-claim-source"))
        wait_running_with_state(source_job)
        for mode, deleted in (("claim", True), ("no_claim", False)):
            with self.subTest(mode=mode):
                savepoint = savepoint_path_from(ours("savepoint", source_job))
                result = ours("run", "-d", "-s", savepoint, "-cm", mode, JAR, "--name", f"e2e-{mode}")
                self.assertEqual(result.rc, 0, result)
                job = job_id_from_submission(result)
                wait_running_with_state(job)
                trigger = post_json(f"/jobs/{job}/checkpoints", {})["request-id"]
                wait_until(lambda: rest(f"/jobs/{job}/checkpoints/{trigger}")["status"]["id"] == "COMPLETED",
                           "checkpoint")
                operation = rest(f"/jobs/{job}/checkpoints/{trigger}")["operation"]
                self.assertNotIn("failure-cause", operation)
                if deleted:
                    wait_until(lambda: not os.path.exists(local_path(savepoint)), "claimed savepoint deleted", 30)
                else:
                    time.sleep(2)
                    self.assertTrue(os.path.exists(local_path(savepoint)), savepoint)
                rest(f"/jobs/{job}?mode=cancel", method="PATCH")
        rest(f"/jobs/{source_job}?mode=cancel", method="PATCH")

    def test_18_run_attached_bounded_job(self):
        args = ["run", JAR, "--count", "40", "--sleep-ms", "5", "--name", "e2e-bounded"]
        our_result, java_result = ours(*args), java(*args)
        self.compare("run attached", our_result, java_result)
        self.assertRegex(our_result.out, r"Job with JobID [0-9a-f]{32} has finished\.\nJob Runtime: \d+ ms")

    def test_19_interrupt_attached_run(self):
        """Ctrl-C during an attached run: with -sae the job is cancelled, without it keeps running."""
        for sae, final_state in ((True, "CANCELED"), (False, "RUNNING")):
            with self.subTest(sae=sae):
                name = f"e2e-interrupt-{'sae' if sae else 'plain'}"
                argv = [OUR_FLINK, "run"] + (["-sae"] if sae else []) + [JAR, "--name", name]
                process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                           env=client_env(), stdin=subprocess.DEVNULL)
                try:
                    job = job_id_from_submission(Result(argv, subprocess.CompletedProcess(
                        argv, 0, process.stdout.readline(), ""), 0))
                    wait_for_state(job, ("RUNNING",))
                    process.send_signal(signal.SIGINT)
                    out, err = process.communicate(timeout=60)
                finally:
                    if process.poll() is None:
                        process.kill()
                self.assertEqual(process.returncode, 130, err)
                wait_for_state(job, (final_state,))
                if final_state == "RUNNING":
                    rest(f"/jobs/{job}?mode=cancel", method="PATCH")

    def test_20_restore_from_missing_savepoint(self):
        missing = "file://" + os.path.join(SCRATCH, "no-such-savepoint")
        args = ["run", "-d", "-s", missing, JAR, "--name", "e2e-missing"]
        our_result, java_result = ours(*args), java(*args)
        self.compare("run -s missing savepoint", our_result, java_result)
        self.assertEqual(our_result.rc, 4, our_result)
        self.assertIn("Cannot find checkpoint or savepoint", our_result.err)
        self.assertEqual(len(our_result.err.strip().splitlines()), 1, our_result)

    def test_21_each_run_uploads_its_own_jar_and_keepjar_keeps_it(self):
        self.assertEqual(rest("/jars")["files"], [], "a run left an uploaded jar behind")
        jobs = []
        for count in range(1, 3):
            result = ours("run", "-d", "--keepJar", JAR, "--count", "5", "--name", "e2e-keep")
            self.assertEqual(result.rc, 0, result)
            jobs.append(job_id_from_submission(result))
            # never reused: another run may delete its own upload at any moment
            names = {jar["name"] for jar in rest("/jars")["files"]}
            self.assertEqual(len(names), count, f"an identical jar was reused: {names}")
        for job in jobs:
            wait_for_state(job, ("FINISHED",))
        for jar in rest("/jars")["files"]:
            rest(f"/jars/{jar['id']}", method="DELETE")

    def test_22_cancel_with_native_savepoint(self):
        """-type/--type on cancel: hidden from Java's help but accepted by 1.20 and 2.x."""
        jobs = submit_with_ours("e2e-cancel-native", 4)
        target = os.path.join(SCRATCH, "cancel-native")
        steps = (
            ("cancel -s dir -type NATIVE", ["cancel", "-s", "file://" + target, "{job}", "-type", "NATIVE"],
             jobs[0:2], target),
            # The case name of test_10: the default directory is named differently (docs/compatibility.md).
            ("cancel -s", ["cancel", "--type", "native", "-s", "{job}"], jobs[2:4],
             CLUSTER["FLINK_SAVEPOINT_PATH_LOCAL"]),
        )
        for case, args, (our_job, java_job), directory in steps:
            with self.subTest(case=case):
                self.jobs["native-ours"], self.jobs["native-java"] = our_job, java_job
                results = self.both(case, *args, our_job="native-ours", java_job="native-java")
                for result, job in zip(results, (our_job, java_job)):
                    self.assertEqual(result.rc, 0, result)
                    self.assertIn(f"Cancelling job {job} with NATIVE savepoint to ", result.out)
                    location = re.search(r"Savepoint stored in (\S+)\.$", result.out.strip()).group(1)
                    self.assertTrue(local_path(location).startswith(directory + "/"), location)
                    self.assertTrue(os.path.exists(os.path.join(local_path(location), "_metadata")), location)
                    wait_for_state(job, ("CANCELED",))
            if "closed-stdout" not in self.jobs:
                # Two jobs of test_23 start on the freed slots while Java's next cancel runs.
                self.jobs["closed-stdout"] = submit_with_ours("e2e-closed-stdout", 2, wait=False)

    def test_23_closed_stdout(self):
        """`flink stop <job> | head -1` and `flink cancel -s <job> | head -1`: the client must not die
        of SIGPIPE (exit 141) half way; the action completes and the exit status is 0."""
        jobs = self.jobs.pop("closed-stdout", None) or submit_with_ours("e2e-closed-stdout", 2, wait=False)
        jobs += submit_with_ours("e2e-closed-stdout", 1, wait=False)
        for job in jobs:
            wait_tasks_running(job)
        our_stop, java_stop, our_cancel = jobs
        for binary, job in ((OUR_FLINK, our_stop), (JAVA_FLINK, java_stop)):
            with self.subTest(client=binary):
                result = run_head_1(binary, ["stop", job])
                print(f"\n[stop | head -1] {'ours' if binary == OUR_FLINK else 'java'} "
                      f"{result.seconds:.2f} s rc {result.rc}", file=sys.stderr)
                self.assertEqual(result.rc, 0, result)
                self.assertIn(job, result.out)
                wait_for_state(job, ("FINISHED",))
                path = latest_savepoint(job)
                self.assertTrue(os.path.exists(os.path.join(local_path(path), "_metadata")), path)
        result = run_head_1(OUR_FLINK, ["cancel", "-s", our_cancel])
        self.assertEqual(result.rc, 0, result)
        self.assertIn("DEPRECATION WARNING", result.out)
        wait_for_state(our_cancel, ("CANCELED",))
        path = latest_savepoint(our_cancel)
        self.assertTrue(os.path.exists(os.path.join(local_path(path), "_metadata")), path)

    def test_24_wrong_endpoint_errors(self):
        """Ours only (Java prints stack traces): one plain stderr line and a precise exit status."""
        port = CLUSTER["FLINK_REST_ADDRESS"].rsplit(":", 1)[1]
        result = ours("list", "-m", f"http://127.0.0.1:{port}/wrong/prefix")
        self.assertEqual(result.rc, 9, result)
        self.assertEqual(len(result.err.strip().splitlines()), 1, result)
        self.assertTrue("is not a Flink JobManager REST endpoint" in result.err
                        or "has no REST endpoint" in result.err, result)
        self.assertNotRegex(result.err.lower(), r"<(html|body|head|!doctype)", result)
        # test_07 covers an unknown job through the configured address; this is the -m route.
        result = ours("savepoint", ZERO_JOB, "-m", f"127.0.0.1:{port}")
        self.assertEqual(result.rc, 4, result)
        self.assertEqual(len(result.err.strip().splitlines()), 1, result)

    def test_25_m_scheme_decides_rest_tls(self):
        """With security.ssl.rest.enabled: true in the configuration, -m http://host:port and
        -m host:port still speak plain HTTP: the scheme of -m (none = http) decides, as in Flink."""
        conf = os.path.join(SCRATCH, "tls-conf")
        shutil.rmtree(conf, ignore_errors=True)
        shutil.copytree(CLUSTER["FLINK_CONF_DIR"], conf)
        config_file = os.path.join(conf, "config.yaml")
        with open(config_file) as handle:
            self.assertNotRegex(handle.read(), r"(?m)^security", "the cluster's config.yaml has a security key")
        with open(config_file, "a") as handle:
            handle.write("\nsecurity:\n  ssl:\n    rest:\n      enabled: true\n")
        env = {"FLINK_CONF_DIR": conf}
        # The setting is read: without -m our client speaks TLS to the plain-HTTP endpoint and fails.
        result = ours("list", env=env)
        self.assertNotEqual(result.rc, 0, result)
        self.assertIn("TLS", result.err)
        port = CLUSTER["FLINK_REST_ADDRESS"].rsplit(":", 1)[1]
        for case, address in (("list -m http://host:port, TLS in config", f"http://127.0.0.1:{port}"),
                              ("list -m host:port, TLS in config", f"127.0.0.1:{port}")):
            with self.subTest(address=address):
                args = ["list", "-m", address]
                our_result, java_result = ours(*args, env=env), java(*args, env=env)
                self.compare(case, our_result, java_result)
                self.assertEqual(our_result.rc, 0, our_result)

    def test_26_checkpoint(self):
        """flink checkpoint [-full] (Flink 1.19+): Java's lines through both clients, each on its own
        job (no periodic checkpointing: manual checkpoints still complete), then an unknown and a
        cancelled job, which Flink accepts the trigger for and fails."""
        jobs = submit_with_ours("e2e-checkpoint", 2)
        self.jobs["cp-ours"], self.jobs["cp-java"] = jobs
        for case, args in (("checkpoint", ["checkpoint", "{job}"]), ("checkpoint -full", ["checkpoint", "-full", "{job}"]),
                           ("checkpoint --full", ["checkpoint", "--full", "{job}"])):
            with self.subTest(case=case):
                our_result, java_result = self.both(case, *args, our_job="cp-ours", java_job="cp-java")
                for result in (our_result, java_result):
                    self.assertEqual(result.rc, 0, result)
                    self.assertRegex(result.out, r"Checkpoint(\(FULL\))? \d+ for job [0-9a-f]{32} completed\.")
        our_result, _ = self.both("checkpoint unknown job", "checkpoint", ZERO_JOB,
                                  our_args=["checkpoint", ZERO_JOB], java_args=["checkpoint", ZERO_JOB])
        self.assertEqual(our_result.rc, 4, our_result)
        self.assertEqual(our_result.err.strip(), f"Failed to trigger a checkpoint for the job {ZERO_JOB}: "
                                                 f"Could not find Flink job ({ZERO_JOB})")
        for job in jobs:
            rest(f"/jobs/{job}?mode=cancel", method="PATCH")
        for job in jobs:
            wait_for_state(job, ("CANCELED",))
        our_result, _ = self.both("checkpoint cancelled job", "checkpoint", "{job}", our_job="cp-ours", java_job="cp-java")
        self.assertEqual(our_result.rc, 4, our_result)

    def test_27_checkpoint_json_names_the_external_path(self):
        """Ours only: -o json and -q, on a job with a checkpoint directory (an external path)."""
        directory = os.path.join(SCRATCH, "checkpoints")
        wait_until(lambda: rest("/overview")["slots-available"] >= 1, "a free task slot", 60)
        result = ours("run", "-d", "-D", "execution.checkpointing.dir=file://" + directory, JAR, "--name", "e2e-cp-json")
        self.assertEqual(result.rc, 0, result)
        job = job_id_from_submission(result)
        wait_tasks_running(job)
        result = ours("checkpoint", "-o", "json", job)
        self.assertEqual(result.rc, 0, result)
        document = json.loads(result.out)
        self.assertEqual((document["checkpoint_type"], document["status"]), ("CONFIGURED", "completed"), document)
        path = document["external_path"]
        self.assertTrue(path and local_path(path).startswith(directory), document)
        self.assertTrue(os.path.exists(os.path.join(local_path(path), "_metadata")), path)
        quiet = ours("checkpoint", "-full", "-q", job)
        self.assertEqual(quiet.out.strip(), str(document["checkpoint_id"] + 1), quiet)
        rest(f"/jobs/{job}?mode=cancel", method="PATCH")


if __name__ == "__main__":
    unittest.main(verbosity=2)
