"""`fullemp templates build`."""
from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..core import DEFAULT_RULESET
from .base import Unusable, ZhCommand, ZhGroup
from .common import domain_errors


@click.group("templates", cls=ZhGroup)
def templates_group():
    """生成空白模板：考评表、申报表、社区名册、实名制台账（Excel），公示、认定公告、补助资金明细（Word）。"""


@templates_group.command("build", cls=ZhCommand)
@click.option("--rules", default=DEFAULT_RULESET, show_default=True, metavar="规则集", help="规则集 id 或 .toml 文件路径。")
@click.option("-o", "--output", "out_dir", metavar="文件夹", type=click.Path(file_okay=False), default="templates", show_default=True,
              help="输出文件夹。")
@click.option("--force", is_flag=True, help="即使目标文件已填有数据也覆盖。")
@domain_errors
def build_command(rules, out_dir, force):
    """按规则集生成考评表、申报表、社区名册和实名制台账模板（.xlsx），以及公示、认定公告、补助资金明细的 Word 模板（.docx）。

    已存在且填有数据的同名文件不会被覆盖（除非加 --force）；已存在的 Word 模板（可能是改过的）也不覆盖。
    """
    ruleset = api.load_ruleset(rules)
    out = Path(out_dir)
    for form in (api.ASSESSMENT, api.DECLARATION, "社区名册", "台账"):
        target = out / f"{form}.xlsx"
        if target.exists() and not force and api.holds_data(target):
            raise Unusable(f"{target} 已存在且填有数据，不予覆盖；换一个输出文件夹，或加 --force")
    for path in api.build_templates(ruleset, out):
        click.echo(f"已生成：{path}")
    written, kept = api.write_document_templates(out, force=force)
    for path in written:
        click.echo(f"已生成：{path}")
    for path in kept:
        click.echo(f"已存在，未覆盖：{path}" + ("" if force else "（加 --force 重新生成）"))
    if not _installed(ruleset):
        click.echo(f"提示：规则集 {ruleset.id} 不是内置的，也没有安装在本机。按这些模板填写的表格，打分、校验、汇总时都要用到它："
                   f"请在每台处理这些表格的电脑上（包括本机）运行一次 `fullemp rules install {rules}`，之后就不必再加 --rules。")


def _installed(ruleset) -> bool:
    """Whether later commands will find this rule set by the id its forms record (the same content)."""
    if ruleset.id in api.builtin_rulesets():
        return True
    return ruleset.id in api.installed_rulesets() and api.load_ruleset(ruleset.id).digest == ruleset.digest
