"""Rule sets: the official scoring tables as data, and the vocabulary they are written in.

In: a built-in id, an installed id (`store`) or a TOML file. Out: a checked `model.RuleSet`, or
every problem of the file (`RuleProblem`, naming the key and what to change). The modules:
`store` (where rule sets live), `install` (rules install / uninstall), `loader` (read and check a
file), `parser` and `items` (tables to model objects, each kind's invariants), `conditions` and
`kinds` (the vocabulary, each with its Python and Excel meaning), `ledger_spec` (the [ledger] table).
Loading a rule set compiles no formula: Excel's formula limits are checked by engine.limits
(`rules check`, `rules install`, and before a form is built).
Imports core, errors and writing (to install a file); nothing above it.
"""
from .loader import RuleProblem, RuleSetError, builtin_ids, load_ruleset, resolve
from .problems import UnknownRuleSet
from .store import installed_ids, user_dir

__all__ = ["RuleProblem", "RuleSetError", "builtin_ids", "installed_ids", "load_ruleset", "resolve",
           "UnknownRuleSet", "user_dir"]
