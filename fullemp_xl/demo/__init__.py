"""`fullemp demo`: the whole job on bundled sample data, into a folder a person can open."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..assess import files
from ..assess import pipeline
from ..forms import names
from ..forms.book import OpenpyxlBook, locate
from ..builder.build import build_assessment
from ..builder.templates import build_templates
from ..forms.fill import assessment_values, fill_form
from ..core.filenames import safe_filename
from ..rules import load_ruleset
from ..writing.files import save_atomically
from ..builder.lists import FIRST_DATA_ROW, build_ledger, build_registry
from ..core.idnumber import check_digit
from ..errors import UnusableFile
from ..merge.run import merge
from ..registry import distribute


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


def write_sample_ledger(path: Path, ruleset) -> Path:
    """The bundled sample ledger as a real 台账.xlsx (fictional people, valid-format ID numbers)."""
    data = tomllib.loads((resources.files("fullemp_xl") / "samples" / "ledger.toml").read_text(encoding="utf-8"))
    wb = build_ledger(ruleset)
    for row, value in zip((3, 4, 5), data["community"]):
        wb["单位信息"][f"B{row}"] = value
    ws = wb["台账"]
    order = [c.id for c in ruleset.ledger.columns]
    n = 0
    for group in data["groups"]:
        for _ in range(group["count"]):
            n += 1
            born = dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
            first = f"620702{born:%Y%m%d}{n % 1000:03d}"
            person = {**group, "name": f"示例{n:03d}", "id_number": first + check_digit(first)}
            for col, key in enumerate(order, start=1):
                value = person.get(key)
                ws.cell(FIRST_DATA_ROW + n - 1, col, "是" if value is True else value)
    save_atomically(wb, path, backup=False)
    return path


def write_sample_registry(path: Path, ruleset, communities: list[dict]) -> Path:
    wb = build_registry(ruleset)
    ws = wb["社区名册"]
    # the year the registry is for, in its title as `registry next` writes it: the merge's 评分年度 comes from it
    ws["A1"].value = f"{ruleset.jurisdiction}充分就业社区名册（{dt.date.today().year}年）"
    rows = [(c["county"], c["street"] or "城关镇", c["community"], None, c.get("prior_title"), c.get("prior_year"))
            for c in communities]
    for k, row in enumerate(rows):
        for col, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(FIRST_DATA_ROW + k, col, value)
    save_atomically(wb, path, backup=False)
    return path


DEMO_FOLDER = re.compile(r"^(模板|\d+-.+)$")  # 模板, 0-分发, 1-提交的考评表, …: what the demo makes
MARKER = ".fullemp-demo"


def prepare_folder(out_dir: Path) -> None:
    """An empty folder, or one an earlier demo made (its products are made again); never someone's own files."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UnusableFile(out_dir, "这是一个文件，不是文件夹：请给出演示的输出文件夹")
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).exists():
            raise UnusableFile(out_dir, "文件夹不是空的：演示只写入空文件夹或以前的演示文件夹，请换一个文件夹")
        for entry in out_dir.iterdir():
            if entry.is_dir() and DEMO_FOLDER.match(entry.name):
                shutil.rmtree(entry, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text("fullemp demo\n", encoding="utf-8")


def run_demo(out_dir: Path) -> list[DemoResult]:
    prepare_folder(out_dir)
    data = sample_data()
    ruleset = load_ruleset(data["ruleset"])
    build_templates(ruleset, out_dir / "模板")
    registry = write_sample_registry(out_dir / "0-分发" / "社区名册.xlsx", ruleset,
                                     data["communities"] + data.get("registry_only", []))
    distribute(registry, ruleset, out_dir / "0-分发")
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
        card, _, _ = files.write_scores(submission, out=scored)
        marked = out_dir / "3-校验标记" / f"{stem}.xlsx"
        findings, _, _ = files.mark_file(submission, out=marked)
        final = card.final
        level = final.decision.level if final and final.decision else "暂不能认定（数据有误）"
        total = pipeline.number_text(final.total) if final else "—"
        results.append(DemoResult(c["community"], c["note"], submission, scored, marked, level, total,
                                  sum(f.severity == "error" for f in findings),
                                  sum(f.severity == "warning" for f in findings)))
    return results


def run_ledger_demo(out_dir: Path):
    """Fill 南关社区's distributed 考评表 from the bundled sample ledger; returns the fill result and paths."""
    ruleset = load_ruleset(sample_data()["ruleset"])
    ledger = write_sample_ledger(out_dir / "4-台账填报" / "南关社区-台账.xlsx", ruleset)
    form = out_dir / "0-分发" / "甘州区" / "东街街道-南关社区-考评表.xlsx"
    filled = out_dir / "4-台账填报" / "南关社区-考评表（自评已按台账填报）.xlsx"
    result, _, _ = files.fill_file(form, ledger, out=filled)
    return result, ledger, filled


@dataclass(frozen=True)
class MergeDemo:
    inputs: Path
    summary: Path
    result: object  # merge.run.MergeResult


def run_merge_demo(out_dir: Path) -> MergeDemo:
    """The counties' submissions as they arrive at the city — a folder per county, a zip from Windows with
    GBK names, a re-submission, a damaged file, an Excel owner file — merged against the registry."""
    submitted = sorted((out_dir / "1-提交的考评表").glob("*.xlsx"))
    inbox = out_dir / "5-汇总" / "县区报送"
    if inbox.exists():
        shutil.rmtree(inbox)
    by_county: dict[str, list[Path]] = {}
    for path in submitted:
        by_county.setdefault(path.stem.split("-")[1], []).append(path)
    for county, paths in by_county.items():
        if county == "临泽县":  # sent as a zip made by Windows' "send to compressed folder": GBK names
            inbox.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(inbox / f"{county}报送.zip", "w", zipfile.ZIP_DEFLATED) as zf:
                for path in paths:
                    _gbk_member(zf, f"{county}/{path.name}", path.read_bytes())
            continue
        folder = inbox / county
        folder.mkdir(parents=True, exist_ok=True)
        for path in paths:
            shutil.copy2(path, folder / path.name)
        for declaration in (out_dir / "0-分发" / county).glob("*-申报表.xlsx"):  # the 申报表 come along
            if any(declaration.name.split("-")[-2] in p.name for p in paths):
                shutil.copy2(declaration, folder / declaration.name)
    gz = inbox / "甘州区"
    first = next(gz.glob("01-*.xlsx"))
    (gz / f"~${first.name}").write_bytes(b"Excel owner file")  # someone has it open
    resubmitted = gz / first.name.replace("考评表", "考评表（补报）")
    scored = out_dir / "2-打分结果" / first.name  # the county re-scored it and sent it again, later
    shutil.copy2(scored, resubmitted)
    damaged = inbox / "高台县" / "城关社区-照片说明.xlsx"
    damaged.write_bytes(first.read_bytes()[:3000])  # cut off in transit
    summary = out_dir / "5-汇总" / "汇总表.xlsx"
    result = merge([inbox], summary, registry=out_dir / "0-分发" / "社区名册.xlsx", force=True, jobs=2)
    return MergeDemo(inbox, summary, result)


def _gbk_member(zf, name: str, data: bytes) -> None:
    """A zip member named as Windows' "send to compressed folder" names it: GBK bytes, no UTF-8 flag."""
    class GBKInfo(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):
            return name.encode("gbk"), self.flag_bits & ~0x800

    info = GBKInfo(name, date_time=(2026, 11, 20, 9, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)
