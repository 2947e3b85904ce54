"""The README's generated sections (CLI reference, rule kinds, readings) match the code."""
from conftest import ROOT
from tools import devdocs


def test_readme_generated_sections_are_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert devdocs.render(readme) == readme, "run: python -m tools.devdocs README.md"


def test_readme_has_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "fullemp demo" in readme and "python3 -m pytest -q" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m pytest -q" in ci
