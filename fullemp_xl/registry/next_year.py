"""Next year's 社区名册 from this year's summary: the yearly loop registry → forms → summary → registry.

Each community's title and its year follow this year's decisions (summary.status.standing, the same reading
the documents use): new titles and downgrades take this year; a title kept at a yearly review keeps its
year, a re-certification (齐齐哈尔, every two years) takes this year; below the threshold, a failed
inspection or 不予认定 revokes it. 张掖 第十条: 撤销 → removed; 合并 → kept and marked for the city's check;
更名 → kept under the new name with its title. Registry communities that submitted nothing (the
summary's 未提交) are kept as they were, marked when their review was due. The layout is the one
`fill --registry` reads (builder.lists.REGISTRY_COLUMNS), plus a 说明 column it ignores.
"""
from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

from ..forms import names
from ..builder.build import NO_TITLE
from ..builder.lists import FIRST_DATA_ROW, REGISTRY_COLUMNS, build_registry
from ..summary.model import RegistryEntry, normalise_name
from ..summary.status import standing
from ..core.model import RuleSet, score_name
from ..writing.text import put_text
from ..summary.load import load_summary
from ..writing.files import write_output

NOTE_HEADER = "变动说明（据上一年度的认定结果）"


@dataclass(frozen=True)
class NextEntry(RegistryEntry):
    """A community of next year's registry: its 原有称号 and 取得年份 as they stand after this year, and why."""

    note: str = ""


@dataclass
class NextRegistry:
    ruleset: RuleSet
    year: int  # the year the registry is for (the summary's year + 1)
    entries: list[NextEntry] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # decisions not complete: the file is written, exit 1


def _score(value) -> str:
    if value is None:
        return "未算出"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _due(rs: RuleSet, prior_year: int | None, year: int) -> bool:
    return prior_year is None or year - prior_year >= rs.levels.recertify_every_years


def _title_after(rs: RuleSet, row, st, year: int) -> tuple[str, int | None, str, str]:
    """(title, year, note, warning) for a community that submitted this year."""
    held = row.prior_title if row.prior_title in rs.levels.titles else ""
    label = f"{row.county} {row.street} {row.community}"
    if row.change == "免于评定":
        return held, row.prior_year, f"{year}年免于评定，称号保留", ""
    if st.certified:
        if row.level != held:
            what = f"由{held}降为{row.level}" if held and row.change == "降级" else f"认定为{row.level}"
            return row.level, year, f"{year}年{what}", ""
        if rs.levels.recertify_every_years > 1 and _due(rs, row.prior_year, year):
            return row.level, year, f"{year}年重新认定", ""
        return row.level, row.prior_year or year, f"{year}年复查合格", ""
    if row.eligible and not st.excluded:
        why = f"{year}年认定未完成（{st.step}）"
        note = f"{why}，原称号暂保留" if held else why
        return held, row.prior_year, note, f"{label}：{why}：请在汇总表中填完决定后重新生成"
    if held:
        reason = st.excluded or f"{score_name(rs)}{_score(row.total)}分，{row.level or '不符合认定条件'}"
        return "", None, f"{year}年取消原“{held}”称号（{reason}）", ""
    return "", None, "", ""


