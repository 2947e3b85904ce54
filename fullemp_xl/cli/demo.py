"""`fullemp demo`."""
from __future__ import annotations

from pathlib import Path

import click

from .. import api
from .base import ZhCommand
from .common import domain_errors


@click.command("demo", cls=ZhCommand)
@click.option("-o", "--output", "out_dir", metavar="文件夹", type=click.Path(file_okay=False), default="fullemp-demo", show_default=True,
              help="演示结果的输出文件夹。")
@click.option("--pdf", is_flag=True, help="同时把文书转成 PDF（需要 LibreOffice）。")
@domain_errors
def demo_command(out_dir, pdf):
    """演示：用内置示例数据走一遍完整流程，结果放在一个文件夹里。

    依次生成模板、按名册分发、从台账填报、校验、打分、汇总，生成公示、认定公告、补助资金明细和下一年度的名册，并按新名册分发下一年度的表格。"""
    out = Path(out_dir)
    click.echo(f"正在生成演示（输出到 {out}）……")
    results = api.run_demo(out)
    click.echo(f"\n· 分发：按社区名册为每个社区生成预填的申报表、考评表：{out / '0-分发'}")
    for r in results:
        state = f"{r.errors} 个错误，{r.warnings} 个警告" if r.errors or r.warnings else "无问题"
        click.echo(f"\n· {r.community}：{r.note}")
        click.echo(f"  结论：{r.level}（合计 {r.total} 分）；校验：{state}")
        click.echo(f"  提交：{r.submission}\n  打分：{r.scored}\n  标记：{r.marked}")
    fill, ledger, filled = api.run_ledger_demo(out)
    click.echo(f"\n· 台账填报：从示例台账（{fill.rows} 人）数出 {len(fill.counted)} 项基础数据，写入南关社区考评表的自评列，"
               f"每项附计算说明（行号，不含姓名和身份证号）")
    click.echo(f"  台账：{ledger}\n  结果：{filled}")
    merged = api.run_merge_demo(out)
    r = merged.result
    click.echo(f"\n· 汇总：各县区报送的文件（按县区分的文件夹、Windows 压缩的 .zip、一份补报、一个损坏的文件）与社区名册对照，"
               f"{r.communities} 个社区，符合认定条件 {r.eligible} 个；重复提交 {len(r.duplicates)} 处，"
               f"无法使用 {len(r.quarantined)} 个文件，名册中未提交 {len(r.missing or [])} 个")
    heads = "".join(f"“{c.header}”" for c in api.official_columns(api.load_summary(merged.summary).ruleset) if c.choices)
    click.echo(f"  报送：{merged.inputs}\n  汇总表：{merged.summary}（官员在{heads}等列填写后，"
               f"`fullemp merge --refresh` 重新汇总会保留这些内容）")
    _documents(out, merged.summary, pdf)
    click.echo(f"\n模板：{out / '模板'}")
    click.echo("用 Excel、WPS 或 LibreOffice 打开上面的文件查看；分数由表内公式自动计算。")


def _documents(out: Path, summary: Path, pdf: bool) -> None:
    def progress(done, total, path):
        click.echo(f"  PDF {done}/{total}：{path.name}", err=True)

    docs = api.run_documents_demo(summary, out / "6-文书", pdf=pdf, progress=progress)
    if docs.county_summaries:
        click.echo(f"\n· 县区汇总：各县区用 `fullemp merge … --county 本县区` 汇总本县区的表格，在自己的汇总表中填写县区实地考察、"
                   f"县区公示异议，县区公示由它生成（第六条：县区考察、公示后推荐到市）：{docs.county_summaries[0].parent}")
    click.echo(f"\n· 文书：像官员那样在汇总表中填写实地考察、公示异议、最终认定（{docs.summary.name}），发文机关信息为示例"
               f"（{docs.profile.name}），由县区汇总表生成县区公示，由市级汇总表生成市级公示、认定公告、补助资金明细"
               f"（Word{'、PDF' if pdf else ''}，按 GB/T 9704 排版）：")
    for path in [*docs.documents, *docs.pdfs, *docs.sheets]:
        click.echo(f"  {path}")
    for note in docs.notes:
        click.echo(f"  未生成：{note}")
    click.echo(f"\n· 下一年度：由本年度的决定生成社区名册 {docs.registry}，并按它分发下一年度的表格（原有称号已填好）：{docs.forms}")
