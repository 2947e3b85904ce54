"""`fullemp notice`, `fullemp announce`, `fullemp subsidy`: the published documents, from the summary."""
from __future__ import annotations

import datetime as dt
import functools

import click

from .. import api
from ..core.jsondoc import document
from .base import EXIT_CLEAN, EXIT_FINDINGS, Unusable, ZhCommand
from .base import argument
from .common import domain_errors, echo_json, format_option

SUMMARY = argument("summary", metavar="汇总表", type=click.Path(dir_okay=False),
                   help="merge 生成的汇总表（.xlsx），其中的决定列由官员填写。")


class DateType(click.ParamType):
    name = "日期"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"“{value}”不是日期，应写成 2026-12-07", param, ctx)


DATE = DateType()


def document_options(fn):
    """Template, issuing office, PDF and overwrite options shared by the three documents."""
    options = [
        click.option("--template", metavar="模板", type=click.Path(dir_okay=False), default=None,
                     help="用自己修改过的 Word 模板（.docx，标签见 README）；默认用内置模板。"),
        click.option("--profile", metavar="文件", type=click.Path(dir_okay=False), default=None,
                     help="发文机关信息文件；默认为汇总表旁边的 发文机关.toml。"),
        click.option("--office", metavar="名称", default=None, help="发文机关名称（覆盖信息文件）。"),
        click.option("--doc-prefix", metavar="代字", default=None, help="发文字号的机关代字，如 张人社公告。"),
        click.option("--number", metavar="序号", default=None, help="发文字号的序号，如 3（得到 张人社公告〔2026〕3号）。"),
        click.option("--contact", metavar="联系人", default=None, help="联系人。"),
        click.option("--phone", metavar="电话", default=None, help="联系电话。"),
        click.option("--address", metavar="地址", default=None, help="通信地址。"),
        click.option("--postcode", metavar="邮编", default=None, help="邮政编码。"),
        click.option("--email", metavar="邮箱", default=None, help="电子邮箱。"),
        click.option("--date", "signing", metavar="日期", type=DATE, default=None, help="成文日期，如 2026-12-21（公示默认为开始日期，其他文书默认取发文机关信息的 date）。"),
        click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转换为 PDF（多个文件并行转换）。"),
        click.option("--jobs", metavar="N", type=click.IntRange(1, 64), default=None, help="同时启动的 LibreOffice 个数，默认 1（所有文件一次启动转换）。"),
        click.option("--force", is_flag=True, help="覆盖已存在的文件（原文件先备份）。"),
        click.option("--quiet", is_flag=True, help="不显示进度。"),
        format_option,
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def document_errors(fn):
    """The documents' own errors: Chinese messages, exit 2 (unusable) or 1 (nothing to publish)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        unusable, nothing = api.document_errors()
        try:
            return fn(*args, **kwargs)
        except unusable as exc:
            raise Unusable(str(exc)) from None
        except nothing as exc:
            click.echo(f"未生成：{exc}", err=True)
            raise SystemExit(EXIT_FINDINGS) from None
    return domain_errors(wrapper)


def _settings(kw: dict) -> dict:
    """The documents' settings (api's keywords) out of the command's options."""
    office = {k: kw.pop(k) for k in ("office", "doc_prefix", "contact", "phone", "address", "postcode", "email")}
    office["name"] = office.pop("office")
    quiet = kw.pop("quiet")

    def progress(done, total, path):
        click.echo(f"PDF {done}/{total}：{path}", err=True)

    return dict(template=kw.pop("template"), profile=kw.pop("profile"), office={k: v for k, v in office.items() if v},
                date=kw.pop("signing"), number=kw.pop("number") or "", pdf=kw.pop("pdf"), force=kw.pop("force"),
                jobs=kw.pop("jobs"), progress=None if quiet else progress)


def _report(outcome, fmt: str, headline: str, summary: str) -> None:
    docs = outcome.documents
    if fmt == "json":
        echo_json({**document("documents", file=str(summary)), **outcome.details,
                   "documents": [{"output": str(d.path), "title": d.title, "listed": d.count,
                                  **({"excluded": [_entry(e) for e in d.selection.excluded],
                                      "pending": [_entry(e) for e in d.selection.pending],
                                      "conflicts": [_entry(e) for e in d.selection.conflicts]} if d.selection else {})}
                                 for d in docs],
                   "pdf": [str(p) for p in outcome.pdfs], "sheets": [str(p) for p in outcome.sheets],
                   "skipped": outcome.skipped, "notes": outcome.notes, "problems": outcome.problems})
    else:
        click.echo(headline)
        for d in docs:
            click.echo(f"· {d.title}：{d.count} 个社区 → {d.path}")
            if d.selection:
                for label, entries in (("未列入（官员的决定）", d.selection.excluded), ("未列入（尚在进行）", d.selection.pending)):
                    if entries:
                        click.echo(f"  {label}：")
                        for e in entries:
                            click.echo(f"    {e.row.county} {e.row.street} {e.row.community}：{e.reason}")
        for path in [*outcome.pdfs, *outcome.sheets]:
            click.echo(f"· 已生成：{path}")
        for line in outcome.skipped:
            click.echo(f"· 未生成：{line}")
        for line in outcome.notes:
            click.echo(f"· 注意：{line}")
        if outcome.problems:
            click.echo("汇总表中需要核对的地方：")
            for p in outcome.problems:
                click.echo(f"  {p}")
    raise SystemExit(EXIT_FINDINGS if outcome.problems else EXIT_CLEAN)


