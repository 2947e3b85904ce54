"""`fullemp registry next`: next year's 社区名册 from this year's summary."""
from __future__ import annotations

import click

from .. import api
from .base import EXIT_CLEAN, EXIT_FINDINGS, ZhCommand, ZhGroup
from ..core.jsondoc import document
from .base import argument
from .common import domain_errors, echo_json, format_option


@click.group("registry", cls=ZhGroup)
def registry_group():
    """社区名册：由本年度的汇总表生成下一年度的名册。"""


@registry_group.command("next", cls=ZhCommand)
@argument("summary", metavar="汇总表", type=click.Path(dir_okay=False), help="本年度的汇总表（.xlsx），其中的决定列已填写。")
@click.option("-o", "--output", "out", metavar="文件", type=click.Path(dir_okay=False), required=True,
              help="下一年度的社区名册（.xlsx），可直接用于 fullemp fill --registry。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件（原文件先备份）。")
@format_option
@domain_errors
def next_command(summary, out, force, fmt):
    """下一年度的社区名册：原有称号和取得年份按本年度的决定更新（新认定、降级、取消、复查），
    民政撤销的退出、合并的标注待核查、更名的以新名称保留称号；齐齐哈尔每两年重新认定的，标注到期年份。

    \b
    退出码：0 已生成，1 已生成但有决定未填完（原称号暂保留，见说明列），2 文件或参数无法使用。
    """
    nxt = api.next_registry(summary, out, force=force)
    titled = sum(1 for e in nxt.entries if e.prior_title)
    if fmt == "json":
        echo_json({**document("registry-next", file=str(summary), output=str(out)), "year": nxt.year,
                   "communities": len(nxt.entries), "with_title": titled,
                   "entries": [{"county": e.county, "street": e.street, "community": e.community, "code": e.code,
                                "title": e.prior_title, "year": e.prior_year, "note": e.note} for e in nxt.entries],
                   "removed": nxt.removed, "warnings": nxt.warnings})
    else:
        click.echo(f"{nxt.year}年社区名册：{len(nxt.entries)} 个社区，其中有称号的 {titled} 个 → {out}")
        for line in nxt.removed:
            click.echo(f"  退出：{line}")
        changed = [e for e in nxt.entries if e.note]
        for e in changed:
            click.echo(f"  {e.county} {e.street} {e.community}：{e.note}")
        if nxt.warnings:
            click.echo("需要核对：")
            for w in nxt.warnings:
                click.echo(f"  {w}")
    raise SystemExit(EXIT_FINDINGS if nxt.warnings else EXIT_CLEAN)
