"""The after-certification policies of a rule set: subsidy, coverage targets, public notices, the review process.

[subsidy], [[coverage]], [publication] and [[process]] are read here (the scoring vocabulary lives in kinds.py);
they feed the merge's eligibility and statistics columns and the published documents.
"""
from __future__ import annotations

import re
from fractions import Fraction

from ..core.model import (PROCESS_STAGES, STEP_KINDS, CoverageTarget, ProcessStage, Publication, Step,
                          SubsidyPolicy)

EXCLUDE_FLAGS = {"national_subsidy": "已享受国家级补助", "provincial_subsidy": "已享受省级补助"}
PUBLISHERS = {"county": "县（区）", "city": "市"}


def parse_subsidy(parser, raw, titles: tuple[str, ...]) -> SubsidyPolicy | None:
    if raw is None:
        return None
    where = "subsidy"
    if not isinstance(raw, dict):
        parser.problem(where, "[subsidy] 应为表")
        return None
    parser.unknown_keys(raw, {"amount", "titles", "payer", "fund", "exclude", "exclude_reason", "report_by",
                              "report_to", "source"}, where)
    amount = parser.number(raw, "amount", where)
    if amount <= 0:
        parser.problem(f"{where}.amount", "补助金额应为正数（元）")
    funded = tuple(raw.get("titles") or titles[:1])
    for title in funded:
        if title not in titles:
            parser.problem(f"{where}.titles", f"称号“{title}”不在 [levels] 的 titles 中")
    exclude = tuple(raw.get("exclude") or ())
    for flag in exclude:
        if flag not in EXCLUDE_FLAGS:
            parser.problem(f"{where}.exclude", f"“{flag}”不是名册中的补助标记（可用：{'、'.join(EXCLUDE_FLAGS)}）")
    report_by = str(raw.get("report_by", ""))
    if report_by and not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", report_by):
        parser.problem(f"{where}.report_by", "report_by 应写成“月-日”，如 \"12-20\"")
    return SubsidyPolicy(
        amount=amount, titles=funded, payer=parser.text(raw, "payer", where), fund=parser.text(raw, "fund", where),
        exclude=exclude, exclude_reason=parser.text(raw, "exclude_reason", where, required=bool(exclude)),
        report_by=report_by, report_to=parser.text(raw, "report_to", where, required=bool(report_by)),
        source=parser.text(raw, "source", where, required=False))


def parse_coverage(parser, raw) -> tuple[CoverageTarget, ...]:
    out = []
    for n, table in enumerate(raw or []):
        where = f"coverage[{n}]"
        if not isinstance(table, dict):
            parser.problem(where, "[[coverage]] 应为表：year、percent、label")
            continue
        parser.unknown_keys(table, {"year", "percent", "label"}, where)
        year = table.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
            parser.problem(f"{where}.year", "year 应为四位年份")
            year = 0
        percent = parser.number(table, "percent", where)
        if not 0 < percent <= 100:
            parser.problem(f"{where}.percent", "percent 应在 0 到 100 之间")
        out.append(CoverageTarget(year, percent, parser.text(table, "label", where)))
    years = [t.year for t in out]
    if years != sorted(years):
        parser.problem("coverage", "覆盖率目标应按年份由早到晚排列")
    return tuple(out)


def parse_publication(parser, raw, process_raw=None) -> Publication:
    """[publication] and the [[process]] it follows: who publishes a 公示 are the stages with a notice step."""
    process = parse_process(parser, process_raw)
    where = "publication"
    if raw is not None and not isinstance(raw, dict):
        parser.problem(where, "[publication] 应为表")
        raw = None
    raw = raw or {}
    parser.unknown_keys(raw, {"notice_days", "stages", "source"}, where)
    days = raw.get("notice_days", 5)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 60:
        parser.problem(f"{where}.notice_days", "notice_days 应为 1 到 60 的整数（工作日）")
        days = 5
    stages = tuple(raw.get("stages") or ())
    for stage in stages:
        if stage not in PUBLISHERS:
            parser.problem(f"{where}.stages", f"“{stage}”不是公示的层级（可用：{'、'.join(PUBLISHERS)}）")
    if process:
        publishers = tuple(s.id for s in process if s.has("notice"))
        if stages and stages != publishers:
            parser.problem(f"{where}.stages", f"stages = {list(stages)} 与 [[process]] 中有公示（notice）步骤的层级 "
                                              f"{list(publishers)} 不一致：删去 stages（它由 [[process]] 决定）")
        stages = publishers
    source = parser.text(raw, "source", where, required=False)
    return Publication(days, stages or ("county", "city"), source, process)


