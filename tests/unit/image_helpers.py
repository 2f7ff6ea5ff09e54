"""Small image files for the tests of the chat's logo and favicon (content/web.yml)."""

from __future__ import annotations

import struct
import zlib
from typing import Tuple


def png(width: int, height: int, colour: Tuple[int, int, int] = (46, 107, 48)) -> bytes:
    """A PNG of one colour, made by hand (no image library needed)."""
    rows = b"".join(b"\x00" + bytes(colour) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
