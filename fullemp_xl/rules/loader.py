"""Read a rule-set TOML file into a RuleSet, collecting every problem instead of stopping at the first."""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..core import DEFAULT_RULESET
from ..core.model import RuleSet
from .parser import Parser
from .problems import RuleProblem, RuleSetError
from .source import read_rule_data
from .store import builtin_ids, builtin_path, resolve

__all__ = ["RuleProblem", "RuleSetError", "builtin_ids", "builtin_path", "rule_problems", "load_ruleset", "resolve"]

_cache: dict[tuple[str, float], RuleSet] = {}


def load_ruleset(id_or_path: str | Path = DEFAULT_RULESET) -> RuleSet:
    """Load and check a rule set (built-in id, installed id or file); raise RuleSetError listing every problem."""
    path = resolve(id_or_path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError:
        raise RuleSetError([RuleProblem(str(path), "", "找不到规则集文件")]) from None
    if key not in _cache:
        ruleset, problems = parse_file(path)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise RuleSetError(errors)
        _cache[key] = ruleset
    return _cache[key]


def rule_problems(path: str | Path) -> list[RuleProblem]:
    """Every problem of a rule file as rules, errors and warnings (engine.limits.check_file adds Excel's limits)."""
    return parse_file(Path(path))[1]


SCORED = ("stages", "facts", "rates", "conditions", "gates", "levels", "sections", "monitor")


def digest(data: dict) -> str:
    """A fingerprint of what decides a form's scores (the tables above and the total), blind to comments,
    spacing, key order and to what only the documents use (subsidy, notices, ledger, titles of files)."""
    head = data.get("ruleset") if isinstance(data.get("ruleset"), dict) else {}
    scored = {key: data.get(key) for key in SCORED} | {"total": head.get("total", 100)}
    text = json.dumps(scored, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def parse_file(path: Path) -> tuple[RuleSet | None, list[RuleProblem]]:
    name = path.name
    data, problem = read_rule_data(path)
    if problem:
        return None, [RuleProblem(name, "", problem)]
    parser = Parser(name, str(path))
    data = _borrow_table(data, parser)
    ruleset = parser.ruleset(data, digest(data))
    return (ruleset if not parser.errors else None), parser.problems


BORROWED = ("stages", "facts", "rates", "conditions", "gates", "sections", "monitor", "ledger")


def _borrow_table(data: dict, parser: Parser) -> dict:
    """`[ruleset] items_from = "other-id"`: take the scoring table of another built-in rule set.

    Everything the file itself defines wins; the level policy and identity are always its own.
    """
    head = data.get("ruleset") if isinstance(data.get("ruleset"), dict) else {}
    source = head.get("items_from")
    if source is None:
        return data
    if source not in builtin_ids():
        parser.problem("ruleset.items_from", f"items_from 引用了不存在的内置规则集“{source}”（可用：{'、'.join(builtin_ids())}）")
        return data
    base = tomllib.loads(builtin_path(source).read_text(encoding="utf-8"))
    if "items_from" in base.get("ruleset", {}):
        parser.problem("ruleset.items_from", f"“{source}”本身也借用了别的评分表，不能再被借用")
        return data
    if not head.get("provisional"):
        parser.problem("ruleset.provisional", "借用别处的评分表时，应在 provisional 中写明评分表是暂用的", "warning")
    merged = dict(data)
    for key in BORROWED:
        if key not in data and key in base:
            merged[key] = base[key]
    return merged
