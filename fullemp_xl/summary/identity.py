"""A community's identity, one rule for merge, refresh, `registry next` and the documents.

The registry's 社区代码 (the 12-digit 统计用区划代码 of the 社区居委会) when both sides carry it — `fill
--registry` stamps it into the forms; otherwise county + street + name, normalised (summary.model.normalise_name);
otherwise county + name when exactly one community of that name is left in that county. A name shared by
several communities of a county is reported, never guessed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Generic, Sequence, TypeVar

from ..summary.model import normalise_name

CODE = re.compile(r"^\d{12}$")
T = TypeVar("T")


def valid_code(text) -> str:
    """The 12-digit 社区代码, or "" (any other text is not an identity: it is not checked against anything)."""
    code = "".join(unicodedata.normalize("NFKC", str(text or "")).split())
    return code if CODE.match(code) else ""


@dataclass(frozen=True)
class Who:
    """What a community is recognised by."""

    county: str
    street: str
    community: str
    code: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return normalise_name(self.county), normalise_name(self.street), normalise_name(self.community)

    @property
    def name_key(self) -> tuple[str, str]:
        return normalise_name(self.county), normalise_name(self.community)

    def label(self) -> str:
        return " ".join(p for p in (self.county, self.street, self.community) if p)


def who(thing) -> Who:
    """The identity of anything with county, street, community (and perhaps code)."""
    return Who(thing.county, thing.street, thing.community, valid_code(getattr(thing, "code", "")))


@dataclass
class Matching(Generic[T]):
    found: dict[int, T] = field(default_factory=dict)  # query index -> the one item it is
    how: dict[int, str] = field(default_factory=dict)  # query index -> "code" / "name" / "county+name"
    ambiguous: dict[int, str] = field(default_factory=dict)  # query index -> why it could not be decided


def match(queries: Sequence[Who], items: Sequence[T], identity=who) -> Matching[T]:
    """Each query to at most one item and each item to at most one query: by 社区代码, then by county + street
    + name, then by county + name where that is unique on both sides."""
    out: Matching[T] = Matching()
    ids = [identity(item) for item in items]
    taken: set[int] = set()

    def claim(q: int, k: int, how: str) -> None:
        out.found[q], out.how[q] = items[k], how
        taken.add(k)

    by_code: dict[str, list[int]] = {}
    for k, i in enumerate(ids):
        if i.code:
            by_code.setdefault(i.code, []).append(k)
    for q, w in enumerate(queries):
        same = [k for k in by_code.get(w.code, []) if k not in taken] if w.code else []
        if len(same) == 1:
            claim(q, same[0], "code")
    by_key: dict[tuple, list[int]] = {}
    for k, i in enumerate(ids):
        by_key.setdefault(i.key, []).append(k)
    for q, w in enumerate(queries):
        if q in out.found:
            continue
        same = [k for k in by_key.get(w.key, []) if k not in taken and not (w.code and ids[k].code and ids[k].code != w.code)]
        if len(same) == 1:
            claim(q, same[0], "name")
    left_queries: dict[tuple, list[int]] = {}
    for q, w in enumerate(queries):
        if q not in out.found:
            left_queries.setdefault(w.name_key, []).append(q)
    by_name: dict[tuple, list[int]] = {}
    for k, i in enumerate(ids):
        if k not in taken:
            by_name.setdefault(i.name_key, []).append(k)
    for name, qs in left_queries.items():
        candidates = [k for k in by_name.get(name, []) if k not in taken]
        if not candidates:
            continue
        if len(candidates) == 1 and len(qs) == 1:
            k, w = candidates[0], queries[qs[0]]
            if not (w.code and ids[k].code and ids[k].code != w.code):
                claim(qs[0], k, "county+name")
            continue
        streets = "、".join(sorted({ids[k].street or "未填街道" for k in candidates}))
        for q in qs:
            out.ambiguous[q] = (f"{queries[q].label()}：{queries[q].county}有{len(candidates)}个名为“{queries[q].community}”的社区"
                                f"（{streets}），街道（乡镇）对不上，无法确定是哪一个：请在表中填写正确的街道（乡镇）")
    return out
