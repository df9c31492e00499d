#!/usr/bin/env python3
"""`flink inspect` at production scale: writes `_metadata` files with many state-file handles and
with big Java-serialization trailers, then times `flink inspect` on each (median wall seconds and
CPU seconds and peak RSS over a few runs, measured with GNU time). Run by hand; nothing asserts
a figure:

    python3 bench/inspect_scale.py [--binary build/bin/flink] [--before OLD/bin/flink]
                                   [--sizes 10000,100000,1000000] [--runs 3] [--work DIR]

Scenarios (each a savepoint directory under --work, written once and reused):
  files-N      one operator, 4 subtasks of incremental RocksDB state (KeyGroupsStateHandle V2 with
               shared and private handle lists), N absolute `file:` state files, all present on
               disk: the local store stats every one.
  trailer-M    a small savepoint whose CheckpointProperties trailer carries an array of M MiB of
               empty strings (3 bytes and one back-reference handle each: the walker's worst case).
  tiny-paths   the file handles' worst case: 40 MiB of relative handles with distinct 4-byte
               names, none present (every one is a "Missing state file" line).
With --json, each scenario is also timed with `-o json` (a row "<scenario> -o json"): the
document lists every state file.
The goal: 100,000 state files in under 1 s, and peak RSS under 4x the `_metadata` size + 20 MB.
"""
import argparse
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fake"))
from java_data import i32, i64, utf  # noqa: E402  (tests/fake/java_data.py)




OPERATOR_ID = bytes.fromhex("e5a72f353fc1e6bbf3bd96a41384998c")


def properties(extra_strings=0):
    """CheckpointProperties of a CANONICAL savepoint, as ObjectOutputStream writes it; with
    `extra_strings`, one more field holds a String[] of that many empty strings."""
    fields = 3 if extra_strings else 2
    out = bytearray(b"\xac\xed\x00\x05")
    out += b"\x73\x72" + utf("org.apache.flink.runtime.checkpoint.CheckpointProperties") + i64(1) + b"\x02"
    out += struct.pack(">H", fields)
    out += b"Z" + utf("forced")
    out += b"L" + utf("checkpointType") + b"\x74" + utf("Lorg/apache/flink/runtime/checkpoint/SnapshotType;")
    if extra_strings:
        out += b"[" + utf("extra") + b"\x74" + utf("[Ljava/lang/String;")
    out += b"\x78\x70\x01"
    out += b"\x73\x72" + utf("org.apache.flink.runtime.checkpoint.SavepointType") + i64(2) + b"\x02\x00\x01"
    out += b"L" + utf("formatType") + b"\x74" + utf("Lorg/apache/flink/core/execution/SavepointFormatType;")
    out += b"\x78\x70"
    out += b"\x7e\x72" + utf("org.apache.flink.core.execution.SavepointFormatType") + i64(0) + b"\x12\x00\x00"
    out += b"\x78\x72" + utf("java.lang.Enum") + i64(0) + b"\x12\x00\x00\x78\x70"
    out += b"\x74" + utf("CANONICAL")
    if extra_strings:
        out += b"\x75\x72" + utf("[Ljava.lang.String;") + i64(0) + b"\x02\x00\x00\x78\x70" + i32(extra_strings)
        out += b"\x74\x00\x00" * extra_strings
    return bytes(out)


def header(operators):
    return i32(0x4960672D) + i32(6) + i64(42) + i32(0) + i32(operators)


def operator(subtasks, name="big"):
    """Operator head (version 6) up to and including its subtask count."""
    return utf(name) + utf("uid-" + name) + OPERATOR_ID + i32(len(subtasks)) + i32(128) + b"\x00" + i32(len(subtasks))


def incremental_subtask(index, shared, private, meta_path):
    """One subtask: an IncrementalRemoteKeyedStateHandle (V2) with its handle lists."""
    out = bytearray(i32(index) + i32(0) + i32(0))
    out += b"\x0b" + i64(42) + utf("backend-%d" % index) + i32(index * 32) + i32(32) + i64(1000)
    out += b"\x02" + i64(100) + utf(meta_path)
    for entries in (shared, private):
        out += i32(len(entries))
        for local_name, stream in entries:
            out += utf(local_name) + stream
    out += utf("handle-%d" % index)
    out += b"\x00" + i32(0) + i32(0)  # no raw keyed state, no channel state
    return bytes(out)


def write(path, data):
    with open(path, "wb") as handle:
        handle.write(data)


