"""The buttons of the 充分就业 ribbon tab: 填报, 校验, 打分, 清除标记.

Each `*_book(book)` takes an xlwings Book (live Excel or xlwings' remote engine), finds our fields
by defined name, touches only cells that are ours, is idempotent, and returns the Chinese message
it showed. The zero-argument functions at the end are the RunPython entry points of the classic
add-in (`RunPython "import fullemp_xl.excel.handlers as h; h.score()"`).
"""
from __future__ import annotations

import json

from .. import api
from ..core.model import SEVERITY_LABEL
from ..errors import UnusableFile

TITLE = "充分就业社区"
INPUT_PREFIXES = ("fe_county", "fe_street", "fe_community", "fe_prior_", "fe_basic_info", "fe_work_info",
                  "fe_opinion_street", "fe_opinion_county", "fe_opinion_city", "fe_date_", "fe_mon_employed_",
                  "fe_mon_unemployed_", "fe_ledger_path", "fe_fill_stage")
FORMULA_PREFIXES = ("fe_score_", "fe_section_", "fe_total_", "fe_gate_", "fe_level_", "fe_rate_", "fe_unit_line",
                    "fe_mon_total_", "fe_mon_rate_", "fe_mon_ok_")


def _alert(book, text: str) -> str:
    try:
        book.app.alert(text, title=TITLE)
    except Exception:  # an engine without message boxes: the message is still returned
        pass
    return text


def _guard(fn):
    """Our own errors become a message box, never a traceback in front of an official."""
    def wrapper(book, *args, **kwargs):
        try:
            return fn(book, *args, **kwargs)
        except api.NotOurWorkbook as exc:
            return _alert(book, f"{exc.message}")
        except (UnusableFile, api.RuleSetError) as exc:
            return _alert(book, str(getattr(exc, "message", exc)))
        except Exception as exc:  # a bug of ours: say so plainly, never a traceback in front of an official
            return _alert(book, f"程序内部错误（{type(exc).__name__}：{exc}）。工作簿未被改动的部分保持原样；"
                                "请把工作簿和操作步骤发给维护人员。")
    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper


# assess.marking.fill_record of builder.style's INPUT_FILL, FORMULA_FILL and of no fill (a test keeps them equal);
# the templates print without shading, so all three are "no fill"
NO_FILL_RECORD = {"pattern": None, "fg": {"type": "rgb", "value": "00000000", "tint": 0.0},
                  "bg": {"type": "rgb", "value": "00000000", "tint": 0.0}}
INPUT_RECORD = FORMULA_RECORD = NO_FILL_RECORD


def template_fill(book):
    """The fill a template gave each of our cells: what a mark replaces (the remote engine cannot read colours)."""
    by_cell = {where: name for name, where in book.cells().items() if where}

    def original(sheet, cell):
        name = by_cell.get((sheet, cell), "")
        if name.startswith(FORMULA_PREFIXES):
            return FORMULA_RECORD
        if name.startswith(INPUT_PREFIXES) or (name.startswith("fe_") and name.count("_") >= 2
                                               and not name.startswith(("fe_reason_", "fe_opinion_", "fe_note_", "fe_meta_"))):
            return INPUT_RECORD
        return NO_FILL_RECORD

    return original


def _clear(book, xb) -> list[dict]:
    """Undo 校验's marks; returns their records (what each marked cell looked like before)."""
    result_sheet, record_col, _, _ = api.mark_layout()
    if result_sheet not in [s.name for s in book.sheets]:
        return []
    sheet = book.sheets[result_sheet]
    column = sheet.used_range.options(ndim=2).value
    col = record_col - sheet.used_range.column
    rows = [r[col] for r in column[1:]] if 0 <= col < len(column[0]) else []
    records = api.mark_records(rows)
    for rec in records:
        if rec["sheet"] not in [s.name for s in book.sheets]:
            continue
        xb.lift(rec["sheet"])
        rng = book.sheets[rec["sheet"]][rec["cell"]]
        rng.color = api.mark_colour(rec)
        if not rec.get("kept_note") and rng.note is not None:
            rng.note.delete()
    sheet.delete()
    return records


@_guard
def clear_book(book) -> str:
    """清除标记: remove exactly what 校验 added (colours, notes, the 校验结果 sheet)."""
    xb = api.excel_book(book)
    result_sheet = api.mark_layout()[0]
    sheet = result_sheet in [s.name for s in book.sheets]
    with xb.editing():
        n = len(_clear(book, xb))
    if n:
        return _alert(book, f"已清除 {n} 处校验标记和“{result_sheet}”工作表。")
    if sheet:  # a clean 校验 marks no cell but adds its sheet
        return _alert(book, f"已删除“{result_sheet}”工作表（没有标记的单元格）。")
    return _alert(book, "没有需要清除的校验标记。")


@_guard
def validate_book(book) -> str:
    """校验: colour and annotate each finding's cell and write a 校验结果 sheet linking to them."""
    xb = api.excel_book(book)
    findings = api.check_book(xb)
    with xb.editing():
        text = _mark(book, xb, findings)
    if not xb.reads_formulas:
        text += ("\n注意：在这里（Excel 网页版或 xlwings Server）读不到公式，没有检查公式是否被改动；"
                 "请在桌面版 Excel 中点“校验”，或用命令 fullemp validate 检查。")
    return _alert(book, text)


