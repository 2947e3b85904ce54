"""The two compilers agree: the engine's results equal what LibreOffice computes from our formulas.

Random base-data sets (drawn to sit on and around every threshold, some cells left blank, random
prior titles) are written into 考评表 of four rule sets — zhangye-2023 (200 files), qiqihar-2022
(its level policy with downgrades and the exemption, 80 files), a three-stage, 85-point rule set
written from the docs (80 files) and another city's 150-point table without gates that uses the
per-unit award with a cap, an over-fulfillable target, shortfall deductions and fractional points
(80 files), a 100-point table with 加分项 (最高加5分) and 扣分项 on the total (扣完为止, 80 files) — plus 40
申报表 with the monthly employment monitor. LibreOffice recalculates them in batches of 40–100 files, one
headless run per batch (pytest-xdist runs the batches side by side), and every formula cell is compared
with the engine.
"""
from __future__ import annotations

import random
import zipfile
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import IDENTITY, ROOT, good_values, make_assessment
from fullemp_xl.engine import formulas
from fullemp_xl.forms import names
from fullemp_xl.forms.book import OpenpyxlBook, locate
from fullemp_xl.builder.build import build_assessment
from fullemp_xl.builder.declaration import build_declaration
from fullemp_xl.forms.fill import assessment_values, fill_form
from fullemp_xl.core.model import PriorTitle
from fullemp_xl.engine.monitor import judge
from fullemp_xl.rules import load_ruleset
from fullemp_xl.engine.scoring import score_stage
from lo_oracle import recalculate, require_soffice

SHARES = [1, Fraction(95, 100), Fraction(9, 10), Fraction(8, 10), Fraction(75, 100), Fraction(7, 10), Fraction(1, 2)]
PLAN = {"zhangye-2023": 200, "qiqihar-2022": 80, str(ROOT / "tests" / "rulesets" / "three-stage-85.toml"): 80,
        str(ROOT / "tests" / "rulesets" / "other-city-150.toml"): 80,
        str(ROOT / "tests" / "rulesets" / "bonus-penalty-100.toml"): 80}
GOOD = {"other-city-150": dict(hall=True, complaints=0, helped=30, task_target=10, task_done=12, training_target=8,
                               trained=8, visits=20, families_helped=3, disabled_total=20, disabled_registered=19,
                               new_jobs=10),
        "bonus-penalty-100": dict(hall=True, staff=2, unemployed=10, reemployed=9, training_target=8, trained=8,
                                  zero_families=3, zero_helped=3, honoured=True, startup_community=True, startups=1,
                                  mass_incident=False, complaints=0, false_report=False)}
OVER = [Fraction(6, 5), Fraction(3, 2), Fraction(119, 100), Fraction(121, 100), 2]  # over-fulfilled targets
MONITOR_FILES = 40


def random_stage(rng: random.Random, ruleset) -> dict:
    """Half the cases: a community meeting every standard with a few facts changed (totals land on
    both sides of each line); the other half drawn freely. Rates sit on and next to the thresholds."""
    good = good_values() if set(ruleset.facts) == set(good_values()) else GOOD.get(ruleset.id)
    base = good if good and rng.random() < 0.5 else None
    values: dict[str, object] = dict(base) if base else {}
    for fact in ruleset.facts.values():
        if base and rng.random() > 0.08:
            continue
        if fact.type == "flag":
            values[fact.id] = rng.random() < 0.8
        elif fact.type == "percent":
            values[fact.id] = rng.choice([0.9, 0.8, 0.85, 0.79, 0.95, rng.randint(0, 100) / 100])
        else:
            values[fact.id] = rng.choice([0, 0, 1, 2, 3, rng.randint(0, 60)])
    for rate in ruleset.rates.values():
        if base and rng.random() > 0.2:
            continue
        den = rng.choice([0, rng.randint(1, 10), 20, 40, 100, rng.randint(1, 400)])
        share = rng.choice(SHARES + [Fraction(rng.randint(0, 100), 100)] + (OVER if rate.may_exceed else []))
        top = 3 * den if rate.may_exceed else den
        values[rate.numerator] = max(0, min(int(den * share) + rng.choice([0, 0, 0, -1, 1]), top))
        values[rate.denominator] = den
    if rng.random() < 0.06:
        values[rng.choice(list(ruleset.facts))] = None
    return values


def random_prior(rng: random.Random, ruleset) -> PriorTitle:
    if rng.random() < 0.35:
        return PriorTitle()
    year = rng.choice([2019, 2020, 2021, 2021, 2022])
    return PriorTitle(rng.choice(ruleset.levels.titles), year)


