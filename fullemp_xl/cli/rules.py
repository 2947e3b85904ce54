"""`fullemp rules list / show / check`."""
from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..core import DEFAULT_RULESET
from ..core.model import number
from .base import Unusable, ZhCommand, ZhGroup
from ..core.jsondoc import document
from .base import argument
from .common import domain_errors, echo_json, format_option


@click.group("rules", cls=ZhGroup)
def rules_group():
    """查看和检查规则集（评分表的机读版本）。"""


@rules_group.command("list", cls=ZhCommand)
@format_option
@domain_errors
def list_command(fmt):
    """列出内置规则集和本机已安装的规则集。"""
    rows = []
    for source, ids in (("内置", api.builtin_rulesets()), ("已安装", api.installed_rulesets())):
        for rule_id in ids:
            rs = api.load_ruleset(rule_id)
            rows.append({"id": rs.id, "version": rs.version, "name": rs.name, "jurisdiction": rs.jurisdiction,
                         "items": len(rs.items), "total": number(rs.total), "provisional": rs.provisional or None,
                         "source": "builtin" if source == "内置" else "installed", "path": str(rs.path)})
    if fmt == "json":
        echo_json(document("rules-list", rulesets=rows, folder=str(api.rules_folder())))
        return
    for row in rows:
        mark = "（评分表为暂用）" if row["provisional"] else ""
        where = "内置" if row["source"] == "builtin" else "已安装"
        click.echo(f"{row['id']:<16} {row['version']:<6} {where:<4} {row['name']}，{row['items']} 项，总分 {row['total']}{mark}")
    click.echo(f"安装的规则集在：{api.rules_folder()}（`fullemp rules install 文件` 安装）")


@rules_group.command("install", cls=ZhCommand)
@argument("file", metavar="文件", type=click.Path(dir_okay=False), help="规则集文件（.toml）。")
@click.option("--force", is_flag=True, help="替换已安装的同名规则集（原文件会备份）。")
@domain_errors
def install_command(file, force):
    """把规则集文件安装到本机，之后按它生成的表格无需再加 --rules。

    先做与 `rules check` 相同的检查，有错误的不安装。安装在当前用户的文件夹（设置环境变量 FULLEMP_RULES_DIR 可指定别处）；
    县区、市里每台要打分、汇总的电脑各安装一次。
    """
    if not Path(file).is_file():
        raise Unusable(f"找不到文件：{file}")
    rule_id, dest, what = api.install_ruleset(Path(file), force=force)
    click.echo(f"{what}：{rule_id} → {dest}")


@rules_group.command("uninstall", cls=ZhCommand)
@argument("rule_id", metavar="规则集", help="本机安装的规则集 id（fullemp rules list 列出）。")
@domain_errors
def uninstall_command(rule_id):
    """删除本机安装的规则集（内置规则集不能删除）。"""
    click.echo(f"已删除：{api.uninstall_ruleset(rule_id)}")


