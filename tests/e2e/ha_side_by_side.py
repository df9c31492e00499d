#!/usr/bin/env python3
"""End-to-end suite for ZooKeeper high availability (issue 17): our `flink` and the Java `bin/flink`
side by side on a real Flink standalone HA cluster (scripts/flink-ha-cluster.sh: the distribution's
ZooKeeper, two JobManagers, one TaskManager, loopback only).

Started by tests/e2e/run-e2e.sh (suite `ha`), which brings the cluster up and down; reads its
cluster.env (FLINK_CLUSTER_ENV). Steps, in name order:
  - list, savepoint, stop -p and run -s reach the leader without -m, and with a wrong -m (the Java
    client ignores it under HA, and so do we); stdout compared after normalising ids and paths;
  - no leader published (a wrong -z): exit 12 within rest.await-leader-timeout, one line naming the
    quorum and the znode (Java: exit 1 after ~31 s), both run at once;
  - kill -9 the leading JobManager during a savepoint wait (the sample job's --snapshot-sleep-ms
    makes the savepoint take seconds): what each client does, printed; ours must follow the new
    leader and either complete or say that the savepoint was lost, with its trigger id, and never
    send a second trigger.
"""
import os
import re
import subprocess
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import side_by_side as sbs  # noqa: E402  (its helpers: normalize, run_client; reads FLINK_CLUSTER_ENV)

CLUSTER = sbs.CLUSTER
JAR = CLUSTER["FLINK_JOB_JAR"]
QUORUM = CLUSTER["FLINK_HA_QUORUM"]
REST_PORTS = [int(p) for p in re.findall(r"\d+", CLUSTER["FLINK_HA_REST_PORTS"])]
SCRIPT = CLUSTER["FLINK_HA_SCRIPT"]
ZNODE = "/flink/default/leader/rest_server/connection_info"
WRONG_M = "127.0.0.1:9"


def ours(*args):
    return sbs.run_client(sbs.OUR_FLINK, args)


def java(*args):
    return sbs.run_client(sbs.JAVA_FLINK, args)


def rest(path):
    """GET from whichever JobManager answers (both serve REST; one may be dead)."""
    last = None
    for port in REST_PORTS:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                import json
                return json.loads(response.read())
        except OSError as error:
            last = error
    raise AssertionError(f"no JobManager answers GET {path}: {last}")


def leader_port():
    result = ours("list", "-v")
    match = re.search(r"leading JobManager http://127\.0\.0\.1:(\d+)", result.err)
    if not match:
        raise AssertionError(f"no leader in -v output:\n{result}")
    return int(match.group(1))


def wait_until(predicate, what, timeout=120):
    # A JobManager that is down (OSError) or no leader yet (AssertionError) means "not yet".
    sbs.wait_until(predicate, what, timeout, ignore=(AssertionError, KeyError, OSError))


def job_state(job):
    for row in rest("/jobs/overview")["jobs"]:
        if row["jid"] == job:
            return row["state"], row["tasks"]
    raise KeyError(job)


def wait_running(job):
    def ready():
        state, tasks = job_state(job)
        return state == "RUNNING" and tasks["running"] == tasks["total"] > 0
    wait_until(ready, f"job {job} running", 180)


def submit(*job_args):
    wait_until(lambda: rest("/overview")["slots-available"] >= 1, "a free slot", 60)
    result = ours("run", "-d", JAR, *job_args)
    if result.rc != 0:
        raise AssertionError(f"submission failed:\n{result}")
    job = sbs.job_id_from_submission(result)
    wait_running(job)
    return job


def compare(test, case, mine, theirs):
    print(f"--- {case}: ours rc {mine.rc} in {mine.seconds:.1f} s, java rc {theirs.rc} in {theirs.seconds:.1f} s")
    test.assertEqual(mine.rc == 0, theirs.rc == 0, f"{case}: success differs\n{mine}\n{theirs}")
    test.assertEqual(sbs.normalize(mine.out), sbs.normalize(theirs.out), f"{case}: stdout differs\n{mine}\n{theirs}")


