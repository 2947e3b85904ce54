"""`fullemp templates build`."""
from __future__ import annotations

from pathlib import Path

import click

from ..forms.build import ASSESSMENT, DECLARATION, build_templates
from ..rules import load_ruleset
from .base import Unusable, ZhCommand, ZhGroup
from .common import domain_errors


@click.group("templates", cls=ZhGroup)
def templates_group():
    """生成空白模板（考评表、申报表）。"""


def _filled(path: Path) -> bool:
    """Whether an existing file at a template path holds someone's data (then we do not overwrite it)."""
    from ..forms.book import OpenpyxlBook
    from ..forms.reader import NotOurWorkbook, read_meta
    from ..safe_io import UnusableFile, load_workbook

    try:
        book = OpenpyxlBook(load_workbook(path), path.name)
        read_meta(book)
    except (UnusableFile, NotOurWorkbook):
        return True
    inputs = [n for n in book.cells() if not n.startswith(("fe_meta_", "fe_score_", "fe_section_", "fe_total_",
                                                            "fe_gate_", "fe_level_", "fe_rate_", "fe_unit"))]
    for name in inputs:
        where = book.cells()[name]
        if where and book.read(*where) not in (None, ""):
            return True
    return False


@templates_group.command("build", cls=ZhCommand)
@click.option("--rules", default="zhangye-2023", show_default=True, metavar="规则集", help="规则集 id 或 .toml 文件路径。")
@click.option("-o", "--output", "out_dir", metavar="文件夹", type=click.Path(file_okay=False), default="templates", show_default=True,
              help="输出文件夹。")
@click.option("--force", is_flag=True, help="即使目标文件已填有数据也覆盖。")
@domain_errors
def build_command(rules, out_dir, force):
    """按规则集生成考评表.xlsx 和申报表.xlsx。

    已存在且填有数据的同名文件不会被覆盖（除非加 --force）。
    """
    ruleset = load_ruleset(rules)
    out = Path(out_dir)
    for form in (ASSESSMENT, DECLARATION):
        target = out / f"{form}.xlsx"
        if target.exists() and not force and _filled(target):
            raise Unusable(f"{target} 已存在且填有数据，不予覆盖；换一个输出文件夹，或加 --force")
    for path in build_templates(ruleset, out):
        click.echo(f"已生成：{path}")