@rules_group.command("show", cls=ZhCommand)
@argument("rule_id", metavar="规则集", help="规则集 id（如 zhangye-2023）或 .toml 文件路径。")
@format_option
@domain_errors
def show_command(rule_id, fmt):
    """显示规则集的评分表、基础数据、门槛和认定层级。"""
    rs = api.load_ruleset(rule_id)
    if fmt == "json":
        echo_json(document(
            "rules-show", id=rs.id, version=rs.version, name=rs.name, source=rs.source, total=number(rs.total),
            provisional=rs.provisional or None,
            stages=[{"id": s.id, "label": s.label} for s in rs.stages],
            sections=[{"id": s.id, "title": s.title, "points": number(s.points),
                       "items": [{"id": i.id, "points": number(i.points), "content": i.content,
                                  "criteria": i.criteria, "reading": i.reading,
                                  **({"kind": i.role, "label": i.shown} if rs.has_parts or i.label else {})}
                                 for i in s.items],
                       **({"kind": s.role, "label": s.shown, "max": number(s.cap)} if rs.has_parts or s.label else {})}
                      for s in rs.sections],
            facts=[{"id": f.id, "label": f.label, "type": f.type, "unit": f.unit} for f in rs.facts.values()],
            gates=[{"id": g.id, "label": g.label} for g in rs.gates],
            levels=[{"min": number(b.min), "title": b.title, "new_title": b.new_title,
                     "recommend": b.recommend or None} for b in rs.levels.bands],
            process=[{"stage": p.id, "name": p.name, "source": p.source,
                      "steps": [{"kind": st.kind, "name": st.name} for st in p.steps]} for p in rs.publication.process],
            official_columns=[{"key": c.key, "header": c.header} for c in api.official_columns(rs)]))
        return
    click.echo(f"{rs.name}（{rs.id} {rs.version}）\n来源：{rs.source}")
    if rs.provisional:
        click.echo(f"【注意】{rs.provisional}")
    click.echo("评分阶段：" + "、".join(s.label for s in rs.stages) + f"；总分 {api.excel_number(rs.total)} 分")
    for section in rs.printed_sections:
        click.echo(f"\n{section.caption}")
        for item in section.items:
            points = " " if item.role == "penalty" and item.cap is None else \
                f"（{'最多扣' if item.role == 'penalty' else ''}{api.excel_number(item.points)}分）"
            click.echo(f"  {item.shown}{points}{item.content}")
            click.echo(f"      评分标准：{item.criteria}")
            if item.reading:
                click.echo(f"      解读：{item.reading}")
    click.echo(f"\n{rs.levels.gates_label if rs.gates else '认定门槛'}：" + ("；".join(g.label for g in rs.gates) or "无"))
    for band in rs.levels.bands:
        click.echo(f"认定层级：{api.excel_number(band.min)}分及以上 → {band.new_title}" + (f"（{band.recommend}）" if band.recommend else ""))
    if rs.levels.reading:
        click.echo(f"口径：{rs.levels.reading}")
    click.echo("\n认定程序：")
    for stage in rs.publication.process:
        click.echo(f"  {stage.name}（{stage.label}" + (f"，{stage.source}" if stage.source else "") + "）："
                   + " → ".join(st.name for st in stage.steps))
    click.echo("汇总表中官员填写的列：" + "、".join(c.header for c in api.official_columns(rs)))


@rules_group.command("check", cls=ZhCommand)
@argument("file", metavar="文件", type=click.Path(dir_okay=False), help="要检查的规则集文件（.toml）。")
@format_option
def check_command(file, fmt):
    """检查规则集文件，逐条说明问题所在的键和原因。退出码：0 无错误，1 有错误。"""
    problem = api.unreadable_ruleset(file)
    if problem:
        raise Unusable(f"{file}：{problem}")
    problems = api.check_ruleset_file(file)
    errors = [p for p in problems if p.severity == "error"]
    if fmt == "json":
        echo_json(document("rules-check", file=file, ok=not errors,
                           problems=[{"key": p.key, "severity": p.severity, "message": p.message} for p in problems]))
    else:
        for p in problems:
            click.echo(str(p))
        click.echo(f"{file}：" + ("检查通过" if not errors else f"{len(errors)} 个错误") +
                   (f"，{len(problems) - len(errors)} 个警告" if len(problems) > len(errors) else ""))
    raise SystemExit(1 if errors else 0)


@rules_group.command("new", cls=ZhCommand)
@click.option("--from", "source", default=DEFAULT_RULESET, show_default=True, metavar="规则集",
              help="以哪个内置规则集为起点。")
@click.option("-o", "--output", "out", required=True, metavar="文件", type=click.Path(dir_okay=False),
              help="新规则集文件（.toml）。")
@click.option("--id", "new_id", default=None, metavar="ID", help="新规则集的 id；默认取文件名，如 jiuquan-2025。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件（原文件先备份）。")
@domain_errors
def new_command(source, out, new_id, force):
    """从内置规则集复制出一个新规则集，作为本地评分表的起点。"""
    path = Path(out)
    if path.exists() and not force:
        raise Unusable(f"{path} 已存在，不予覆盖；换一个文件名，或加 --force（原文件会先备份）")
    rule_id = api.new_ruleset(source, path, new_id or path.stem, force=force)
    click.echo(f"已生成：{path}（id = {rule_id}）")
    click.echo(f"下一步：照录本地评分表，修改后运行 `fullemp rules check {path}`，"
               f"再用 `fullemp templates build --rules {path} -o 模板` 生成模板；"
               f"每台处理这些表格的电脑运行一次 `fullemp rules install {path}`（步骤见 docs/rules.md）。")
