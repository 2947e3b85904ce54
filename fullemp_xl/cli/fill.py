"""`fullemp fill`: forms for every community of a registry, or base data from a real-name ledger."""
from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..core.jsondoc import document, findings_json
from ..core.model import worst_exit_code
from .textreport import findings_summary
from .base import Unusable, ZhCommand
from .base import argument
from .common import check_output_choice, domain_errors, echo_json, format_option, progress_bar, rules_option


@click.command("fill", cls=ZhCommand)
@argument("form", metavar="[表格]", required=False, type=click.Path(dir_okay=False),
          help="台账模式：要填入基础数据的考评表或申报表；按名册分发时不给。")
@click.option("--registry", metavar="名册", type=click.Path(dir_okay=False), help="社区名册：为其中每个社区生成预填的申报表和考评表。")
@click.option("--ledger", metavar="台账", type=click.Path(dir_okay=False), help="实名制台账：数出基础数据写入表格。")
@click.option("--as", "stage", metavar="阶段", default=None, help="台账数据填入哪一列（自评 self 或考评 assessed），默认第一列。")
@rules_option
@format_option
@click.option("--force", is_flag=True, help="名册模式：连已填写过的表格也重新生成（原表格先备份）；台账模式：-o 的文件已存在时也覆盖（先备份）。")
@click.option("-o", "--output", "out", metavar="输出", type=click.Path(), default=None,
              help="名册模式：输出文件夹；台账模式：写到新文件（不改动原文件，已存在时不覆盖）。")
@click.option("--in-place", is_flag=True, help="台账模式：直接写回原表格（先做备份，原子替换）。")
@domain_errors
def fill_command(form, registry, ledger, stage, rules, fmt, force, out, in_place):
    """填报：按社区名册分发预填表格，或从实名制台账数出基础数据。

    \b
    fullemp fill --registry 社区名册.xlsx -o 分发 [--rules zhangye-2023]
    fullemp fill 考评表.xlsx --ledger 台账.xlsx [--as self|assessed] (-o 新文件 | --in-place)
    fullemp fill 申报表.xlsx --ledger 台账.xlsx (-o 新文件 | --in-place)   # 按月就业率监测

    \b
    退出码：0 无错误，1 名册或台账有错误（其余照常生成），2 文件或参数无法使用。
    """
    if registry:
        if form or ledger:
            raise Unusable("--registry 与 表格/--ledger 不能同时使用")
        if not out or in_place:
            raise Unusable("名册模式需要 -o 输出文件夹")
        with progress_bar("生成表格") as bar:
            result = api.distribute(registry, Path(out), rules=rules, force=force, planned=bar.plan, progress=bar.update)
        if fmt == "json":
            echo_json(document("fill-registry", file=registry, output=str(out), communities=result.communities,
                               written=[str(p) for p in result.written], unchanged=[str(p) for p in result.unchanged],
                               kept=[str(p) for p in result.kept], findings=findings_json(result.findings, registry)))
        else:
            same = f"，{len(result.unchanged)} 个与已有文件相同未改写" if result.unchanged else ""
            click.echo(f"名册中 {result.communities} 个社区：生成 {len(result.written)} 个文件{same}，输出到 {out}")
            for path in result.kept:
                click.echo(f"  已填写过，未覆盖：{path}")
            if result.findings:
                click.echo(f"名册：{findings_summary(result.findings)}")
                for f in result.findings:
                    click.echo(f"  {f.line()}")
        raise SystemExit(worst_exit_code(result.findings))
    if not form or not ledger:
        raise Unusable("请给出要填的表格和 --ledger 台账，或用 --registry 名册")
    check_output_choice(out, in_place, what="填报")
    result, ruleset, backup = api.fill_file(form, ledger, stage=stage, out=out, in_place=in_place, rules=rules, force=force)
    if fmt == "json":
        data = api.fill_json(result, ruleset, form, ledger)
        data["written"], data["backup"] = str(out or form), str(backup) if backup else None
        echo_json(data)
    else:
        click.echo(f"台账 {ledger}：{result.rows} 人")
        for fact, counted in result.counted.items():
            value = ("是" if counted.value else "否") if isinstance(counted.value, bool) else counted.value
            click.echo(f"  {ruleset.facts[fact].label}（{ruleset.stage(result.stage).label}）= {value}")
        for month, (employed, unemployed) in result.months.items():
            click.echo(f"  {month}月：从业 {employed}，失业 {unemployed}")
        click.echo(f"已写入：{out or form}" + (f"（原文件备份为 {backup}）" if backup else ""))
        if result.by_hand:
            click.echo(f"台账数不出、仍要手工填写的 {len(result.by_hand)} 项（{ruleset.stage(result.stage).label}列）：")
            for fact in result.by_hand:
                click.echo(f"  {ruleset.facts[fact].label}")
        if result.findings:
            click.echo(f"台账：{findings_summary(result.findings)}")
            for f in result.findings:
                click.echo(f"  {f.line()}")
    raise SystemExit(worst_exit_code(result.findings))
