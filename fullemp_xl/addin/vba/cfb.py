"""A compound file (MS-CFB version 3) holding storages and streams: what `vbaProject.bin` is.

Written in one pass in a fixed layout — header, FAT, directory, mini FAT, mini stream, large
streams — with every stream under 4096 bytes in the mini stream. Siblings form a balanced binary
tree in the spec's order (shorter names first, then case-insensitive), its deepest level red and
the rest black, which satisfies the red-black rules readers may check. Timestamps and CLSIDs are
zero, so the same tree always gives the same bytes.

ms-cfb 0.0.6 writes compound files too, but it writes scratch files into the process's working
directory and pads the files it is given in place; a writer called from Excel must not.
"""
from __future__ import annotations

import struct

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1

Tree = dict  # name -> bytes (a stream) or Tree (a storage)


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        if len(name) > 31:
            raise ValueError(f"compound file names have at most 31 characters: {name}")
        self.name, self.kind, self.data = name, kind, data
        self.left = self.right = self.child = NOSTREAM
        self.color = BLACK
        self.start, self.size = 0, 0


def _sibling_tree(entries: list[_Entry], index: dict[int, int]) -> int:
    """Link `entries` (already in compound-file order) as a balanced tree; returns the root's id."""
    def build(lo: int, hi: int, depth: int, depths: list) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        depths.append((mid, depth))
        entries[mid].left = build(lo, mid, depth + 1, depths)
        entries[mid].right = build(mid + 1, hi, depth + 1, depths)
        return index[id(entries[mid])]

    depths: list[tuple[int, int]] = []
    root = build(0, len(entries), 0, depths)
    deepest = max((d for _, d in depths), default=0)
    for i, d in depths:
        entries[i].color = RED if d == deepest and deepest > 0 else BLACK
    return root


def _order(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def _flatten(tree: Tree) -> list[_Entry]:
    root = _Entry("Root Entry", ROOT)
    flat = [root]
    pending = [(root, tree)]
    while pending:
        parent, children = pending.pop(0)
        entries = []
        for name in sorted(children, key=_order):
            value = children[name]
            entry = _Entry(name, STORAGE) if isinstance(value, dict) else _Entry(name, STREAM, bytes(value))
            entries.append(entry)
            flat.append(entry)
            if isinstance(value, dict):
                pending.append((entry, value))
        index = {id(e): flat.index(e) for e in entries}
        parent.child = _sibling_tree(entries, index)
    return flat


def _sectors(n: int, size: int) -> int:
    return -(-n // size)


def write(tree: Tree) -> bytes:
    """The compound file holding `tree` (a stream is bytes, a storage a dict)."""
    entries = _flatten(tree)
    small = [e for e in entries if e.kind == STREAM and len(e.data) < CUTOFF]
    large = [e for e in entries if e.kind == STREAM and len(e.data) >= CUTOFF]

    mini_fat: list[int] = []
    mini_stream = bytearray()
    for e in small:
        n = _sectors(len(e.data), MINI)
        e.start, e.size = (len(mini_fat) if n else ENDOFCHAIN), len(e.data)
        mini_fat += [len(mini_fat) + k + 1 for k in range(n - 1)] + ([ENDOFCHAIN] if n else [])
        mini_stream += e.data.ljust(n * MINI, b"\0")

    n_dir = _sectors(len(entries), SECTOR // 128)
    n_minifat = _sectors(len(mini_fat) * 4, SECTOR)
    n_ministream = _sectors(len(mini_stream), SECTOR)
    n_large = [_sectors(len(e.data), SECTOR) for e in large]
    rest = n_dir + n_minifat + n_ministream + sum(n_large)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + rest:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only FAT")

    fat = [FATSECT] * n_fat
    next_free = n_fat

    def chain(count: int) -> int:
        nonlocal next_free
        if count == 0:
            return ENDOFCHAIN
        start = next_free
        fat.extend(list(range(start + 1, start + count)) + [ENDOFCHAIN])
        next_free += count
        return start

    dir_start = chain(n_dir)
    minifat_start = chain(n_minifat)
    root = entries[0]
    root.start, root.size = chain(n_ministream), len(mini_stream)
    for e, n in zip(large, n_large):
        e.start, e.size = chain(n), len(e.data)
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))

    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3, 0xFFFE,
                         9, 6, bytes(6), 0, n_fat, dir_start, 0, CUTOFF, minifat_start, n_minifat, ENDOFCHAIN, 0)
    header += struct.pack("<109I", *(list(range(n_fat)) + [FREESECT] * (109 - n_fat)))

    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _dir_entry(None) * (n_dir * 4 - len(entries))
    minifat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat).ljust(n_minifat * SECTOR, b"\xff")
    body = [struct.pack(f"<{len(fat)}I", *fat), directory, minifat_bytes, bytes(mini_stream).ljust(n_ministream * SECTOR, b"\0")]
    body += [e.data.ljust(n * SECTOR, b"\0") for e, n in zip(large, n_large)]
    return header + b"".join(body)


def _dir_entry(e: _Entry | None) -> bytes:
    if e is None:
        return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0)
    name = (e.name + "\0").encode("utf-16-le")
    start = e.start if e.kind != STORAGE else 0
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, e.color, e.left, e.right, e.child,
                       bytes(16), 0, 0, 0, start, e.size)
