"""Summary workbooks for the document tests, written by the merge's own writer (summary.write)."""
from __future__ import annotations

from pathlib import Path

from fullemp_xl.summary.model import Decisions, RegistryEntry, SummaryRow
from fullemp_xl.summary.write import SummaryInput, write_summary
from fullemp_xl.rules import load_ruleset

# rarer characters of real place names: 㮾 (长沙县㮾梨街道), 埇 (埇桥区), 硚 (硚口区), 奓 (奓山街道), and 通用规范汉字表
# characters outside the BMP (𬇙, 𫟦) that some free faces lack
RARE = ["㮾梨社区", "埇桥社区", "硚口社区", "奓山社区", "𬇙溪社区", "𫟦园社区"]

OK = Decisions(inspection="符合", objection="无", final="认定")


def row(county, street, community, total=96, *, level="市级充分就业社区", eligible=True, decisions=None, prior=("", None),
        change="新认定", national=False, provincial=False, recommend="", code="") -> SummaryRow:
    return SummaryRow(county=county, street=street, community=community, code=code, total=total,
                      gates="符合" if eligible else "不符合", level=level if eligible else "不予认定", eligible=eligible,
                      recommend=recommend, prior_title=prior[0], prior_year=prior[1], change=change if eligible else "不予认定",
                      national_subsidy=national, provincial_subsidy=provincial,
                      subsidy="符合" if eligible and not (national or provincial) else "不符合",
                      source=f"{county}/{community}-考评表.xlsx", in_registry=True, decisions=decisions or Decisions())


def zhangye_rows() -> list[SummaryRow]:
    """Two counties; every decision the process knows."""
    return [
        row("甘州区", "东街街道", "南关社区", 98, decisions=OK),
        row("甘州区", "东街街道", "{{ x }}社区", 95, decisions=OK),  # template syntax in a name: printed literally
        row("甘州区", "西街街道", "<w:p>社区", 93, decisions=OK, prior=("市级充分就业社区", 2024), change="保持"),
        row("甘州区", "西街街道", "=1+1社区", 92, decisions=OK, national=True),  # already subsidised
        row("甘州区", "北街街道", "北关社区", 94, decisions=Decisions(inspection="不符合")),
        row("甘州区", "北街街道", "新乐社区", 91),  # not yet inspected
        row("甘州区", "北街街道", "低分社区", 80, eligible=False, prior=("市级充分就业社区", 2023)),
        row("甘州区", "南街街道", "争议社区", 96, decisions=Decisions(inspection="符合", objection="有")),
        row("临泽县", "沙河镇", RARE[0], 97, decisions=OK),
        row("临泽县", "沙河镇", RARE[1], 96, decisions=OK, provincial=True),
        row("临泽县", "沙河镇", RARE[2], 95, decisions=OK),
        row("临泽县", "倪家营镇", RARE[3], 94, decisions=OK),
        row("临泽县", "倪家营镇", RARE[4], 93, decisions=Decisions(inspection="符合", objection="无")),
        row("临泽县", "倪家营镇", RARE[5], 90, decisions=Decisions(inspection="符合", objection="无", final="不予认定")),
        row("临泽县", "蓼泉镇", "撤销社区", 95, decisions=Decisions(inspection="符合", objection="无", final="认定", civil="撤销")),
    ]


def write(path: Path, rows: list[SummaryRow], rules: str = "zhangye-2023", year: int = 2026,
          missing: list[RegistryEntry] | None = (), county: str = "") -> Path:
    """missing=None: a summary merged without a registry; () (the default): with one, every community submitted.
    county: that county's own summary (merge --county), with its rows only."""
    rs = load_ruleset(rules)
    if county:
        rows = [r for r in rows if r.county == county]
    data = SummaryInput(ruleset=rs, year=year, generated="2026-12-01 09:00", rows=lambda: iter(rows),
                        missing=None if missing is None else list(missing), county=county,
                        meta={"county": county} if county else {})
    write_summary(data, path)
    return path


PROFILE = """
[office]
name = "张掖市人力资源和社会保障局"
doc_prefix = "张人社公告"
contact = "就业科 王明"
phone = "0936-8212345"
address = "张掖市甘州区县府街55号"
email = "jyk@zhangye.example.cn"
date = 2026-12-18
number = "3"

[county."甘州区"]
name = "甘州区人力资源和社会保障局"
contact = "就业股"
phone = "0936-8211111"
address = "张掖市甘州区青年东街1号"
email = "gz@zhangye.example.cn"

[county."临泽县"]
name = "临泽县人力资源和社会保障局"
contact = "就业股"
phone = "0936-5521111"
address = "临泽县沙河镇昭武路2号"
email = "lz@zhangye.example.cn"
"""


def summary_with_profile(folder: Path, rows=None, **kwargs) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "发文机关.toml").write_text(PROFILE, encoding="utf-8")
    name = f"{kwargs['county']}汇总表.xlsx" if kwargs.get("county") else "汇总表.xlsx"
    return write(folder / name, zhangye_rows() if rows is None else rows, **kwargs)


def county_summaries(folder: Path, rows=None, **kwargs) -> dict[str, Path]:
    """Each county's own summary (as `merge --county` makes it: its rows only), beside the issuing-office file:
    the county 公示 is made from these, never from the city's summary."""
    rows = zhangye_rows() if rows is None else rows
    counties = list(dict.fromkeys(r.county for r in rows))
    return {c: summary_with_profile(folder, rows, county=c, **kwargs) for c in counties}


def docx_text(path) -> str:
    """Every paragraph of a .docx, tables included, one per line (what a reader sees, in order)."""
    import docx

    document = docx.Document(str(path))
    lines = []
    body = document.element.body
    for el in body.iter():
        if el.tag.endswith("}p"):
            lines.append("".join(t.text or "" for t in el.iter() if t.tag.endswith("}t")))
    return "\n".join(lines)


def table_rows(path, index: int = -1) -> list[list[str]]:
    import docx

    table = docx.Document(str(path)).tables[index]
    return [[c.text for c in row.cells] for row in table.rows]
