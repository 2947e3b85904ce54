"""Start a new rule set from a built-in one (`fullemp rules new`)."""
from __future__ import annotations

import re

from .problems import RuleProblem, RuleSetError
from .store import builtin_ids, builtin_path

HEADER = """# 由 `fullemp rules new --from {source}` 生成的新规则集。
# 请把下面的评分表改成本地的正式评分表（照录考核内容和评分标准），改好后运行：
#   fullemp rules check 本文件
# 格式说明见 docs/rules.md。下面保留了原规则集的注释，供参考。

"""


def new_ruleset_text(source: str, new_id: str) -> tuple[str, str]:
    """The text of `source` with a new id and version 0.1; returns (text, id)."""
    if source not in builtin_ids():
        raise RuleSetError([RuleProblem(source, "", f"没有这个内置规则集；可用：{'、'.join(builtin_ids())}")])
    rule_id = re.sub(r"[^a-z0-9-]+", "-", new_id.lower()).strip("-") or "new-ruleset"
    text = builtin_path(source).read_text(encoding="utf-8")
    text = re.sub(r'(?m)^id = ".*"$', f'id = "{rule_id}"', text, count=1)
    text = re.sub(r'(?m)^version = ".*"$', 'version = "0.1"', text, count=1)
    return HEADER.format(source=source) + text, rule_id