def expected_cells(ruleset, stage: str, values: dict, prior: PriorTitle) -> dict[str, object]:
    result = score_stage(ruleset, stage, values, prior if prior.title else None)
    out: dict[str, object] = {}
    for item, s in zip(ruleset.items, result.items):
        out[names.score(stage, item)] = s.score
    for section in ruleset.sections:
        out[names.section(stage, section)] = result.sections[section.id]
    out[names.total(stage)] = result.total
    if ruleset.has_parts:
        out[names.base(stage)] = result.base
    if ruleset.gates:
        out[names.gate(stage)] = {True: formulas.PASS, False: formulas.FAIL, None: None}[result.gates_met]
    out[names.level(stage)] = None if result.decision is None else result.decision.level
    for rate in ruleset.rates.values():
        num, den = values.get(rate.numerator), values.get(rate.denominator)
        out[names.rate(stage, rate.id)] = None if num is None or den is None else ("—" if den == 0 else Fraction(num, den))
    return out


def same(engine, office) -> bool:
    if engine is None:
        return office in (None, "")
    if isinstance(engine, Fraction):
        return isinstance(office, (int, float)) and abs(float(engine) - office) < 1e-9
    return engine == office


def office_values(out) -> tuple[dict, dict]:
    """(defined name -> (sheet, cell), (sheet, cell) -> value) of a file LibreOffice saved, read once and read-only:
    a full openpyxl load spends most of its time binding merged cells and styles that the comparison never reads."""
    wb = openpyxl.load_workbook(out, data_only=True, read_only=True)
    try:
        where = OpenpyxlBook(wb, out.name).cells()
        values = {}
        for ws in wb.worksheets:
            ws.reset_dimensions()  # LibreOffice's <dimension> is not trusted: read every row there is
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        values[(ws.title, f"{get_column_letter(c)}{r}")] = value
    finally:
        wb.close()
    return where, values


def office_value(where: dict, values: dict, name: str):
    assert where.get(name) is not None, f"{name} 不是工作簿中一个单元格的名称"
    return values.get(where[name])


def engine_and_office(out, ruleset, stages: dict, prior: PriorTitle):
    """(defined name, the engine's value, LibreOffice's recalculated value) for every formula cell of one form."""
    where, values = office_values(out)
    for stage, stage_values in stages.items():
        for name, engine in expected_cells(ruleset, stage, stage_values, prior).items():
            yield name, engine, office_value(where, values, name)


class Forms:
    """考评表 of one rule set, one per case, as make_assessment writes them but from one build: the form is built
    by our code once and filled anew for each case (building costs three times filling and saving). Every case
    writes the same names, so nothing of one case is left in the next (asserted), and `check_against_a_fresh_build`
    compares a file with make_assessment's, part by part."""

    def __init__(self, ruleset):
        self.ruleset, self.book, self.names = ruleset, None, None

    def write(self, path: Path, stages: dict, prior: PriorTitle) -> Path:
        values = assessment_values(self.ruleset, IDENTITY, stages, prior.title, prior.year)
        if self.book is None:
            self.book, self.names = OpenpyxlBook(build_assessment(self.ruleset), path.name), set(values)
        assert set(values) == self.names, f"这一份写的名称与前几份不同，会留下前一份的数据：{set(values) ^ self.names}"
        fill_form(self.book, values)
        self.book.wb.save(path)
        return path

    def check_against_a_fresh_build(self, path: Path, stages: dict, prior: PriorTitle) -> None:
        fresh = make_assessment(path.with_name(f"fresh-{path.name}"), self.ruleset, stages, prior=(prior.title, prior.year))
        ours, theirs = _parts(path), _parts(fresh)
        assert ours.keys() == theirs.keys()
        different = [name for name in ours if ours[name] != theirs[name] and name != "docProps/core.xml"]  # save time
        assert not different, f"{path.name} differs from a fresh build in {different}"


def _parts(path: Path) -> dict[str, bytes]:
    # openpyxl writes the default outlineLevelCol="0" from a workbook's second save on
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name).replace(b' outlineLevelCol="0"', b"") for name in z.namelist()}


def monitor_case(rng: random.Random, ruleset, path):
    book = OpenpyxlBook(build_declaration(ruleset), path.name)
    months = {}
    for month in range(1, 13):
        if rng.random() < 0.15:
            continue
        active = rng.choice([0, 20, 100, 1000, rng.randint(1, 3000)])
        share = rng.choice([Fraction(95, 100), Fraction(94, 100), 1, Fraction(rng.randint(80, 100), 100)])
        employed = max(0, min(active, int(active * share) + rng.choice([0, 0, -1, 1])))
        months[month] = (employed, active - employed)
        fill_form(book, {names.monitor("employed", month): employed, names.monitor("unemployed", month): active - employed})
    book.wb.save(path)
    return months


