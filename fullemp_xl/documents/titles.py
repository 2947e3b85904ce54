"""Titles broken by rule (GB/T 9704-2012 7.3.1: 回行时要做到词意完整，排列对称，长短适宜，间距恰当，
标题排列应当使用梯形或菱形).

A title is broken only between words: never inside a number and the 年 / 年度 / 号 that follows it, never inside
社区 / 公示 / 公告 / 名单 / 明细 or another fixed word, never inside a name the document lists (a county, a
community), never before closing or after opening punctuation; no line has fewer than three characters; the lines
form a 梯形 (longer and longer, or shorter and shorter) or a 菱形 (the middle longest). Among the breaks that do
this, those at the seams of the title's phrases (after 关于, after 年度, before 拟推荐名单, before 的公示 …) win,
then the most even lines. The widths are measured from the characters (layout.text_width).
"""
from __future__ import annotations

import copy
import itertools
import math
import re

from docx.oxml.ns import qn

from . import layout as L

MIN_CHARS = 3
WORDS = ("社区", "公示", "公告", "名单", "明细", "充分就业", "人力资源", "社会保障", "补助资金", "关于", "认定",
         "推荐", "拟推荐", "拟认定", "市级", "县级", "省级", "街道", "自治县", "自治旗", "自治州", "工作日")
# seams between a title's phrases: a break is good right before (or, with a leading "|", right after) these
BEFORE = ("关于", "拟推荐", "拟认定", "名单", "的公示", "的公告", "补助资金明细", "充分就业社区", "人力资源和社会保障局",
          "认定")
AFTER = ("关于", "年度", "社区", "局", "公示", "公告")
NUMBER = re.compile(r"[〔\[（(]?\d[\d.,]*[〕\]）)]?(?:年度|年|月|日|号|个|元)?")
NO_START = set("，。、；：？！）》」』〕】”’·…—%")
NO_END = set("（《「『〔【“‘")
BAD_BREAK = 1000.0  # a break not at a seam: allowed only when no seam gives a valid title
MAX_TRIES = 100_000  # ways of breaking a title tried at most (a real title has at most a few thousand)


def _protected(text: str, keep) -> list[bool]:
    """inside[k]: a break between text[k-1] and text[k] would split a word, a number or a name."""
    inside = [False] * (len(text) + 1)

    def span(a: int, b: int):
        for k in range(a + 1, b):
            inside[k] = True

    for m in NUMBER.finditer(text):
        span(m.start(), m.end())
    for word in [*WORDS, *(k for k in keep if k and len(k) <= 16)]:
        start = text.find(word)
        while start >= 0:
            span(start, start + len(word))
            start = text.find(word, start + 1)
    for k in range(1, len(text)):
        if text[k] in NO_START or text[k - 1] in NO_END:
            inside[k] = True
    inside[0] = inside[len(text)] = True
    return inside


def _seams(text: str, keep) -> set[int]:
    out = set()
    for word in BEFORE:
        out |= {m.start() for m in re.finditer(re.escape(word), text)}
    for word in AFTER:
        out |= {m.end() for m in re.finditer(re.escape(word), text)}
    for name in keep:
        if name and len(name) >= 2:
            out |= {m.end() for m in re.finditer(re.escape(name), text)}
    return {k for k in out if 0 < k < len(text)}


def _shape_ok(widths: list[float]) -> bool:
    """梯形 (monotone) or 菱形 (rises to one peak, then falls)."""
    if len(widths) < 3:
        return True
    peak = widths.index(max(widths))
    rising = all(a <= b for a, b in zip(widths[:peak + 1], widths[1:peak + 1]))
    falling = all(a >= b for a, b in zip(widths[peak:], widths[peak + 1:]))
    return (rising and falling) or all(a <= b for a, b in zip(widths, widths[1:]))