def _entry(e) -> dict:
    return {"county": e.row.county, "street": e.row.street, "community": e.row.community, "reason": e.reason}


@click.command("notice", cls=ZhCommand)
@SUMMARY
@click.option("--stage", type=click.Choice(["county", "city"]), metavar="county|city", required=True,
              help="公示层级：county 县（区）公示，city 市级公示。")
@click.option("--county", metavar="县区", default=None, help="只生成这个县（区）的公示；县区公示不给时每个县（区）一份，-o 为文件夹。")
@click.option("--start", type=DATE, metavar="日期", required=True, help="公示开始日期，如 2026-12-07。")
@click.option("--days", type=click.IntRange(1, 60), metavar="N", default=None,
              help="公示期（工作日），默认为规则集规定的天数，不得少于它。")
@click.option("--holidays", metavar="文件", type=click.Path(dir_okay=False), default=None,
              help="节假日文件（日历未收录的年份）；默认找汇总表旁边的 节假日.toml。")
@click.option("-o", "--output", "out", metavar="输出", type=click.Path(), required=True,
              help="输出的 .docx 文件；每县一份时为文件夹。")
@document_options
@document_errors
def notice_command(summary, stage, county, start, days, holidays, out, fmt, **kw):
    """公示：按汇总表中的决定列出拟推荐（县区）或拟认定（市）的社区，生成 Word 文书（可加 PDF）。

    公示期的结束日期按中国工作日计算（法定节假日不算，调休上班日算）；日历未收录的年份需要节假日文件。
    被官员的决定排除的社区（实地考察不符合、公示有异议、不予认定、民政撤销）不会列入，原因显示在终端。

    \b
    县（区）公示由县（区）自己的汇总表（merge --county）生成，市级公示由市里的汇总表生成；给错了汇总表时不生成（退出码 2），
    并说明该用哪一张、怎样生成。

    \b
    退出码：0 已生成，1 已生成但汇总表有需要核对的地方，或没有可公示的社区，2 文件或参数无法使用。
    """
    settings = _settings(kw)
    if stage == "city" and county:
        raise Unusable("--county 只用于县区公示（--stage county）")
    outcome = api.notice(summary, stage=stage, county=county, start=start, days=days, out=out, holidays=holidays,
                         **settings)
    d = outcome.details
    period = f"公示期 {_cn(d['start'])}至{_cn(d['end'])}（{d['days']}个工作日）"
    _report(outcome, fmt, f"{'县（区）' if stage == 'county' else '市级'}公示：{period}", summary)


def _cn(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


@click.command("announce", cls=ZhCommand)
@SUMMARY
@click.option("-o", "--output", "out", metavar="文件", type=click.Path(dir_okay=False), required=True, help="输出的 .docx 文件。")
@document_options
@document_errors
def announce_command(summary, out, fmt, **kw):
    """认定公告：汇总表中最终认定的社区，按县（区）列出（有层级的规则集列出称号）。

    \b
    退出码：0 已生成，1 已生成但汇总表有需要核对的地方，或没有最终认定的社区，2 文件或参数无法使用。
    """
    outcome = api.announcement(summary, out=out, **_settings(kw))
    _report(outcome, fmt, "认定公告：", summary)


@click.command("subsidy", cls=ZhCommand)
@SUMMARY
@click.option("--year", type=click.IntRange(2000, 2100), metavar="年份", default=None, help="补助年度，默认为汇总表的评分年度。")
@click.option("--report-by", "report_by", type=DATE, metavar="日期", default=None,
              help="资金使用情况的报送期限，默认按规则集（张掖：补助年度的12月20日）；须晚于成文日期。")
@click.option("-o", "--output", "out", metavar="文件夹", type=click.Path(file_okay=False), required=True,
              help="输出文件夹：每个县（区）一份补助资金明细（.docx）和同样内容的工作簿（.xlsx）。")
@document_options
@document_errors
def subsidy_command(summary, year, report_by, out, fmt, **kw):
    """补助资金明细：每个县（区）一份（县区出资），已享受国家级、省级补助的社区单列为不予补助；合计金额附大写。

    没有补助资金政策的规则集（如 qiqihar-2022）不生成。

    \b
    退出码：0 已生成，1 已生成但汇总表有需要核对的地方，或没有可补助的社区，2 文件或参数无法使用。
    """
    outcome = api.subsidy(summary, out_dir=out, year=year, report_by=report_by, **_settings(kw))
    lines = [f"补助资金明细（{outcome.details['year']}年度，每个社区 {outcome.details['amount']} 元）："]
    for c in outcome.details["counties"]:
        lines.append(f"  {c['county']}：{c['funded']} 个社区，合计 {c['total']} 元（{c['total_words']}）；不予补助 {c['excluded']} 个")
        lines += [f"    不予补助：{r}" for r in c["excluded_reasons"]]
    _report(outcome, fmt, "\n".join(lines), summary)