# Batches of files, each recalculated in one LibreOffice run by one test: pytest-xdist spreads the batches over
# the workers (one batch of 480 files took a single worker 343 s). Each batch draws its cases from its own seed.
BATCHES = [(rules, part, count // 2) for rules, count in PLAN.items() for part in range(2)]
OUTCOMES = {"zhangye-2023": {"市级充分就业社区", "不予认定", "取消市级充分就业社区资格", None},
            "qiqihar-2022": {"市级充分就业社区", "省级充分就业社区", "国家级充分就业社区", "取消评定资格", "不予评定"},
            "three-stage-85": {"市级充分就业社区", "不予认定"},
            "other-city-150": {"市级充分就业示范社区", "市级充分就业社区", "不予认定"},
            "bonus-penalty-100": {"市级充分就业示范社区", "市级充分就业社区", "不予认定"}}
CELLS_PER_FILE = 30  # formula cells compared per file, at least (22,560 over all batches)


def recalculated_batch(folder, rules: str, part: int, count: int):
    """`count` random 考评表 of one rule set, recalculated by LibreOffice: [(output, (ruleset, stages, prior))]."""
    require_soffice()
    ruleset = load_ruleset(rules)
    rng = random.Random(f"20231004-{ruleset.id}-{part}")
    cases, paths, forms = [], [], Forms(ruleset)
    for k in range(count):
        stages = {s.id: random_stage(rng, ruleset) for s in ruleset.stages}
        prior = random_prior(rng, ruleset)
        paths.append(forms.write(folder / f"{ruleset.id}-{part}-{k:03d}.xlsx", stages, prior))
        cases.append((ruleset, stages, prior))
    forms.check_against_a_fresh_build(paths[-1], *cases[-1][1:])
    return list(zip(recalculate(paths, folder / "out"), cases))


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.parametrize("rules, part, count", BATCHES, ids=[f"{Path(r).stem}-{p}" for r, p, _ in BATCHES])
def test_engine_and_libreoffice_agree_on_every_formula_cell(tmp_path, rules, part, count):
    mismatches, compared = [], 0
    outcomes: set = set()
    batch = recalculated_batch(tmp_path, rules, part, count)
    for out, (ruleset, stages, prior) in batch:
        for name, engine, office in engine_and_office(out, ruleset, stages, prior):
            compared += 1
            if name.startswith("fe_level_"):
                outcomes.add(engine)
            if not same(engine, office):
                mismatches.append(f"{out.name} {name} (prior {prior}): engine={engine} libreoffice={office!r}")
    assert not mismatches, f"{len(mismatches)} of {compared} cells differ:\n" + "\n".join(mismatches[:30])
    assert compared >= CELLS_PER_FILE * count
    # the random data of each batch reached every kind of outcome of its policy
    assert OUTCOMES[batch[0][1][0].id] <= outcomes
    assert unit_line(batch[0][0]) == "单位名称：甘州区　东街街道　南关社区"


def unit_line(out):
    wb = openpyxl.load_workbook(out, data_only=True)
    loc = locate(OpenpyxlBook(wb), names.UNIT_LINE)
    return wb[loc.sheet][loc.cell].value


@pytest.mark.libreoffice
def test_monitor_formulas_agree(tmp_path):
    require_soffice()
    qiqihar = load_ruleset("qiqihar-2022")
    rng = random.Random(20231004)
    cases, paths = [], []
    for k in range(MONITOR_FILES):
        path = tmp_path / f"monitor-{k:03d}.xlsx"
        cases.append((qiqihar, monitor_case(rng, qiqihar, path)))
        paths.append(path)
    mismatches, judged = [], 0
    for out, (ruleset, months) in zip(recalculate(paths, tmp_path / "out"), cases):
        where, values = office_values(out)
        for month in range(1, 13):
            employed, unemployed = months.get(month, (None, None))
            result = judge(ruleset.monitor, month, employed, unemployed)
            rate = office_value(where, values, names.monitor("rate", month))
            ok = office_value(where, values, names.monitor("ok", month))
            if employed is None:
                expected_rate, expected_ok = None, None
            elif result.rate is None:
                expected_rate, expected_ok = "—", "—"
            else:
                expected_rate, expected_ok = result.rate, "是" if result.met else "否"
                judged += 1
            if not (same(expected_rate, rate) and same(expected_ok, ok)):
                mismatches.append(f"{out.name} {month}月: engine={expected_rate},{expected_ok} libreoffice={rate!r},{ok!r}")
    assert not mismatches, "\n".join(mismatches[:30])
    assert judged > 300