def break_title(text: str, *, width: float = L.TEXT_WIDTH / 12700, size: float = L.TITLE_PT, keep=()) -> list[str]:
    """The lines of `text` as a title `width` points wide in `size`-point characters (see the module's rules)."""
    text = text.strip()
    room = width - 1.0  # a point of safety for rounding in the word processor
    char_w = [L.text_width(text[max(0, k - 1):k + 1], size, 0.0) - (L.text_width(text[k - 1], size, 0.0) if k else 0.0)
              for k in range(len(text))]  # each character with the autospace before it
    if sum(char_w) <= room or len(text) < 2 * MIN_CHARS:
        return [text] if text else []
    keep = [k for k in keep if k]
    inside = _protected(text, keep)
    seams = _seams(text, keep)
    allowed = [k for k in range(MIN_CHARS, len(text) - MIN_CHARS + 1) if not inside[k]]
    prefix = [0.0]
    for w in char_w:
        prefix.append(prefix[-1] + w)
    total = prefix[-1]
    fewest = int(total // room) + 1
    for n in range(fewest, min(fewest + 3, len(text) // MIN_CHARS) + 1):
        best, best_cost = None, None
        candidates = allowed if len(allowed) <= 60 or n <= 3 else [k for k in allowed if k in seams]
        if math.comb(len(candidates), n - 1) > MAX_TRIES:
            break  # no real title is this long (a name from a hostile file may be): fill the lines instead
        for cut in itertools.combinations(candidates, n - 1):
            bounds = [0, *cut, len(text)]
            if any(b - a < MIN_CHARS for a, b in zip(bounds, bounds[1:])):
                continue
            widths = [prefix[b] - prefix[a] for a, b in zip(bounds, bounds[1:])]
            if max(widths) > room or not _shape_ok(widths):
                continue
            mean = total / n
            cost = sum(BAD_BREAK for k in cut if k not in seams) + sum((w - mean) ** 2 for w in widths) / size ** 2
            if best_cost is None or cost < best_cost:
                best, best_cost = bounds, cost
        if best is not None:
            return [text[a:b] for a, b in zip(best, best[1:])]
    return _greedy(text, char_w, room, inside)


def _greedy(text: str, char_w: list[float], room: float, inside: list[bool]) -> list[str]:
    """Last resort (a word or name longer than a line): fill each line, breaking at the last allowed place."""
    lines, start = [], 0
    while start < len(text):
        end, used = start, 0.0
        while end < len(text) and used + char_w[end] <= room:
            used += char_w[end]
            end += 1
        if end < len(text):
            ok = [k for k in range(start + MIN_CHARS, end + 1) if not inside[k]]
            end = ok[-1] if ok else end
        lines.append(text[start:end])
        start = end
    return lines


# ---------------------------------------------------------------- in a document
def names_in(context) -> list[str]:
    """The names a document lists (counties, streets, communities): a title never breaks inside one."""
    out: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("county", "community", "street") and isinstance(item, str):
                    out.append(item)
                else:
                    walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(context)
    return sorted(set(out), key=len, reverse=True)


def break_titles(doc, keep=()) -> list[list[str]]:
    """Rewrite every paragraph styled 公文标题 with rule-made line breaks (a break the template made by hand is
    kept: each part between them is broken by rule). Returns the lines, for the record."""
    width = L._text_width_pt(doc)
    out = []
    for p in doc.paragraphs:
        if L._style_name(p) != L.TITLE:
            continue
        runs = p._p.findall(qn("w:r"))
        if not runs or not _plain_runs(p._p, runs):
            continue  # a field, a picture or a link in the title: an office's design, left as it is
        parts, current = [], []
        for r in runs:
            for child in r:
                if child.tag == qn("w:t"):
                    current.append(child.text or "")
                elif child.tag in (qn("w:br"), qn("w:cr")):
                    parts.append("".join(current))
                    current = []
        parts.append("".join(current))
        lines = [line for part in parts for line in (break_title(part, width=width, keep=keep) or [""])]
        if "".join(lines) == "":
            continue
        rpr = runs[0].find(qn("w:rPr"))
        for r in runs:
            p._p.remove(r)
        for k, line in enumerate(lines):
            run = p.add_run(line)
            if rpr is not None:
                run._r.insert(0, _copy(rpr))
            if k < len(lines) - 1:
                run.add_break()
        out.append(lines)
    return out


def _plain_runs(paragraph, runs) -> bool:
    """Only text, line breaks and formatting in the title (bookmarks and proofing marks aside)."""
    fine = {qn(t) for t in ("w:pPr", "w:r", "w:bookmarkStart", "w:bookmarkEnd", "w:proofErr")}
    if any(child.tag not in fine for child in paragraph):
        return False
    inside = {qn(t) for t in ("w:rPr", "w:t", "w:br", "w:cr", "w:lastRenderedPageBreak")}
    return all(child.tag in inside for r in runs for child in r)


def _copy(element):
    return copy.deepcopy(element)
