"""Big-endian values as Java's DataOutputStream writes them, for the Python writers of `_metadata`
files (fuzz seeds, the S3 fault test, the benchmarks): one copy of these encoders."""
import struct

# The first 4 bytes of every `_metadata` file (MetadataSerializers, flink-runtime).
METADATA_MAGIC = 0x4960672D


def utf(text):
    """writeUTF: a u16 length, then the bytes (ASCII and plain UTF-8 alike for our texts)."""
    data = text.encode()
    return struct.pack(">H", len(data)) + data


def i32(value):
    return struct.pack(">i", value)


def i64(value):
    return struct.pack(">q", value)
