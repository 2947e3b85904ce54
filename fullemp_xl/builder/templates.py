"""`fullemp templates build`: every blank form of a rule set, written into one folder."""
from __future__ import annotations

from pathlib import Path

from ..core.model import RuleSet
from ..writing.files import save_atomically
from ..forms.names import DECLARATION
from .build import ASSESSMENT, build_assessment
from .declaration import build_declaration
from .lists import LEDGER, REGISTRY, build_ledger, build_registry


def build_templates(ruleset: RuleSet, out_dir: Path) -> list[Path]:
    """Write 考评表, 申报表, 社区名册 and (for rule sets with a [ledger]) 台账 into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    forms = [(ASSESSMENT, build_assessment), (DECLARATION, build_declaration), (REGISTRY, build_registry)]
    if ruleset.ledger is not None:
        forms.append((LEDGER, build_ledger))
    for form, build in forms:
        path = out_dir / f"{form}.xlsx"
        save_atomically(build(ruleset), path, backup=False)
        written.append(path)
    return written
