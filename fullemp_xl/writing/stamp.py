"""Many copies of one workbook that differ in a few cells: the registry's forms, one per community.

The form is built once; its package is cut around the cells that change (the slots), every other
member is compressed once, and so is the text before the first slot and after the last. A copy is
then the slots' cell XML, compressed on its own, spliced between the two: deflate streams may be
joined at a full flush, which is how parallel gzip tools work. A copy costs well under a
millisecond instead of building and saving the workbook with openpyxl.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

from .package import EditablePackage
from .text import cell_xml
from .workbook import WorkbookPatch
from .zipout import DEFLATED, ZipOut

LEVEL = 6
SENTINEL = "\ue000FULLEMP-SLOT-{}\ue000"


def _compress(data: bytes, final: bool) -> bytes:
    c = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


@dataclass
class _Slot:
    name: str
    ref: str
    style: str
    quote_style: str
    prefix: str


@dataclass
class _Member:
    name: str
    date_time: tuple
    crc: int = 0
    size: int = 0
    raw: bytes = b""  # the whole member, compressed (members without slots)
    head: bytes = b""  # text before the first slot, compressed with a full flush
    head_crc: int = 0
    head_size: int = 0
    pieces: tuple = ()  # (_Slot | bytes) between the first slot and the last: the text we fill in per copy
    tail: bytes = b""  # text after the last slot (uncompressed, for the CRC) …
    tail_raw: bytes = b""  # … and compressed, final


class Stamp:
    def __init__(self, data: bytes, cells: dict[str, tuple[str, str]]):
        """data: the workbook; cells: slot name → (sheet, cell) of the values each copy sets."""
        patch = WorkbookPatch(data)
        slots: dict[str, _Slot] = {}
        for k, (name, (sheet, ref)) in enumerate(cells.items()):
            style = patch.sheet(sheet).effective_style(ref)
            quote = str(patch.styles.quoted(style))
            patch.set_value(sheet, ref, SENTINEL.format(k))
            slots[SENTINEL.format(k)] = _Slot(name, ref, style, quote, patch.sheet(sheet).p)
        self.names = list(cells)
        pkg = EditablePackage(patch.to_bytes())
        self.members: list[_Member] = []
        for name in pkg.names():
            info = pkg.infos[name]
            data = pkg.read(name)
            member = _Member(name, info.date_time, zlib.crc32(data), len(data))
            text = data.decode("utf-8", "replace") if name.endswith(".xml") else ""
            found = [(text.index(s), s) for s in slots if s in text]
            if not found:
                member.raw = _compress(data, True)
            else:
                member.head, member.pieces, tail = self._cut(text, sorted(found), slots)
                member.head_crc, member.head_size = zlib.crc32(member.head), len(member.head)
                member.tail, member.tail_raw = tail, _compress(tail, True)
                member.head = _compress(member.head, False)
            self.members.append(member)

    @staticmethod
    def _cut(text: str, found: list[tuple[int, str]], slots: dict[str, _Slot]):
        """Split a part at the <c> elements holding the sentinels: (head bytes, pieces, tail bytes)."""
        pieces, pos, head = [], 0, b""
        for k, (at, sentinel) in enumerate(found):
            start = text.rfind(f"<{slots[sentinel].prefix}c ", 0, at)
            end = text.index("</" + slots[sentinel].prefix + "c>", at) + len(slots[sentinel].prefix) + 4
            if k == 0:
                head = text[:start].encode("utf-8")
            else:
                pieces.append(text[pos:start].encode("utf-8"))
            pieces.append(slots[sentinel])
            pos = end
        return head, tuple(pieces), text[pos:].encode("utf-8")

    @staticmethod
    def _middle(m: _Member, values: dict[str, object]) -> bytes:
        return b"".join(p if isinstance(p, bytes) else
                        cell_xml(p.ref, p.style, values.get(p.name), prefix=p.prefix, quote_style=p.quote_style).encode("utf-8")
                        for p in m.pieces)

    def render(self, values: dict[str, object]) -> bytes:
        """The workbook with each slot set to values[slot name] (text stays text; None leaves it empty)."""
        out = ZipOut()
        for m in self.members:
            if m.pieces:
                middle = self._middle(m, values)
                crc = zlib.crc32(m.tail, zlib.crc32(middle, m.head_crc))
                raw = m.head + _compress(middle, False) + m.tail_raw
                out.add_raw(m.name, DEFLATED, crc, raw, m.head_size + len(middle) + len(m.tail), m.date_time)
            else:
                out.add_raw(m.name, DEFLATED, m.crc, m.raw, m.size, m.date_time)
        return out.getvalue()

    def signature(self, values: dict[str, object], skip: tuple[str, ...] = ("docProps/core.xml",)) -> dict[str, tuple[int, int]]:
        """member → (CRC, size) of render(values), leaving out `skip` (its timestamps differ between runs)."""
        out = {}
        for m in self.members:
            if m.name in skip:
                continue
            if m.pieces:
                middle = self._middle(m, values)
                out[m.name] = (zlib.crc32(m.tail, zlib.crc32(middle, m.head_crc)), m.head_size + len(middle) + len(m.tail))
            else:
                out[m.name] = (m.crc, m.size)
        return out
