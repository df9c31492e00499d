"""`savepoint -d --offline` (our client, no JobManager) against the Java client's `savepoint -d`
(through the JobManager), for two savepoints of the same kind: the same lines on stdout, and the
same objects removed, i.e. `_metadata`, every state file and the directory itself, nothing outside
it, nothing left in it. Used by inspect_savepoints.py (a local directory) and s3_inspect.py (S3).

`listing()` returns the storage's entries as a set of strings, directories (local) and directory
markers (S3) ending in '/'; `directory` is a savepoint's entry prefix without the slash (a local
path, or an S3 key).
"""
import time
from types import SimpleNamespace

from side_by_side import java


def _shape(entries, directory):
    """What `entries` are relative to the savepoint `directory`: its _metadata, state files (their
    names are random UUIDs), the directory itself; anything else by its full name."""
    shape = []
    for entry in entries:
        if entry == directory + "/":
            shape.append("<the directory>")
        elif entry.startswith(directory + "/"):
            rest = entry[len(directory) + 1:]
            shape.append(rest if rest == "_metadata" else ("<subdirectory>" if rest.endswith("/") else "<state file>"))
        else:
            shape.append("outside: " + entry)
    return sorted(shape)


def _java_dispose(path, env):
    result = java("savepoint", "-d", path, env=env)
    return SimpleNamespace(returncode=result.rc, stdout=result.out, stderr=result.err)


def _dispose(run, path, directory, listing):
    before = listing()
    started = time.monotonic()
    result = run(path)
    seconds = time.monotonic() - started
    after = listing()
    removed, added = before - after, after - before
    inside_before = [e for e in before if e.startswith(directory + "/")]
    left = sorted(e for e in after if e.startswith(directory + "/"))
    return result, seconds, _shape(removed, directory), sorted(added), inside_before, left


def compare(check, label, ours, java_path, java_directory, our_path, our_directory, listing, java_env=None):
    """`ours(path)` runs our client's offline disposal; the Java client runs with the cluster's
    configuration (plus `java_env`). Reports through `check(condition, what)`."""
    java_result, java_seconds, java_removed, java_added, java_before, java_left = _dispose(
        lambda path: _java_dispose(path, java_env), java_path, java_directory, listing)
    our_result, our_seconds, our_removed, our_added, our_before, our_left = _dispose(
        ours, our_path, our_directory, listing)
    check(java_result.returncode == 0 and our_result.returncode == 0,
          f"{label}: Java's savepoint -d ({java_seconds:.1f} s) and ours with --offline ({our_seconds:.2f} s) exit 0 "
          f"({java_result.returncode}: {java_result.stderr.strip()[-300:]!r}; {our_result.returncode}: "
          f"{our_result.stderr.strip()[:300]!r})")
    check(our_result.stdout.replace(our_path, "<path>") == java_result.stdout.replace(java_path, "<path>")
          and our_result.stderr == "",
          f"{label}: stdout is Java's, path aside ({our_result.stdout!r} vs {java_result.stdout!r})")
    check(len(java_before) > 1 and len(our_before) == len(java_before),
          f"{label}: both savepoints held as many objects ({len(our_before)}, {len(java_before)})")
    check(our_removed == java_removed and not any(e.startswith("outside") for e in our_removed),
          f"{label}: the same objects removed: {our_removed} (Java: {java_removed})")
    check(not java_left and not our_left, f"{label}: nothing left in either directory ({our_left}, {java_left})")
    parent_markers = [e for e in java_added if e.endswith("/") and java_directory.startswith(e)]
    check(our_added == [] and java_added == parent_markers,
          f"{label}: ours adds nothing ({our_added}); Java at most a parent's directory marker ({java_added})")