def _original_fill(xb, earlier: list[dict]):
    """What a mark replaces: the earlier mark's record, else the cell's own fill (desktop), else the template's."""
    recorded = {(r["sheet"], r["cell"]): r["fill"] for r in earlier}
    template = template_fill(xb)

    def original(sheet, cell):
        return recorded.get((sheet, cell)) or xb.fill_record(sheet, cell) or template(sheet, cell)

    return original


def _mark(book, xb, findings) -> str:
    earlier = _clear(book, xb)
    result_sheet, record_col, title_rows, fills = api.mark_layout()
    sheets = [s.name for s in book.sheets]
    p = api.mark_plan(xb, findings, set(sheets), _original_fill(xb, earlier))
    for (sheet, cell, colour, text), record in zip(p.cells, p.records):
        xb.lift(sheet)
        rng = book.sheets[sheet][cell]
        rng.color = "#" + colour
        if rng.note is None:
            rng.add_note(text)
        else:  # someone's own note: keep it, the message is in the 校验结果 sheet
            rec = json.loads(record)
            rec["kept_note"] = True
            p.records[p.records.index(record)] = json.dumps(rec, ensure_ascii=False)
    results = book.sheets.add(result_sheet, after=book.sheets[len(sheets) - 1])
    results["A1"].value = p.rows
    results[f"{api.column_letter(record_col)}1"].value = [["fullemp 恢复记录（请勿修改）"]] + [[r] for r in p.records]
    results[f"{api.column_letter(record_col)}:{api.column_letter(record_col)}"].column_width = 0
    for row, f in enumerate(findings, start=title_rows + 1):
        results[f"B{row}"].color = "#" + fills[f.severity]
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    summary = "，".join(f"{n} 个{SEVERITY_LABEL[s]}" for s, n in counts.items() if n) or "未发现问题"
    return f"校验完成：{summary}。有问题的单元格已标色并加批注，详见“{result_sheet}”工作表。"


@_guard
def score_book(book) -> str:
    """打分: the engine's reasons for lost points and the decision, written into their cells."""
    xb = api.excel_book(book)
    meta = api.book_meta(xb)
    if meta.form == api.DECLARATION:
        report = api.monitor_book(xb)
        mon = report["monitor"]
        below = "、".join(f"{m}月" for m in mon["below"]) or "无"
        return _alert(book, f"{mon['label']}：已填 {mon['filled']} 个月，未达到 {mon['percent']}% 的月份：{below}。")
    card = api.assess_book(xb)
    ruleset = api.load_ruleset(card.ruleset)
    with xb.editing():  # restoring a formula writes into a locked cell
        changes = api.write_results(xb, card, ruleset)
    final = card.final
    if final is None or final.decision is None:
        text = "基础数据未填完或有误，暂不能认定。请先点“校验”查看问题。"
    else:
        label = ruleset.stage(final.stage).label
        score = api.score_text(final, ruleset)
        text = f"{label}{score}：{final.decision.level}。{final.decision.reason}"
    if changes:
        text += f"\n已恢复 {len(changes)} 个被改动的公式。"
    return _alert(book, text)


@_guard
def fill_book(book, ledger_path: str | None = None, stage: str | None = None) -> str:
    """填报: count base data from the ledger named in the workbook (基础数据 › 台账文件) or given."""
    xb = api.excel_book(book)
    meta = api.book_meta(xb)
    ruleset = api.load_ruleset(meta.ruleset)
    if meta.form not in (api.ASSESSMENT, api.DECLARATION):
        raise api.NotOurWorkbook(book.name, "填报只用于考评表和申报表")
    if ledger_path is None:
        ledger_path = api.ledger_path_in(xb)
    if not ledger_path:
        return _alert(book, "请先在“基础数据”工作表的“台账文件”一格填写台账文件的完整路径（如 D:\\台账\\南关社区台账.xlsx），再点“填报”。")
    if stage is None:
        chosen = api.fill_stage_in(xb)
        stage = next((s.id for s in ruleset.stages if s.label == chosen), ruleset.stages[0].id)
    with xb.editing():
        result = api.fill_book(xb, ledger_path, stage=stage)
    errors = sum(f.severity == "error" for f in result.findings)
    text = f"已从台账（{result.rows} 人）填入 {len(result.counted) or len(result.months)} 项数据到“{ruleset.stage(stage).label}”列。"
    if errors:
        text += f"\n台账有 {errors} 个问题（用命令 fullemp fill 可看到带行号的清单）。"
    return _alert(book, text)


# ---------------------------------------------------------------- RunPython entry points (classic add-in)
def _caller():
    import xlwings as xw

    return xw.Book.caller()


def fill() -> None:
    fill_book(_caller())


def validate() -> None:
    validate_book(_caller())


def score() -> None:
    score_book(_caller())


def clear() -> None:
    clear_book(_caller())