def next_registry(summary) -> NextRegistry:
    rs, year = summary.ruleset, summary.year
    out = NextRegistry(rs, year + 1)
    out.warnings += summary.problems  # summary.check: the same problems every command reports (exit 1)
    entries = []
    for row in summary.rows:
        st = standing(row, rs.publication)
        d = row.decisions
        label = f"{row.county} {row.street} {row.community}"
        if d.civil == "撤销":
            out.removed.append(f"{label}：民政部门撤销，直接退出（第十条）")
            continue
        title, since, note, warning = _title_after(rs, row, st, year)
        if warning:
            out.warnings.append(warning)
        notes = [note] if note else []
        name = row.community
        if d.civil == "更名":
            if d.new_name:
                name = d.new_name
                notes.append(f"原名“{row.community}”，{year}年更名，以新名称保留称号（第十条）")
            else:
                out.warnings.append(f"{label}：“民政变动”为更名，但“变更后名称”未填：按原名列入")
                notes.append("已更名，但汇总表未填新名称")
        elif d.civil == "合并":
            notes.append(f"{year}年合并：由市人社部门对合并后的社区核查（第十条）")
        if row.in_registry is False:
            notes.append(f"{year}年提交时不在名册中，已加入")
        entries.append(NextEntry(row.county, row.street, name, row.code, title, since, row.national_subsidy,
                                 row.provincial_subsidy, note="；".join(notes)))
    for e in summary.missing or []:
        held = e.prior_title if e.prior_title in rs.levels.titles else ""
        note = ""
        if held and _due(rs, e.prior_year, year):
            note = f"{year}年未提交考评表，应复查的原称号待核实"
            out.warnings.append(f"{e.county} {e.street} {e.community}：{note}")
        elif held:
            note = f"{year}年未到重新认定年份"
        entries.append(NextEntry(e.county, e.street, e.community, e.code, held, e.prior_year if held else None,
                                 e.national_subsidy, e.provincial_subsidy, note=note))
    if summary.missing is None:
        out.warnings.append("汇总时没有提供社区名册（--registry）：没有提交考评表的社区不在新名册中，请补充")
    due_every = rs.levels.recertify_every_years
    for k, e in enumerate(entries):
        if e.prior_title and due_every > 1 and _due(rs, e.prior_year, out.year):
            mark = f"{out.year}年须重新认定（每{due_every}年一次）"
            entries[k] = NextEntry(**{**e.__dict__, "note": "；".join(p for p in (e.note, mark) if p)})
    order = {normalise_name(c): k for k, c in enumerate(dict.fromkeys(e.county for e in entries))}
    out.entries = sorted(entries, key=lambda e: (order[normalise_name(e.county)], normalise_name(e.street),
                                                 normalise_name(e.community)))
    seen: dict[tuple, str] = {}
    for e in out.entries:
        blank = [label for label, value in (("县（区）", e.county), ("街道（乡镇）", e.street), ("社区", e.community)) if not value]
        if blank:
            out.warnings.append(f"{e.county} {e.street} {e.community}：{'、'.join(blank)}未填，fill --registry 不会为它生成表格："
                                "请在新名册中补上")
        key = (normalise_name(e.county), normalise_name(e.street), normalise_name(e.community))
        if key in seen:
            out.warnings.append(f"{e.county} {e.street} {e.community}：新名册中出现两次（更名后与另一个社区同名？）")
        seen[key] = e.community
    return out


def _text(ws, row: int, col: int, value) -> None:
    put_text(ws.cell(row, col), value)  # text from the summary stays text, never a formula


def _flag_text(value: bool | None) -> str:
    """是 / 否, or 待核实 when this year's registry did not say (read back as not known, never as 否)."""
    return "待核实" if value is None else ("是" if value else "否")


def registry_workbook(nxt: NextRegistry):
    """The registry template of the rule set, filled: the layout `fill --registry` reads."""
    wb = build_registry(nxt.ruleset)
    ws = wb[names.REGISTRY_SHEET]
    ws["A1"].value = f"{nxt.ruleset.jurisdiction}充分就业社区名册（{nxt.year}年）"
    head = FIRST_DATA_ROW - 1
    note_col = len(REGISTRY_COLUMNS) + 1
    template = ws.cell(head, note_col - 1)
    note = ws.cell(head, note_col)
    note.value = NOTE_HEADER
    note.font, note.alignment, note.fill, note.border = copy(template.font), copy(template.alignment), copy(template.fill), copy(template.border)
    ws.column_dimensions[note.column_letter].width = 48
    for merged in [m for m in ws.merged_cells.ranges if m.min_row < head and m.max_col == note_col - 1]:
        ws.unmerge_cells(merged.coord)  # the title and the note above the table span the 变动说明 column too
        ws.merge_cells(start_row=merged.min_row, start_column=merged.min_col, end_row=merged.max_row, end_column=note_col)
    for r, e in enumerate(nxt.entries, start=FIRST_DATA_ROW):
        values = {"county": e.county, "street": e.street, "community": e.community, "code": e.code,
                  "prior_title": e.prior_title or NO_TITLE, "prior_year": e.prior_year if e.prior_title else None,
                  "national_subsidy": _flag_text(e.national_subsidy), "provincial_subsidy": _flag_text(e.provincial_subsidy)}
        for col, (key, _, _) in enumerate(REGISTRY_COLUMNS, start=1):
            _text(ws, r, col, values[key] if values[key] != "" else None)
        _text(ws, r, note_col, e.note or None)
    return wb


def write_next_registry(summary_path, out, *, force: bool = False) -> NextRegistry:
    summary = load_summary(summary_path)
    nxt = next_registry(summary)
    wb = registry_workbook(nxt)
    write_output(Path(out), wb.save, force=force, inputs=[Path(summary_path)])
    return nxt
