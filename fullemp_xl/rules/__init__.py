"""Rule sets: the official scoring tables as data, and the vocabulary they are written in.

In: a built-in id, an installed id (`store`) or a TOML file. Out: a checked `model.RuleSet`, or
every problem of the file (`RuleProblem`, naming the key and what to change). The modules:
`store` (where rule sets live), `loader` (read and check a file), `parser` and `items` (tables to
model objects, each kind's invariants), `conditions` and `kinds` (the vocabulary, each with its
Python and Excel meaning), `limits` (Excel's formula limits), `ledger_spec` (the [ledger] table).
Imports only `model` of the package, and `formulas` / `forms.names` lazily for the limit check.
"""
from .loader import RuleProblem, RuleSetError, builtin_ids, check_file, load_ruleset, resolve
from .problems import UnknownRuleSet
from .store import installed_ids, user_dir

__all__ = ["RuleProblem", "RuleSetError", "builtin_ids", "check_file", "installed_ids", "load_ruleset", "resolve",
           "UnknownRuleSet", "user_dir"]
