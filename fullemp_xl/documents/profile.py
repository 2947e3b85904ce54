"""The issuing office (发文机关): a small TOML file next to the summary (发文机关.toml), or options.

    [office]                  # 市人社局：市级公示、认定公告；补助资金明细（县区没有自己的一节时）
    name = "张掖市人力资源和社会保障局"
    doc_prefix = "张人社公告"   # 发文字号的机关代字（序号用 --number 给出）
    contact = "就业科"
    phone = "0936-8211234"
    address = "张掖市甘州区县府街55号"
    email = "zyrsj@example.cn"
    postcode = "734000"        # 邮政编码、监督电话、受理时间：可不填，填了才印
    supervision_phone = "0936-8212345"
    hours = "上午8:30—12:00、下午14:30—17:30"
    date = 2026-12-07          # 成文日期
    number = "3"               # 发文字号的序号（也可用 --number）

    [county."甘州区"]          # 县区公示（--stage county）由县区人社部门发布
    name = "甘州区人力资源和社会保障局"
    ...

Which fields are required depends on the template: every field it prints must be given (never a blank in
a published document), except those it prints only under {% if office.<field> %} (the default 公示 so prints
postcode, supervision_phone and hours); `require` names each missing one and where to write it.
"""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ..errors import FullempError
from .tags import OFFICE_FIELDS
from ..summary.model import normalise_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROFILE_FILE = "发文机关.toml"
MAX_BYTES = 256 * 1024
LABELS = {t.name: t.meaning.split("（")[0].split("，")[0] for t in OFFICE_FIELDS}
OPTION = {"name": "--office", "doc_prefix": "--doc-prefix", "contact": "--contact", "phone": "--phone",
          "address": "--address", "postcode": "--postcode", "email": "--email"}


class ProfileError(FullempError):
    """The profile cannot be used, or lacks what the template prints; the message is Chinese."""


@dataclass(frozen=True)
class Office:
    name: str = ""
    doc_prefix: str = ""
    contact: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""
    email: str = ""
    supervision_phone: str = ""  # 监督电话
    hours: str = ""  # 工作日的受理时间

    def merged(self, overrides: dict) -> "Office":
        return replace(self, **{k: v.strip() for k, v in overrides.items() if v and v.strip()})

    def as_context(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Profile:
    office: Office = field(default_factory=Office)
    counties: dict[str, Office] = field(default_factory=dict)
    date: dt.date | None = None
    number: str = ""  # 发文字号的序号
    path: Path | None = None

    def section(self, county: str | None) -> tuple[Office, str]:
        """The office of a county's own section when there is one, else the city's; with its TOML name."""

        if county:
            for name, office in self.counties.items():
                if normalise_name(name) == normalise_name(county):
                    return office, f'[county."{name}"]'
        return self.office, "[office]"

    def has_county(self, county: str) -> bool:
        return any(normalise_name(n) == normalise_name(county) for n in self.counties)


def _office(table, where: str, source: str) -> Office:
    if not isinstance(table, dict):
        raise ProfileError(f"发文机关信息 {source}：{where} 应为表")
    known = {f.name for f in fields(Office)} | ({"date", "number"} if where == "[office]" else set())
    unknown = sorted(set(table) - known)
    if unknown:
        raise ProfileError(f"发文机关信息 {source}：{where} 中有不认识的键“{unknown[0]}”"
                           f"（可用：{'、'.join(sorted(known))}）")
    values = {}
    for key, value in table.items():
        if key in ("date", "number"):
            continue
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ProfileError(f"发文机关信息 {source}：{where}.{key} 应为文字")
        values[key] = str(value).strip()
    return Office(**values)


def parse_profile(text: str, source: str = PROFILE_FILE) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"发文机关信息 {source} 格式有误：{exc}") from None
    unknown = sorted(set(data) - {"office", "county"})
    if unknown:
        raise ProfileError(f"发文机关信息 {source}：不认识的一节 [{unknown[0]}]（只能有 [office] 和 [county.\"县区名\"]）")
    office_table = data.get("office", {})
    profile = Profile(office=_office(office_table, "[office]", source))
    date = office_table.get("date") if isinstance(office_table, dict) else None
    if date is not None:
        if isinstance(date, dt.datetime):
            date = date.date()
        if not isinstance(date, dt.date):
            try:
                date = dt.date.fromisoformat(str(date).strip())
            except ValueError:
                raise ProfileError(f"发文机关信息 {source}：[office] date 应为日期，如 date = 2026-12-07") from None
        profile.date = date
    number = office_table.get("number") if isinstance(office_table, dict) else None
    if number is not None:
        if isinstance(number, bool) or not isinstance(number, (int, str)):
            raise ProfileError(f"发文机关信息 {source}：[office] number 应为发文字号的序号，如 number = \"3\"")
        profile.number = str(number).strip()
    counties = data.get("county", {})
    if not isinstance(counties, dict):
        raise ProfileError(f'发文机关信息 {source}：县区应写成 [county."甘州区"]')
    for name, table in counties.items():
        profile.counties[str(name)] = _office(table, f'[county."{name}"]', source)
    return profile


def load_profile(explicit=None, *, near=None) -> Profile:
    """The profile given, else 发文机关.toml beside `near` (the summary), else an empty one (options may fill it)."""
    path = Path(explicit) if explicit else (Path(near).parent / PROFILE_FILE if near else None)
    if path is None or (not explicit and not path.is_file()):
        return Profile()
    if not path.is_file():
        raise ProfileError(f"找不到发文机关信息文件 {path}")
    if path.stat().st_size > MAX_BYTES:
        raise ProfileError(f"发文机关信息文件 {path} 过大")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"发文机关信息文件 {path} 无法读取（{type(exc).__name__}）：请存为 UTF-8 编码的文本文件") from None
    profile = parse_profile(text, str(path))
    profile.path = path
    return profile


def require(office: Office, needed: set[str], *, section: str, profile: Profile) -> None:
    """Every office field the template prints must be filled: name each missing one and where to give it."""
    missing = [f.name for f in fields(Office) if f.name in needed and not getattr(office, f.name)]
    if not missing:
        return
    where = str(profile.path) if profile.path else PROFILE_FILE
    what = "、".join(f"{LABELS[k]}（{k}）" for k in missing)
    options = "、".join(OPTION[k] for k in missing if k in OPTION)  # 监督电话、受理时间: the profile only
    raise ProfileError(f"发文机关信息缺少：{what}。文书中不能留空：请在 {where} 的 {section} 中填写"
                       + (f"，或用 {options} 指定" if options else ""))
