"""`fullemp score` and `fullemp validate`."""
from __future__ import annotations

import click

from fractions import Fraction

from .. import api
from ..core.jsondoc import document, findings_json
from ..core.model import worst_exit_code
from .textreport import findings_summary, score_card
from .base import Unusable, ZhCommand
from .base import argument
from .common import check_output_choice, domain_errors, echo_json, format_option, output_options, rules_option


@click.command("score", cls=ZhCommand)
@argument("file", metavar="文件", type=click.Path(dir_okay=False), help="考评表或申报表（.xlsx 或 .xlsm）。")
@rules_option
@format_option
@click.option("--write", is_flag=True, help="把扣分说明、认定意见写入工作簿，并恢复被改成常数的公式。")
@output_options
@domain_errors
def score_command(file, rules, fmt, write, out, in_place, force):
    """重新计算考评表的每一项得分、合计、基本条件和认定结论。

    分数一律由基础数据重新计算，不采信工作簿里缓存的公式结果。
    对含“就业率监测”的申报表，计算每月经济活动人口就业率并列出未达标的月份。

    \b
    退出码：0 无错误，1 工作簿有错误，2 文件或参数无法使用。
    """
    if api.form_of(file) == api.DECLARATION:
        if write or out or in_place or force:
            raise Unusable("申报表没有可写回的打分结果；--write 只用于考评表")
        report_monitor(api.monitor_file(file, rules), fmt)
        return
    if write:
        check_output_choice(out, in_place, what="--write ")
        card, changes, backup = api.write_scores(file, out=out, in_place=in_place, rules=rules, force=force)
    else:
        if out or in_place:
            check_output_choice(None, None, what="只有加 --write 才会写入工作簿；")
        card, changes, backup = api.score_file(file, rules), [], None
    ruleset = api.load_ruleset(rules or card.ruleset)
    if fmt == "json":
        data = api.score_json(card, ruleset, file)
        data["restored"] = changes
        data["written"] = str(out) if out else (file if in_place else None)
        data["backup"] = str(backup) if backup else None
        echo_json(data)
    else:
        click.echo(score_card(card, ruleset))
        for line in changes:
            click.echo(f"  {line}")
        if write:
            click.echo(f"已写入：{out or file}" + (f"（原文件备份为 {backup}）" if backup else ""))
    raise SystemExit(worst_exit_code(card.findings))


def report_monitor(report: dict, fmt: str) -> None:
    findings = report.pop("_findings")
    if fmt == "json":
        echo_json(report)
    else:
        mon = report["monitor"]
        if report["ruleset"]["provisional"]:
            click.echo(f"【注意】{report['ruleset']['provisional']}")
        click.echo(f"{report['file']}：{mon['label']}按月监测（标准 {mon['percent']}%）")
        for m in mon["months"]:
            if m["rate"] is None:
                shown = "未填" if m["employed"] is None or m["unemployed"] is None else "无经济活动人口"
                click.echo(f"  {m['month']:>2}月  {shown}")
            else:
                state = "达标" if m["met"] else "未达标"
                click.echo(f"  {m['month']:>2}月  从业 {m['employed']}，失业 {m['unemployed']}，就业率 {api.percent_text(Fraction(m['employed'], m['employed'] + m['unemployed']))}  {state}")
        below = "、".join(f"{m}月" for m in mon["below"]) or "无"
        click.echo(f"已填 {mon['filled']} 个月；未达标的月份：{below}")
        if findings:
            click.echo(f"校验：{findings_summary(findings)}")
            for f in findings:
                click.echo(f"  {f.line()}")
    raise SystemExit(worst_exit_code(findings))


def unmark_text(file, out, done) -> str:
    """What --unmark did, truthfully: a clean --mark left a 校验结果 sheet and no marked cell."""
    if not done.changed:
        return f"{file}：没有校验标记，也没有“校验结果”工作表，" + ("文件未改动" if not out else f"原样写入：{out}")
    what = "、".join(filter(None, [f"{done.cells} 处校验标记" if done.cells else "",
                                   "“校验结果”工作表" if done.sheet else ""]))
    where = f"写入：{out}" if out else f"已写回：{file}"
    return f"已清除{what}，{where}" + (f"（原文件备份为 {done.backup}）" if done.backup else "")


@click.command("validate", cls=ZhCommand)
@argument("file", metavar="文件", type=click.Path(dir_okay=False), help="要校验的考评表或申报表（.xlsx 或 .xlsm）。")
@rules_option
@format_option
@click.option("--mark", is_flag=True, help="在工作簿中把有问题的单元格标色、加批注，并添加“校验结果”工作表。")
@click.option("--unmark", is_flag=True, help="撤销上次 --mark 添加的颜色、批注和“校验结果”工作表（不校验）。")
@output_options
@domain_errors
def validate_command(file, rules, fmt, mark, unmark, out, in_place, force):
    """校验考评表或申报表，列出全部问题（位置、字段、说明）。

    退出码：0 无错误（可有警告），1 有错误，2 文件或参数无法使用。
    """
    backup = None
    if unmark:
        if mark:
            raise Unusable("--mark 与 --unmark 只能选一个")
        check_output_choice(out, in_place, what="--unmark ")
        done = api.unmark_file(file, out=out, in_place=in_place, force=force)
        backup = done.backup
        if fmt == "json":
            written = None if in_place and backup is None else str(out or file)
            echo_json(document("unmark", file=file, cleared=done.cells, written=written,
                               backup=str(backup) if backup else None))
        else:
            click.echo(unmark_text(file, out, done))
        return
    if mark:
        check_output_choice(out, in_place, what="--mark ")
        findings, cells, backup = api.mark_file(file, out=out, in_place=in_place, rules=rules, force=force)
    else:
        if out or in_place:
            check_output_choice(None, None, what="只有加 --mark 才会写入工作簿；")
        findings = api.validate_file(file, rules)
    if fmt == "json":
        counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
        echo_json(document("validate", file=file, summary=counts, findings=findings_json(findings, file),
                           marked=cells if mark else None, written=str(out or file) if mark else None,
                           backup=str(backup) if backup else None))
    else:
        click.echo(f"{file}：{findings_summary(findings)}")
        for f in findings:
            click.echo(f"  {f.line()}")
        if mark:
            click.echo(f"已标记 {cells} 个单元格，写入：{out or file}" + (f"（原文件备份为 {backup}）" if backup else ""))
    raise SystemExit(worst_exit_code(findings))