def files_scenario(directory, count, subtasks=4):
    metadata = os.path.join(directory, "_metadata")
    if os.path.exists(metadata):
        return metadata
    shared_dir = os.path.join(directory, "shared")
    os.makedirs(shared_dir, exist_ok=True)
    body = bytearray()
    names = []
    for task in range(subtasks):
        shared = []
        for j in range(task, count, subtasks):
            name = "%08x-1b0c-4d1e-8f3a-%012x" % (j, j * 7919)
            names.append(name)
            stream = b"\x02" + i64(4096 + j % 1000) + utf("file:" + os.path.join(shared_dir, name))
            shared.append(("%06d.sst" % j, stream))
        body += incremental_subtask(task, shared, [], "file:" + os.path.join(directory, "meta-%d" % task))
    for name in names:  # present on disk, empty: the local store stats each one
        open(os.path.join(shared_dir, name), "wb").close()
    for task in range(subtasks):
        open(os.path.join(directory, "meta-%d" % task), "wb").close()
    data = header(1) + operator(range(subtasks)) + bytes(body) + properties()
    write(metadata, data)
    return metadata


def trailer_scenario(directory, mebibytes):
    metadata = os.path.join(directory, "_metadata")
    if not os.path.exists(metadata):
        os.makedirs(directory, exist_ok=True)
        data = header(1) + operator([]) + properties(extra_strings=(mebibytes << 20) // 3)
        write(metadata, data)
    return metadata


def tiny_paths_scenario(directory, mebibytes=40):
    metadata = os.path.join(directory, "_metadata")
    if not os.path.exists(metadata):
        os.makedirs(directory, exist_ok=True)
        count = (mebibytes << 20) // 19  # local name "" + tag + 4-byte path + size
        shared = []
        for i in range(count):  # four printable bytes, distinct for every i below 64^4
            name = "".join(chr(0x30 + ((i >> (6 * k)) & 63)) for k in range(4))
            shared.append(("", b"\x06" + utf(name) + i64(1)))
        body = incremental_subtask(0, shared, [], "file:" + os.path.join(directory, "meta-0"))
        write(metadata, header(1) + operator([0]) + body + properties())
    return metadata


def measure(binary, savepoint, runs, extra=()):
    """Median wall seconds, CPU seconds (user + system) and peak RSS (MiB) of
    `binary inspect [extra] savepoint`, its output discarded."""
    walls, cpus, peaks, code = [], [], [], None
    for _ in range(runs + 1):  # the first run warms the page cache and is not counted
        started = time.monotonic()
        result = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", binary, "inspect", *extra, savepoint],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        walls.append(time.monotonic() - started)
        peak, user, system = result.stderr.strip().splitlines()[-1].split()
        peaks.append(int(peak) / 1024)
        cpus.append(float(user) + float(system))
        code = result.returncode
    return statistics.median(walls[1:]), statistics.median(cpus[1:]), statistics.median(peaks[1:]), code


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--binary", default=os.path.join(root, "build", "bin", "flink"))
    parser.add_argument("--before", help="an older build of bin/flink, for a before/after table")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--trailers", default="21,250", help="trailer sizes in MiB")
    parser.add_argument("--tiny-paths", action="store_true", help="also the 40 MiB tiny-paths scenario")
    parser.add_argument("--json", action="store_true", help="also time each scenario with -o json")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/tmp/flinkcli-inspect-scale")
    parser.add_argument("--only", help="regular expression: run only the scenarios whose name matches")
    args = parser.parse_args()

    scenarios = []
    for size in (int(s) for s in args.sizes.split(",") if s):
        scenarios.append(("files-%d" % size, lambda d, n=size: files_scenario(d, n)))
    for mib in (int(s) for s in args.trailers.split(",") if s):
        scenarios.append(("trailer-%dMiB" % mib, lambda d, m=mib: trailer_scenario(d, m)))
    if args.tiny_paths:
        scenarios.append(("tiny-paths", tiny_paths_scenario))
    binaries = [("after", args.binary)] + ([("before", args.before)] if args.before else [])

    print("| scenario | _metadata | goal RSS | " + " | ".join(
        "%s wall s | %s cpu s | %s peak MiB" % (label, label, label) for label, _ in binaries) + " |")
    print("|---|---|---|" + "---|---|---|" * len(binaries))
    for name, make in scenarios:
        if args.only and not re.search(args.only, name):
            continue
        directory = os.path.join(args.work, name)
        metadata = make(directory)
        size = os.path.getsize(metadata)
        goal = 4 * size / 2**20 + 20
        for label, extra in [("", ())] + ([(" -o json", ("-o", "json"))] if args.json else []):
            cells = []
            for _, binary in binaries:
                wall, cpu, peak, code = measure(binary, directory, args.runs, extra)
                cells.append("%.3f%s | %.3f | %.1f" % (wall, "" if code == 0 else " (exit %d)" % code, cpu, peak))
            print("| %s%s | %.1f MiB | %.0f MiB | %s |" % (name, label, size / 2**20, goal, " | ".join(cells)),
                  flush=True)


if __name__ == "__main__":
    sys.exit(main())
