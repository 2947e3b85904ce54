"""What is wrong with a rule set: one problem per key, collected rather than raised one at a time."""
from __future__ import annotations

from dataclasses import dataclass

from ..core.model import SEVERITY_LABEL, Severity
from ..errors import FullempError


@dataclass(frozen=True)
class RuleProblem:
    file: str
    key: str  # where in the file, e.g. sections[3].items[2].parts[1]
    message: str
    severity: Severity = "error"  # error or warning: core.model's one vocabulary

    def __str__(self) -> str:
        level = SEVERITY_LABEL[self.severity]
        return f"{self.file}: {self.key}: {level} {self.message}" if self.key else f"{self.file}: {level} {self.message}"


class RuleSetError(FullempError):
    def __init__(self, problems: list[RuleProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownRuleSet(RuleSetError):
    """No built-in, installed or file rule set by this name."""
