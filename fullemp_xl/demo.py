"""`fullemp demo`: the whole job on bundled sample data, into a folder a person can open."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from . import api, pipeline
from .forms import names
from .forms.book import OpenpyxlBook, locate
from .forms.build import build_assessment, build_templates
from .forms.fill import assessment_values, fill_form
from .paths import safe_filename
from .rules import load_ruleset
from .safe_io import save_atomically


@dataclass(frozen=True)
class DemoResult:
    community: str
    note: str
    submission: Path
    scored: Path
    marked: Path
    level: str
    total: str
    errors: int
    warnings: int


def sample_data() -> dict:
    text = (resources.files("fullemp_xl") / "samples" / "demo.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def run_demo(out_dir: Path) -> list[DemoResult]:
    data = sample_data()
    ruleset = load_ruleset(data["ruleset"])
    build_templates(ruleset, out_dir / "模板")
    results = []
    for k, c in enumerate(data["communities"], start=1):
        stages = {s.id: {**data["base"], **c.get(s.id, {})} for s in ruleset.stages}
        identity = {"县（区）": c["county"], "街道（乡镇）": c["street"], "社区": c["community"]}
        book = OpenpyxlBook(build_assessment(ruleset), "")
        fill_form(book, assessment_values(ruleset, identity, stages))
        if "overwrite_score" in c:
            spec = c["overwrite_score"]
            loc = locate(book, names.score(spec["stage"], ruleset.item(spec["item"])))
            book.write(loc.sheet, loc.cell, spec["value"])
        stem = safe_filename(f"{k:02d}-{c['county']}-{c['community']}-考评表")
        submission = out_dir / "1-提交的考评表" / f"{stem}.xlsx"
        submission.parent.mkdir(parents=True, exist_ok=True)
        save_atomically(book.wb, submission, backup=False)
        scored = out_dir / "2-打分结果" / f"{stem}.xlsx"
        card, _, _ = api.write_scores(submission, out=scored)
        marked = out_dir / "3-校验标记" / f"{stem}.xlsx"
        findings, _, _ = api.mark_file(submission, out=marked)
        final = card.final
        level = final.decision.level if final and final.decision else "暂不能认定（数据有误）"
        total = pipeline.number_text(final.total) if final else "—"
        results.append(DemoResult(c["community"], c["note"], submission, scored, marked, level, total,
                                  sum(f.severity == "error" for f in findings),
                                  sum(f.severity == "warning" for f in findings)))
    return results
