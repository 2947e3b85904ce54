"""Guard in-place writes: compare what a workbook holds before and after we save it.

openpyxl keeps cells, styles, comments, data validation, conditional formats, images and charts,
but not drawing shapes, form controls or slicers. Rather than drop them silently, a write that
would lose any of them is refused and the input stays as it was.
"""
from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

KINDS = {
    "图片": lambda name, xml: name.startswith("xl/media/"),
    "图表": lambda name, xml: name.startswith("xl/charts/chart"),
    "批注": lambda name, xml: len(re.findall(rb"<comment ", xml)) if name.startswith("xl/comments") else 0,
    "数据验证": lambda name, xml: len(re.findall(rb"<(?:\w+:)?dataValidation ", xml)) if name.startswith("xl/worksheets/sheet") else 0,
    "条件格式": lambda name, xml: len(re.findall(rb"<(?:\w+:)?conditionalFormatting ", xml)) if name.startswith("xl/worksheets/sheet") else 0,
    "图形": lambda name, xml: len(re.findall(rb"<(?:\w+:)?sp>|<(?:\w+:)?sp ", xml)) if name.startswith("xl/drawings/drawing") else 0,
    "控件": lambda name, xml: name.startswith("xl/ctrlProps/") or name.startswith("xl/activeX/"),
    "切片器": lambda name, xml: name.startswith("xl/slicers/") or name.startswith("xl/timelines/"),
    "数据透视表": lambda name, xml: name.startswith("xl/pivotTables/"),
    "工作表": lambda name, xml: name.startswith("xl/worksheets/sheet"),
}


def inventory(path: Path) -> Counter:
    """How many of each kind of content a saved .xlsx holds."""
    counts: Counter = Counter()
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename
            needs_xml = name.endswith(".xml") and name.startswith(("xl/comments", "xl/worksheets/sheet", "xl/drawings/drawing"))
            xml = zf.read(name) if needs_xml else b""
            for kind, count in KINDS.items():
                counts[kind] += int(count(name, xml))
    return counts


def losses(before: Path, after: Path, *, allow: dict[str, int] | None = None) -> list[str]:
    """Kinds of content that fewer of exist after than before (allow: expected removals, e.g. our own sheet)."""
    old, new = inventory(before), inventory(after)
    allow = allow or {}
    return [f"{kind}（{old[kind]}→{new[kind]}）" for kind in KINDS if new[kind] + allow.get(kind, 0) < old[kind]]
