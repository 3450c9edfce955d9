"""Zip bombs built byte by byte (used by tests/test_zip_bombs.py and benchmarks/zipbomb.py)."""

from __future__ import annotations

import struct
import zlib


def overlapping_zip(member: bytes, entries: int, name: str = "report.txt", stored: bool = True) -> bytes:
    """One stored member and ``entries`` central-directory entries that all point at it (the
    overlapping zip bomb: each entry expands the same bytes again)."""
    data = member if stored else zlib.compress(member, 9)[2:-4]
    method = 0 if stored else 8
    crc = zlib.crc32(member)
    raw_name = name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(data), len(member),
                        len(raw_name), 0) + raw_name + data
    central = b""
    for _ in range(entries):
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(data),
                               len(member), len(raw_name), 0, 0, 0, 0, 0, 0) + raw_name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, entries, entries, len(central), len(local), 0)
    return local + central + end
