"""Rule sets: the official scoring tables as data, and the vocabulary they are written in."""
from .loader import RuleProblem, RuleSetError, builtin_ids, check_file, load_ruleset, resolve

__all__ = ["RuleProblem", "RuleSetError", "builtin_ids", "check_file", "load_ruleset", "resolve"]