def parse_process(parser, raw) -> tuple[ProcessStage, ...]:
    """[[process]]: the review process stage by stage (county, then city), each step named as the document names it.

    The summary's officials' columns follow from it (an inspection, a notice per stage that publishes one, the
    certification); the steps without a column (初审, 推荐, 公告 …) are shown by `rules show` and the summary's notes."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        parser.problem("process", "[[process]] 应为表的数组：每个层级（county、city）一个")
        return ()
    out: list[ProcessStage] = []
    for n, table in enumerate(raw):
        where = f"process[{n}]"
        if not isinstance(table, dict):
            parser.problem(where, "[[process]] 应为表：stage、name、source、steps")
            continue
        parser.unknown_keys(table, {"stage", "name", "source", "steps"}, where)
        stage = table.get("stage")
        if stage not in PROCESS_STAGES:
            parser.problem(f"{where}.stage", f"stage 应为 {' 或 '.join(PROCESS_STAGES)}（县区、市级），不是“{stage}”")
            continue
        if any(s.id == stage for s in out):
            parser.problem(f"{where}.stage", f"层级“{stage}”写了两次")
            continue
        steps = []
        raw_steps = table.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            parser.problem(f"{where}.steps", "steps 应为步骤的列表，如 [{ kind = \"inspection\", name = \"实地考察\" }]")
            raw_steps = []
        for k, step in enumerate(raw_steps):
            at = f"{where}.steps[{k}]"
            if not isinstance(step, dict):
                parser.problem(at, "每个步骤应为表：kind、name")
                continue
            parser.unknown_keys(step, {"kind", "name"}, at)
            kind = step.get("kind")
            if kind not in STEP_KINDS:
                parser.problem(f"{at}.kind", f"“{kind}”不是程序步骤（可用：{'、'.join(STEP_KINDS)}）")
                continue
            name = parser.text(step, "name", at)
            if name and len(name) > 8:
                parser.problem(f"{at}.name", f"步骤名称“{name}”太长：写文件中的简称（最多 8 个字），如 实地考察、公示")
            if any(s.kind == kind for s in steps):
                parser.problem(f"{at}.kind", f"{PROCESS_STAGES[stage]}的“{kind}”步骤写了两次")
                continue
            steps.append(Step(kind, name))
        out.append(ProcessStage(stage, parser.text(table, "name", where), tuple(steps),
                                parser.text(table, "source", where, required=False)))
    _check_process(parser, tuple(out))
    return tuple(out)


def _check_process(parser, process: tuple[ProcessStage, ...]) -> None:
    """What the summary and the documents need of a process (its columns and the order of its stages)."""
    ids = [s.id for s in process]
    if ids and ids != [i for i in PROCESS_STAGES if i in ids]:
        parser.problem("process", "层级应按县区（county）在前、市级（city）在后的顺序写")
    city = next((s for s in process if s.id == "city"), None)
    if city is None:
        parser.problem("process", "缺少市级（stage = \"city\"）：认定由市里作出")
    elif not city.has("certify"):
        parser.problem("process", "市级缺少认定（kind = \"certify\"）步骤：汇总表的“最终认定”列由它而来")
    if sum(s.has("inspection") for s in process) != 1:
        parser.problem("process", "实地考察（kind = \"inspection\"）应在且只在一个层级：汇总表的实地考察列由它而来")
    if not any(s.has("notice") for s in process):
        parser.problem("process", "至少一个层级应有公示（kind = \"notice\"）步骤")
    for stage in process:
        kinds = [s.kind for s in stage.steps]
        if stage.id != "county" and "recommend" in kinds:
            parser.problem("process", f"{stage.label}不能有推荐（recommend）步骤：推荐是县区向市里推荐")
        if stage.id != "city" and ({"certify", "announce"} & set(kinds)):
            parser.problem("process", f"{stage.label}不能有认定或公告（certify、announce）步骤：它们由市里作出")
        if "announce" in kinds and "certify" in kinds and kinds.index("announce") < kinds.index("certify"):
            parser.problem("process", f"{stage.label}的公告（announce）应在认定（certify）之后")
        if "recommend" in kinds and kinds[-1] != "recommend":
            parser.problem("process", f"{stage.label}的推荐（recommend）应是本层级的最后一步")


def coverage_target(targets: tuple[CoverageTarget, ...], year: int) -> CoverageTarget | None:
    """The target in force for `year`: the first whose year is not before it (the plan's milestones)."""
    return next((t for t in targets if t.year >= year), targets[-1] if targets else None)


def amount_text(amount: Fraction) -> str:
    return f"{float(amount):,.2f}"
