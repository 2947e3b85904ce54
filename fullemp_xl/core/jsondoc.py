"""The JSON documents the commands print with `--format json`: their names, versions and schemas.

Every document carries `"schema": "fullemp.<name>/<version>"`; its JSON Schema ships with the package
(fullemp_xl/schemas/<name>.json, `schema(name)`), and the tests check every command's output against it.
Keys never depend on the rule set: stages, items, facts and months are values in lists, never keys.
`file` is always the input workbook as the user named it on the command line (for files found inside a
folder or an archive given to `merge`: that path continued, e.g. 县区报送/甘州区/a.xlsx); what a command
writes is under other keys (`written`, `output`, `documents[].output`).
"""
from __future__ import annotations

import json
from importlib import resources

VERSIONS = {
    "score": 2, "monitor": 1, "validate": 1, "unmark": 1, "fill-registry": 1, "fill-ledger": 1, "merge": 1,
    "documents": 1, "registry-next": 1, "rules-list": 1, "rules-show": 1, "rules-check": 1, "error": 1,
}


def schema_id(name: str) -> str:
    return f"fullemp.{name}/{VERSIONS[name]}"


def document(kind: str, /, **fields) -> dict:
    """A JSON document of this kind, its schema id first."""
    return {"schema": schema_id(kind), **fields}


def findings_json(findings, file: str) -> list[dict]:
    """Findings with `file` meaning what it means everywhere: the input as the user named it."""
    return [{**f.as_json(), "file": str(file)} for f in findings]


def schema(name: str) -> dict:
    """The JSON Schema (draft 2020-12) of a document."""
    text = (resources.files("fullemp_xl") / "schemas" / f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)
