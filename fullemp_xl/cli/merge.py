"""`fullemp merge`: every county's submissions into one summary workbook."""
from __future__ import annotations

import shutil
import sys

import click

from .. import api
from .base import Unusable, ZhCommand
from .base import argument
from .common import domain_errors, echo_json, format_option, rules_option

class _Progress:
    """A progress bar on stderr when someone is watching; silent for scripts and --quiet."""

    def __init__(self, quiet: bool):
        self.bar = None
        self.quiet = quiet or not sys.stderr.isatty()
        self.bad = 0

    def start(self, total: int) -> None:
        if self.quiet or total < 2:
            return
        from tqdm import tqdm

        width = min(shutil.get_terminal_size((100, 20)).columns, 120)  # a terminal that reports no size gets 100
        self.bar = tqdm(total=total, unit="个", desc="汇总", file=sys.stderr, ncols=width,
                        bar_format="{desc} {bar} {n_fmt}/{total_fmt} 个文件 [{elapsed}，剩余 {remaining}]{postfix}")

    def step(self, result) -> None:
        if self.bar is None:
            return
        if api.is_quarantined(result):
            self.bad += 1
            self.bar.set_postfix_str(f"无法使用 {self.bad} 个", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@click.command("merge", cls=ZhCommand)
@argument("paths", nargs=-1, metavar="路径…", type=click.Path(),
          help="各县区提交的文件夹、单个文件或 .zip 压缩包，可以给多个。")
@click.option("-o", "--output", "out", metavar="汇总表", type=click.Path(dir_okay=False), default=None,
              help="汇总表文件（.xlsx）。已是汇总表时重新汇总：保留官员填写的列，旧文件先备份。")
@click.option("--registry", metavar="名册", type=click.Path(dir_okay=False), default=None,
              help="社区名册：列出未提交和名册外的社区，原有称号和补助情况以名册为准。")
@rules_option
@click.option("--year", type=int, metavar="年度", default=None, help="评分年度，默认今年。")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N", default=None, help="同时读取的进程数，默认为 CPU 核数。")
@format_option
@click.option("--quiet", is_flag=True, help="不显示进度条。")
@click.option("--refresh", "refresh_path", metavar="汇总表", type=click.Path(dir_okay=False), default=None,
              help="按汇总表中记录的来源重新读取，写回同一个汇总表（保留官员填写的列）。")
@click.option("--force", is_flag=True, help="-o 指向的已有文件不是汇总表时也覆盖（先备份）。")
@click.option("--county", metavar="县区", default=None,
              help="县（区）自己的汇总：只汇总这个县（区）的表格和名册中的社区，其他县（区）的表格列出、不汇总。")
@domain_errors
def merge_command(paths, out, registry, rules, year, jobs, fmt, quiet, refresh_path, force, county):
    """汇总：把各县区提交的考评表、申报表（文件夹、单个文件、.zip 压缩包均可）汇总成一个汇总表。

    每个社区的每项得分、合计、基本条件和认定结论都按规则集由基础数据重新计算，表内记录的分数只用来比对；
    无法读取的文件列入“问题清单”，其余照常汇总，输入文件不会被改动。

    \b
    fullemp merge 甘州区/ -o 甘州区汇总表.xlsx --registry 社区名册.xlsx --county 甘州区
    fullemp merge 甘州区/ 临泽县.zip -o 汇总表.xlsx --registry 社区名册.xlsx
    fullemp merge --refresh 汇总表.xlsx

    县（区）汇总表（--county）放在县（区）的文件夹中一并报送时，市里的汇总会采用其中的实地考察和县（区）公示结果；
    县（区）未推荐的社区（不符合、有异议或未填）以县（区）汇总表为准，不列入市级公示。

    \b
    退出码：0 无错误，1 有无法使用的文件或有错误的表格，2 路径或参数无法使用。
    """
    progress = _Progress(quiet or fmt == "json")
    try:
        if refresh_path:
            if paths or out or registry or rules or county:
                raise Unusable("--refresh 按汇总表中记录的来源、名册和规则集重新汇总，不能再给路径、-o、--registry 或 --rules")
            result = api.refresh(refresh_path, jobs=jobs, progress=progress.step, started=progress.start)
        else:
            if not paths:
                raise Unusable("请给出要汇总的文件夹、工作簿或 .zip 压缩包，以及 -o 汇总表.xlsx")
            if not out:
                raise Unusable("请用 -o 指定汇总表文件，如 -o 汇总表.xlsx")
            result = api.merge(list(paths), out, registry=registry, rules=rules, year=year, jobs=jobs, force=force,
                               progress=progress.step, started=progress.start, county=county)
    finally:
        progress.close()
    if fmt == "json":
        echo_json(api.merge_report(result, fmt="json", refreshed=refresh_path or None))
    else:
        click.echo(api.merge_report(result))
    raise SystemExit(result.exit_code)
