#!/usr/bin/env python3
"""Wall time of our `flink` against the Java `bin/flink`, same commands, same real cluster.

Usage: scripts/flink-cluster.sh up && FLINK_CLUSTER_ENV=build/flink/1.20.5/cluster.env \\
           python3 bench/cli_latency.py [runs]
Prints the median and min of each client per command and the ratio Java/ours. Not a test:
nothing here asserts a time.
"""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import side_by_side as e2e  # noqa: E402  (cluster env, client environment, job helpers)


def timed(binary, args):
    start = time.monotonic()
    completed = subprocess.run([binary] + args, capture_output=True, env=e2e.client_env(),
                               stdin=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    if completed.returncode != 0:
        raise SystemExit(f"{binary} {' '.join(args)} failed:\n{completed.stderr.decode()}")
    return elapsed


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    job = e2e.job_id_from_submission(e2e.ours("run", "-d", e2e.JAR, "--name", "bench"))
    e2e.wait_running_with_state(job)
    java = os.path.join(e2e.CLUSTER["FLINK_HOME"], "bin", "flink")
    commands = [["--help"], ["list"], ["savepoint", job], ["savepoint", "-detached", job]]
    print(f"Flink {e2e.CLUSTER['FLINK_VERSION']}, {runs} runs each, seconds")
    print(f"{'command':<28} {'ours median':>11} {'java median':>11} {'ours min':>9} {'java min':>9} {'ratio':>7}")
    try:
        for args in commands:
            ours = [timed(e2e.OUR_FLINK, args) for _ in range(runs)]
            theirs = [timed(java, args) for _ in range(runs)]
            label = " ".join(a if len(a) < 20 else "<job>" for a in args)
            print(f"{label:<28} {statistics.median(ours):11.3f} {statistics.median(theirs):11.3f} "
                  f"{min(ours):9.3f} {min(theirs):9.3f} {statistics.median(theirs) / statistics.median(ours):6.0f}x")
    finally:
        e2e.rest(f"/jobs/{job}?mode=cancel", method="PATCH")


if __name__ == "__main__":
    main()
