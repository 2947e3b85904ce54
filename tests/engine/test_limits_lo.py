"""Every rule kind at the largest size `rules check` accepts still computes in a spreadsheet.

For each kind the largest size that passes the check is found by search (bands: as many as nesting
allows; conditions: as many as AND's 255 arguments and the 8,192-character formula allow; a section
with as many items as COUNT takes; many gates and level lines); one size more is refused. A rule set
with all of them at once is built into a 考评表, filled with random data, recalculated by LibreOffice
and compared cell by cell with the engine.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from fullemp_xl.engine.limits import check_file
from fullemp_xl.rules import load_ruleset
from lo_oracle import recalculate, require_soffice
from test_differential_lo import Forms, engine_and_office, same

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("limits_lo")]  # its module-scoped `extremes` is built once per run

HEAD = '''[ruleset]
id = "extreme"
version = "1.0"
name = "极限测试评分表"
jurisdiction = "测试市"
year = 2025
source = "测试用"
total = {total}

[[stages]]
id = "self"
label = "自评"

[[stages]]
id = "assessed"
label = "考评"

[facts.n]
label = "人数"
type = "count"

[facts.m]
label = "任务数"
type = "count"

[facts.ok]
label = "有记录"
type = "flag"

[rates.r]
label = "完成率"
numerator = "n"
denominator = "m"
may_exceed = true

[levels]
titles = [{titles}]
requires_gates = {gated}
gates_label = "基本条件"
{level_bands}
{gates}
'''


def item(item_id: str, points: int, parts: str) -> str:
    return (f'[[sections.items]]\nid = "{item_id}"\ncontent = "第{item_id}项"\ncriteria = "见规则"\npoints = {points}\n'
            f"parts = [\n{parts}\n]\n")


def bands(count: int, subject: str) -> tuple[int, str]:
    key = "percent" if subject == "rate" else "value"
    rows = ",\n".join(f'    {{ op = ">=", {key} = {count - k}, points = {count - k} }}' for k in range(count))
    return count, f'  {{ kind = "bands", {subject} = "{"r" if subject == "rate" else "n"}", reason = "{{n}}人，扣{{points}}分", bands = [\n{rows}\n  ] }}'


def conditions(count: int) -> tuple[int, str]:
    conds = ", ".join(f'{{ fact = "n", op = ">=", value = {k} }}' for k in range(count))
    return 7, (f'  {{ kind = "award", points = 5, require = {{ all = [{conds}] }}, reason = "{{n}}人，不得{{points}}分" }},\n'
               f'  {{ kind = "base", points = 2 }},\n'
               f'  {{ kind = "veto", require = {{ all = [{conds}] }}, reason = "否决（{{n}}人）" }}')


def deductions(count: int) -> tuple[int, str]:
    parts = ",\n".join(f'  {{ kind = "deduct", points = 1, require = {{ fact = "n", op = "<=", value = {k} }}, reason = "扣{{points}}分" }}'
                       for k in range(count))
    return count, f'  {{ kind = "base", points = {count} }},\n{parts}'


UNITS = [  # whole points: fractional ones add a ROUND (one level), which the other-city rule set covers
    (400, '  { kind = "per_unit_award", points = 2, fact = "n", max = 400, reason = "{n}人，少得{points}分" }'),
    (300, '  { kind = "base", points = 300 },\n  { kind = "per_unit", points = 3, fact = "n", max = 300, reason = "扣{points}分" }'),
    (300, '  { kind = "base", points = 300 },\n  { kind = "shortfall", points = 2, fact = "n", target = "m", reason = "少{short}人" }'),
]


def ruleset_text(items: list[tuple[int, str]], *, section_items: int = 0, gates: int = 0, levels: int = 1) -> str:
    titles = [f"称号{k:02d}" for k in range(levels)]
    total = sum(p for p, _ in items) + section_items
    level_bands = "\n".join(f'[[levels.bands]]\nmin = {k + 1}\ntitle = "{t}"\n' for k, t in enumerate(titles))
    gate_text = "\n".join(f'[[gates]]\nid = "g{k}"\nlabel = "条件{k}"\nrequire = {{ fact = "n", op = ">=", value = {k % 7} }}\n'
                          for k in range(gates))
    text = HEAD.format(total=total, titles=", ".join(f'"{t}"' for t in titles), gated=str(bool(gates)).lower(),
                       level_bands=level_bands, gates=gate_text)
    if items:
        text += f'[[sections]]\nid = "1"\ntitle = "各种规则"\npoints = {sum(p for p, _ in items)}\n\n'
        text += "\n".join(item(f"1.{k + 1}", p, parts) for k, (p, parts) in enumerate(items))
    if section_items:
        text += f'\n[[sections]]\nid = "2"\ntitle = "很多项"\npoints = {section_items}\n\n'
        text += "\n".join(item(f"2.{k + 1}", 1, '  { kind = "award", points = 1, require = { fact = "ok" }, reason = "无记录" }')
                          for k in range(section_items))
    return text


def passes(folder: Path, text: str) -> bool:
    path = folder / "probe.toml"
    path.write_text(text, encoding="utf-8")
    return not [p for p in check_file(path) if p.severity == "error"]


def largest(folder: Path, make, low: int, high: int) -> int:
    """The largest size in [low, high) whose rule set passes `rules check` (which must refuse `high`)."""
    assert passes(folder, make(low)) and not passes(folder, make(high))
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if passes(folder, make(mid)) else (low, mid)
    return low


@pytest.fixture(scope="module")
def extremes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limits")
    sizes = {
        "fact bands": largest(folder, lambda k: ruleset_text([bands(k, "fact")]), 5, 80),
        "rate bands": largest(folder, lambda k: ruleset_text([bands(k, "rate")]), 5, 80),
        "conditions": largest(folder, lambda k: ruleset_text([conditions(k)]), 5, 600),
        "deductions": largest(folder, lambda k: ruleset_text([deductions(k)]), 5, 600),
        "section items": largest(folder, lambda k: ruleset_text([], section_items=k), 5, 300),
        "gates": largest(folder, lambda k: ruleset_text([UNITS[0]], gates=k), 1, 600),
        "level lines": largest(folder, lambda k: ruleset_text([UNITS[0]], levels=k), 1, 60),
    }
    return folder, sizes


def test_the_limits_found_are_excels(extremes):
    _, sizes = extremes
    assert 55 <= sizes["fact bands"] <= 62 and 55 <= sizes["rate bands"] <= 62  # 64 levels of nesting
    assert 150 <= sizes["section items"] <= 255  # COUNT and SUM: 255 arguments, 8,192 characters
    assert 100 <= sizes["conditions"] <= 255 and 100 <= sizes["deductions"] < 600  # 8,192 characters
    assert sizes["gates"] >= 50 and sizes["level lines"] >= 10


@pytest.mark.libreoffice
def test_every_kind_at_its_extreme_computes_in_libreoffice(extremes):
    require_soffice()
    folder, sizes = extremes
    items = [bands(sizes["fact bands"], "fact"), bands(sizes["rate bands"], "rate"), conditions(sizes["conditions"]),
             deductions(sizes["deductions"]), *UNITS]
    path = folder / "extreme.toml"
    path.write_text(ruleset_text(items, section_items=sizes["section items"], gates=sizes["gates"] // 2,
                                 levels=sizes["level lines"]), encoding="utf-8")
    ruleset = load_ruleset(path)
    rng = random.Random(13)
    cases, files, forms = [], [], Forms(ruleset)  # built once (0.75 s for this rule set), filled per case
    for k in range(12):
        stages = {s.id: {"n": rng.choice([0, 1, 3, 6, 30, 59, 60, 61, 100, 160, 250, rng.randint(0, 700)]),
                         "m": rng.choice([0, 1, 10, 50, 100, rng.randint(0, 300)]), "ok": rng.random() < 0.9}
                  for s in ruleset.stages}
        files.append(forms.write(folder / f"extreme-{k:02d}.xlsx", stages, _no_prior()))
        cases.append(stages)
    forms.check_against_a_fresh_build(files[-1], cases[-1], _no_prior())
    mismatches, compared = [], 0
    for out, stages in zip(recalculate(files, folder / "out"), cases):
        for name, engine, office in engine_and_office(out, ruleset, stages, _no_prior()):
            compared += 1
            if not same(engine, office):
                mismatches.append(f"{out.name} {name}: engine={engine} libreoffice={office!r}")
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared >= 12 * 2 * (len(ruleset.items) + 3)


def _no_prior():
    from fullemp_xl.core.model import PriorTitle

    return PriorTitle()
