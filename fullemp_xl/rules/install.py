"""Installing a rule file into the user folder, and removing it: `fullemp rules install` / `uninstall`.

The file is checked as `load_ruleset` checks it (the command line adds Excel's formula limits first,
see engine.limits.check_file); a rule set is never installed under a built-in id.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import UnusableFile
from ..writing.files import write_output
from .loader import load_ruleset
from .problems import RuleProblem, RuleSetError
from .store import RULE_ID, builtin_ids, installed_path, known_text


def install(path: Path, *, force: bool = False) -> tuple[str, Path, str]:
    """Check a rule file and copy it into the user folder; returns (id, where, what happened in words)."""
    ruleset = load_ruleset(path)  # raises RuleSetError listing every problem
    if ruleset.id in builtin_ids():
        raise RuleSetError([RuleProblem(path.name, "ruleset.id", f"“{ruleset.id}”是内置规则集的 id，请在 [ruleset] 中换一个 id")])
    data = path.read_bytes()
    dest = installed_path(ruleset.id)
    if dest.is_file() and dest.read_bytes() == data:
        return ruleset.id, dest, "已安装过，内容相同，未改动"
    if dest.is_file() and not force:
        old = load_ruleset(dest)
        raise UnusableFile(dest, f"本机已安装规则集 {old.id}（{old.version} 版），内容与 {path.name}（{ruleset.version} 版）不同；"
                                 "要替换请加 --force（原文件会备份在同一文件夹）")
    replaced = dest.is_file()
    write_output(dest, lambda tmp: tmp.write_bytes(data), force=True)
    return ruleset.id, dest, ("已替换原来安装的同名规则集（原文件已备份）" if replaced else "已安装")


def uninstall(rule_id: str) -> Path:
    dest = installed_path(rule_id)
    if not RULE_ID.fullmatch(rule_id) or not dest.is_file():
        raise UnusableFile(dest, f"本机没有安装规则集“{rule_id}”（{known_text()}）")
    dest.unlink()
    return dest