class HaSideBySide(unittest.TestCase):
    jobs = {}

    def test_1_list_reaches_the_leader_without_and_with_a_wrong_m(self):
        for extra in ([], ["-m", WRONG_M]):
            compare(self, f"list {' '.join(extra)}", ours("list", *extra), java("list", *extra))

    def test_2_savepoint_stop_and_run_s_through_the_leader(self):
        for client, run in (("ours", ours), ("java", java)):
            job = submit("--name", f"ha-{client}")
            time.sleep(2)  # some state
            HaSideBySide.jobs[client] = job
        mine = ours("savepoint", "-m", WRONG_M, self.jobs["ours"])
        theirs = java("savepoint", "-m", WRONG_M, self.jobs["java"])
        compare(self, "savepoint -m <wrong>", mine, theirs)
        self.assertEqual(mine.rc, 0, mine)
        target = os.path.join(sbs.WORKSPACE, "e2e-stop")
        mine = ours("stop", "-p", "file://" + target, self.jobs["ours"])
        theirs = java("stop", "-p", "file://" + target, self.jobs["java"])
        compare(self, "stop -p", mine, theirs)
        self.assertEqual(mine.rc, 0, mine)
        restored = []
        for client, run, result in (("ours", ours, mine), ("java", java, theirs)):
            path = sbs.savepoint_path_from(result)
            wait_until(lambda: rest("/overview")["slots-available"] >= 1, "a free slot", 60)
            submitted = run("run", "-d", "-s", path, JAR, "--name", f"ha-restored-{client}")
            self.assertEqual(submitted.rc, 0, submitted)
            restored.append(submitted)
        compare(self, "run -d -s", restored[0], restored[1])
        for submitted in restored:
            job = sbs.job_id_from_submission(submitted)
            wait_running(job)
            self.assertEqual(ours("cancel", job).rc, 0)

    def test_3_no_leader_published_is_exit_12_within_the_bound(self):
        # Both at once: each waits about 30 s (rest.await-leader-timeout).
        start = time.monotonic()
        java_process = subprocess.Popen([sbs.JAVA_FLINK, "list", "-z", "no-such-cluster"], env=sbs.client_env(),
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        stdin=subprocess.DEVNULL)
        mine = ours("list", "-z", "no-such-cluster")
        java_out, java_err = java_process.communicate(timeout=120)
        java_seconds = time.monotonic() - start
        print(f"--- wrong -z: ours rc {mine.rc} in {mine.seconds:.1f} s: {mine.err.strip()}")
        print(f"--- wrong -z: java rc {java_process.returncode} in {java_seconds:.1f} s: "
              f"{(java_err.strip().splitlines() or [''])[-1][:300]}")
        self.assertEqual(mine.rc, 12, mine)
        self.assertLess(mine.seconds, 40, mine)
        self.assertGreater(mine.seconds, 25, mine)
        lines = mine.err.strip().splitlines()
        self.assertEqual(len(lines), 1, mine)
        self.assertIn(QUORUM, lines[0])
        self.assertIn("/flink/no-such-cluster/leader/rest_server/connection_info", lines[0])
        self.assertNotEqual(java_process.returncode, 0)

    def failover_during_savepoint(self, client):
        """Starts `client`'s savepoint of a slow-snapshot job, kills the leader mid-wait, starts the
        killed JobManager again (as a standby), returns (result, old leader, new leader)."""
        job = submit("--name", f"ha-failover-{client}", "--snapshot-sleep-ms", "8000")
        old = leader_port()
        binary = sbs.OUR_FLINK if client == "ours" else sbs.JAVA_FLINK
        args = [binary, "savepoint", job, "-D", "client.timeout=120 s"]
        if client == "ours":
            args.append("-v")
        start = time.monotonic()
        process = subprocess.Popen(args, env=sbs.client_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, stdin=subprocess.DEVNULL)
        time.sleep(3)  # the savepoint is under way (its snapshot sleeps 8 s)
        subprocess.run([SCRIPT, "kill", str(old)], check=True)
        out, err = process.communicate(timeout=180)
        seconds = time.monotonic() - start
        result = sbs.Result(args, subprocess.CompletedProcess(args, process.returncode, out, err), seconds)
        new = leader_port()
        subprocess.run([SCRIPT, "start-jm", str(REST_PORTS.index(old) + 1)], check=True)
        print(f"--- {client}: savepoint while the leader {old} is killed: rc {result.rc} after {seconds:.1f} s; "
              f"new leader {new}")
        print("    stdout: " + " | ".join(out.strip().splitlines()))
        quiet = [line for line in err.strip().splitlines()
                 if not line.startswith("flink: debug:") and not line.startswith("\tat ")]
        print("    stderr: " + " | ".join(line[:400] for line in quiet[-3:]))
        try:
            ours("cancel", job)
        except Exception:  # noqa: BLE001 (the job may be gone with the failover)
            pass
        return result, old, new, job

    def test_4_failover_during_a_savepoint_wait(self):
        result, old, new, job = self.failover_during_savepoint("ours")
        self.assertNotEqual(old, new, "the leader did not change")
        debug = result.err
        self.assertIn(f"the leading JobManager moved from 127.0.0.1:{old} to 127.0.0.1:{new}", debug, result)
        # One trigger, never a second one: every POST went out with the same trigger id.
        posts = re.findall(r"POST http://127\.0\.0\.1:\d+/jobs/[0-9a-f]{32}/savepoints\b", debug)
        self.assertGreaterEqual(len(posts), 1, result)
        self.assertLessEqual(len(posts), 2, result)  # a refused POST may be re-sent (same trigger id)
        if result.rc == 0:
            self.assertIn("Savepoint completed. Path: ", result.out)
        else:
            self.assertEqual(result.rc, 4, result)
            trigger = re.search(r"trigger id ([0-9a-f]{32})", result.err).group(1)
            self.assertIn(f"The operation with trigger id {trigger} was lost with the leading JobManager "
                          f"127.0.0.1:{old}", result.err)
        self.assertLess(result.seconds, 60, result)
        wait_until(lambda: leader_port() in REST_PORTS, "a leader again", 60)

    def test_5_java_during_the_same_failover(self):
        result, old, new, _ = self.failover_during_savepoint("java")
        self.assertNotEqual(old, new, "the leader did not change")


if __name__ == "__main__":
    unittest.main(verbosity=2)
