"""`fullemp score` and `fullemp validate`."""
from __future__ import annotations

import click

from .. import api, pipeline
from ..model import worst_exit_code
from ..rules import load_ruleset
from ..textreport import findings_summary, score_card
from .base import ZhCommand
from .common import check_output_choice, domain_errors, echo_json, format_option, output_options, rules_option


@click.command("score", cls=ZhCommand)
@click.argument("file", metavar="文件", type=click.Path(dir_okay=False))
@rules_option
@format_option
@click.option("--write", is_flag=True, help="把扣分说明、认定意见写入工作簿，并恢复被改成常数的公式。")
@output_options
@domain_errors
def score_command(file, rules, fmt, write, out, in_place):
    """重新计算考评表的每一项得分、合计、基本条件和认定结论。

    分数一律由基础数据重新计算，不采信工作簿里缓存的公式结果。
    退出码：0 无错误，1 工作簿有错误，2 文件或参数无法使用。
    """
    if write:
        check_output_choice(out, in_place, what="--write ")
        card, changes, backup = api.write_scores(file, out=out, in_place=in_place, rules=rules)
    else:
        if out or in_place:
            check_output_choice(None, None, what="只有加 --write 才会写入工作簿；")
        card, changes, backup = api.score_file(file, rules), [], None
    ruleset = load_ruleset(rules or card.ruleset)
    if fmt == "json":
        data = pipeline.card_json(card, ruleset)
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


@click.command("validate", cls=ZhCommand)
@click.argument("file", metavar="文件", type=click.Path(dir_okay=False))
@rules_option
@format_option
@click.option("--mark", is_flag=True, help="在工作簿中把有问题的单元格标色、加批注，并添加“校验结果”工作表。")
@output_options
@domain_errors
def validate_command(file, rules, fmt, mark, out, in_place):
    """校验考评表或申报表，列出全部问题（位置、字段、说明）。

    退出码：0 无错误（可有警告），1 有错误，2 文件或参数无法使用。
    """
    backup = None
    if mark:
        check_output_choice(out, in_place, what="--mark ")
        findings, cells, backup = api.mark_file(file, out=out, in_place=in_place, rules=rules)
    else:
        if out or in_place:
            check_output_choice(None, None, what="只有加 --mark 才会写入工作簿；")
        findings = api.validate_file(file, rules)
    if fmt == "json":
        counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
        echo_json({"file": file, "summary": counts, "findings": [f.as_json() for f in findings],
                   "marked": str(out or file) if mark else None, "backup": str(backup) if backup else None})
    else:
        click.echo(f"{file}：{findings_summary(findings)}")
        for f in findings:
            click.echo(f"  {f.line()}")
        if mark:
            click.echo(f"已标记 {cells} 个单元格，写入：{out or file}" + (f"（原文件备份为 {backup}）" if backup else ""))
    raise SystemExit(worst_exit_code(findings))
