"""Part names inside an Office Open XML package: where a part's relationships are and which part a
relationship's target names. One rule for the reader (`xlsx`), the screening, the writer (`writing`) and
the summary's splice (`summary.fastrows`).
"""
from __future__ import annotations

import posixpath


def rels_part(part: str) -> str:
    """The relationships part of `part` (of the package itself for "": _rels/.rels)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source: str, target: str) -> str:
    """The part that a relationship of `source` names by `target`: relative to the source's folder, or
    absolute from the package root."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, part: str) -> str:
    """The target by which a relationship of `source` names `part`."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")
