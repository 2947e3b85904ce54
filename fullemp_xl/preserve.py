"""Guard every write: whatever fullemp does not own comes out exactly as it went in.

A patch names the parts it changed (`owned`). Every other part must be byte for byte what it was
(same decompressed bytes); in the parts we did change, what is not ours must still be there: the
whole worksheet around the cell table, every note someone else wrote, every existing cell format
at its index. A write that would break this is refused and the input stays as it was.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .safe_io import UnusableFile
from .writing.tags import elements, find_element

LEGACY_DRAWING = re.compile(r"<(?:[\w.-]+:)?legacyDrawing\b[^>]*/>")
DIMENSION = re.compile(r"<(?:[\w.-]+:)?dimension\b[^>]*/>")


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}


def _outside_cells(xml: str) -> str:
    """A worksheet without its cell table, its extent and its notes' drawing link: what we never change."""
    span = find_element(xml, "sheetData")
    if span is None:
        return xml
    return LEGACY_DRAWING.sub("", DIMENSION.sub("", xml[:span[0]] + xml[span[2]:]))


def _items(xml: str, section: str, item: str) -> list[str]:
    span = find_element(xml, section)
    return [] if span is None else [xml[s:e] for s, e in elements(xml, item, span[1], span[2])]


def _notes(xml: str, author_to_ignore: str) -> list[str]:
    span = find_element(xml, "authors")
    authors = [] if span is None else [xml[s:e] for s, e in elements(xml, "author", span[1], span[2])]
    ours = {str(k) for k, a in enumerate(authors) if author_to_ignore in a}
    return [xml[s:e] for s, e in elements(xml, "comment") if not any(f'authorId="{k}"' in xml[s:e] for k in ours)]


def losses(before: bytes, after: bytes, owned: set[str], *, note_author: str = "") -> list[str]:
    """What the write would lose or change that is not ours, in words (empty: nothing)."""
    old, new = _members(before), _members(after)
    lost = []
    for name, data in old.items():
        if name not in new:
            if name not in owned:
                lost.append(f"{name}（被删除）")
            continue
        if name not in owned:
            if new[name] != data:
                lost.append(f"{name}（被改动）")
            continue
        text_old, text_new = data.decode("utf-8", "replace"), new[name].decode("utf-8", "replace")
        if "/worksheets/" in name and _outside_cells(text_old) != _outside_cells(text_new):
            lost.append(f"{name}（单元格以外的内容被改动）")
        elif name.endswith("styles.xml"):
            for section, item in (("fonts", "font"), ("fills", "fill"), ("borders", "border"), ("cellXfs", "xf")):
                if _items(text_new, section, item)[:len(_items(text_old, section, item))] != _items(text_old, section, item):
                    lost.append(f"{name}（已有的{section}被改动）")
        elif re.search(r"comments\d*\.xml$", name):
            kept = _notes(text_new, note_author)
            missing = [c for c in _notes(text_old, note_author) if c not in kept]
            if missing:
                lost.append(f"{name}（{len(missing)} 条他人的批注）")
    return lost


def check(before: bytes, after: bytes, owned: set[str], file: Path, *, note_author: str = "") -> None:
    """Raise UnusableFile when the write would lose anything that is not ours."""
    lost = losses(before, after, owned, note_author=note_author)
    if lost:
        raise UnusableFile(file, "写入会改动或丢失工作簿中不属于本程序的内容：" + "、".join(lost[:5]) +
                           ("等" if len(lost) > 5 else "") + "。已取消写入，原文件未改动；请把文件发给维护人员")
