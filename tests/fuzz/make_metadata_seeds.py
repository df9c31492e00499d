#!/usr/bin/env python3
"""Writes the seed corpus of the metadata fuzz target (tests/fuzz/corpus/metadata/): tiny
`_metadata` bodies behind the fuzzer's mode byte (1..6: a header of version 2..7 is prepended by
the target). Run from anywhere; rerun after changing it:  python3 tests/fuzz/make_metadata_seeds.py
"""
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fake"))
from java_data import i32, i64, utf  # noqa: E402  (tests/fake/java_data.py)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "metadata")




def seeds():
    # Version 3 (mode 2): the hand-built file of tests/unit/metadata_test.cpp after its header: one operator with inline
    # operator state and keyed state (canonical savepoint handle) in a relative file.
    v3 = (i32(0) + i32(1) + bytes.fromhex("e5a72f353fc1e6bbf3bd96a41384998c") + i32(1) + i32(128) + b"\x00"
          + i32(1) + i32(0)
          + i32(1) + b"\x04" + i32(1) + utf("offsets") + b"\x00" + i32(1) + i64(0)
          + b"\x01" + utf("inline-0") + i32(3) + b"abc"
          + i32(0)
          + b"\x07" + i32(0) + i32(2) + i64(0) + i64(100)
          + b"\x06" + utf("1b0c7d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e") + i64(250)
          + b"\x00" + i32(0) + i32(0))
    # Version 6 (mode 5): one named operator with a uid, no state, and the shortest Java trailer
    # (a serialized null).
    v6 = (i32(0) + i32(1) + utf("n") + utf("u") + bytes(16) + i32(1) + i32(128) + b"\x00"
          + i32(1) + i32(0) + i32(0) + i32(0) + b"\x00\x00" + i32(0) + i32(0)
          + b"\xac\xed\x00\x05\x70")
    return {"v3-reference": b"\x02" + v3, "v6-one-operator": b"\x05" + v6}


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds().items():
        with open(os.path.join(OUT, name), "wb") as handle:
            handle.write(data)
        print(f"{name}: {len(data)} bytes")
