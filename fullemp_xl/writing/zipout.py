"""A small zip writer that can copy a member's compressed bytes unchanged.

Parts we do not own are copied as they were stored (same compressed bytes, same CRC), which is both
the strongest form of "byte for byte" and the fastest; parts we write are deflated here.
"""
from __future__ import annotations

import struct
import zlib

DEFAULT_TIME = (1980, 1, 1, 0, 0, 0)
STORED, DEFLATED = 0, 8
LOCAL = struct.Struct("<IHHHHHIIIHH")
CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
END = struct.Struct("<IHHHHIIH")
LIMIT = 0xFFFFFFFF


def dos_time(date_time) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


def deflate(data: bytes, level: int = 6) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class ZipOut:
    def __init__(self):
        self.chunks: list[bytes] = []
        self.central: list[bytes] = []
        self.offset = 0

    def add(self, name: str, data: bytes, *, date_time=DEFAULT_TIME) -> None:
        self.add_raw(name, DEFLATED, zlib.crc32(data), deflate(data), len(data), date_time)

    def add_raw(self, name: str, method: int, crc: int, raw: bytes, size: int, date_time=DEFAULT_TIME) -> None:
        encoded = name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0
        if self.offset > LIMIT or len(raw) > LIMIT or size > LIMIT or len(self.central) >= 0xFFFF:
            raise ValueError("package too large for a plain zip")
        t, d = dos_time(date_time)
        self.chunks += [LOCAL.pack(0x04034B50, 20, flags, method, t, d, crc, len(raw), size, len(encoded), 0), encoded, raw]
        self.central.append(CENTRAL.pack(0x02014B50, 20, 20, flags, method, t, d, crc, len(raw), size, len(encoded),
                                          0, 0, 0, 0, 0, self.offset) + encoded)
        self.offset += LOCAL.size + len(encoded) + len(raw)

    def getvalue(self) -> bytes:
        directory = b"".join(self.central)
        end = END.pack(0x06054B50, 0, 0, len(self.central), len(self.central), len(directory), self.offset, 0)
        return b"".join(self.chunks) + directory + end


def directory(data: bytes) -> dict[str, tuple[int, int]] | None:
    """name → (CRC, size) from a zip's central directory, read straight from the bytes (None: not a plain zip).

    Used to tell, without unpacking anything, whether a file is already what we would write.
    """
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or len(data) - at < END.size:
        return None
    _, _, _, _, count, size, offset, _ = END.unpack_from(data, at)
    out, pos = {}, offset
    for _ in range(count):
        if data[pos:pos + 4] != b"PK\x01\x02" or pos + CENTRAL.size > len(data):
            return None
        fields = CENTRAL.unpack_from(data, pos)
        crc, usize, name_len, extra_len, comment_len = fields[7], fields[9], fields[10], fields[11], fields[12]
        name = data[pos + CENTRAL.size:pos + CENTRAL.size + name_len].decode("utf-8" if fields[3] & 0x800 else "cp437", "replace")
        out[name] = (crc, usize)
        pos += CENTRAL.size + name_len + extra_len + comment_len
    return out
