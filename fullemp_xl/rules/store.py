"""Where rule sets live: built into the package, installed for this user, or a file given by path.

A form records the id of the rule set it was built from. `score`, `validate`, `merge` and the Excel
add-in find that rule set by id: first among the built-in ones, then among those installed with
`fullemp rules install FILE` into a per-user folder (FULLEMP_RULES_DIR overrides it). So a city's own
rule set is installed once on each office PC and its forms then work without `--rules`.
"""
from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

from .problems import RuleProblem, UnknownRuleSet

ENV_DIR = "FULLEMP_RULES_DIR"
RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def builtin_ids() -> list[str]:
    folder = resources.files("fullemp_xl") / "rulesets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def builtin_path(rule_id: str) -> Path:
    return Path(str(resources.files("fullemp_xl") / "rulesets" / f"{rule_id}.toml"))


def user_dir() -> Path:
    """The per-user folder of installed rule sets (e.g. %LOCALAPPDATA%\\fullemp\\rulesets on Windows)."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("fullemp", appauthor=False)) / "rulesets"


def installed_ids() -> list[str]:
    folder = user_dir()
    try:
        files = [p for p in folder.iterdir() if p.suffix == ".toml" and p.is_file()]
    except OSError:
        return []
    return sorted(p.stem for p in files if RULE_ID.fullmatch(p.stem))


def installed_path(rule_id: str) -> Path:
    return user_dir() / f"{rule_id}.toml"


def known_text() -> str:
    installed = "、".join(installed_ids()) or "无"
    return f"内置规则集：{'、'.join(builtin_ids())}；本机已安装：{installed}"


def resolve(id_or_path: str | Path) -> Path:
    """A built-in id (zhangye-2023), an installed id, or a path to a .toml file."""
    text = str(id_or_path)
    if text in builtin_ids():
        return builtin_path(text)
    if RULE_ID.fullmatch(text) and installed_path(text).is_file():
        return installed_path(text)
    path = Path(text)
    if path.suffix.lower() == ".toml" or path.exists():
        return path
    raise UnknownRuleSet([RuleProblem(text, "", f"没有这个规则集。{known_text()}。别处发来的规则集文件请先用 "
                                              f"`fullemp rules install 文件` 安装，或用 --rules 给出 .toml 文件的路径")])
