"""The JSON Schemas (draft 2020-12) of the documents `--format json` prints, written as data here and
saved as fullemp_xl/schemas/<name>.json by `python -m tools.schemas` (a test keeps the two in step).

Shared pieces (a finding, a rule set's identity, a community's identity) are defined once below.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from fullemp_xl.core.jsondoc import VERSIONS, schema_id
from fullemp_xl.core.model import STEP_KINDS

FOLDER = Path(__file__).resolve().parent.parent / "fullemp_xl" / "schemas"  # where the package ships them
STR, INT, BOOL, NUM = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"}


def opt(schema: dict) -> dict:
    """The same, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(required: dict, optional: dict | None = None, *, extra: bool = False) -> dict:
    return {"type": "object", "properties": {**required, **(optional or {})}, "required": list(required),
            "additionalProperties": extra}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


FINDING = obj({"rule": STR, "severity": {"enum": ["error", "warning", "info"]}, "message": STR, "file": STR,
               "sheet": STR, "cell": STR, "name": STR, "field": STR})
FINDINGS = array(FINDING)
RULESET = obj({"id": STR, "version": STR, "provisional": opt(STR)}, {"name": STR})
COMMUNITY = obj({"county": STR, "street": STR, "community": STR})
DECISION = obj({"level": STR, "certified": BOOL, "reason": STR, "recommend": opt(STR), "due": BOOL})
SCORE = opt(NUM)
# an item's or section's role and printed 序号 (rule sets with 加分项/扣分项, or with labels)
PRINTED = {"kind": {"enum": ["score", "bonus", "penalty"]}, "label": STR}


def document(name: str, fields: dict, optional: dict | None = None, *, extra: bool = False) -> dict:
    body = obj({"schema": {"const": schema_id(name)}, **fields}, optional, extra=extra)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id(name),
            "title": f"fullemp {name} --format json", **body}


SCHEMAS = {
    "score": document("score", {
        "file": STR, "form": {"const": "考评表"}, "ruleset": RULESET, "community": COMMUNITY, "complete": BOOL,
        "incomplete_reason": opt(STR),
        "items": array(obj({"id": STR, "section": STR, "points": NUM,
                            "scores": array(obj({"stage": STR, "score": SCORE, "reasons": array(STR)}))}, PRINTED)),
        "stages": array(obj({
            "stage": STR, "label": STR, "complete": BOOL, "total": SCORE,
            "sections": array(obj({"id": STR, "title": STR, "points": NUM, "score": SCORE}, PRINTED)),
            "gates_met": opt(BOOL), "gates": array(obj({"id": STR, "label": STR, "met": opt(BOOL)})),
            "decision": opt(DECISION), "incomplete": array(STR)},
            {"base": SCORE, "bonus": SCORE, "penalty": SCORE})),  # the parts, in rule sets with 加分项/扣分项
        "decision": opt(obj({"stage": STR, **DECISION["properties"]})),
        "findings": FINDINGS,
    }, {"restored": array(STR), "written": opt(STR), "backup": opt(STR)}),
    "monitor": document("monitor", {
        "file": STR, "form": {"const": "申报表"}, "ruleset": RULESET,
        "monitor": obj({"label": STR, "percent": NUM, "filled": INT, "below": array(INT),
                        "months": array(obj({"month": INT, "employed": opt(INT), "unemployed": opt(INT),
                                             "rate": opt(NUM), "met": opt(BOOL)}))}),
        "findings": FINDINGS}),
    "validate": document("validate", {
        "file": STR, "summary": obj({"error": INT, "warning": INT, "info": INT}), "findings": FINDINGS,
        "marked": opt(INT), "written": opt(STR), "backup": opt(STR)}),
    "unmark": document("unmark", {"file": STR, "cleared": INT, "written": opt(STR), "backup": opt(STR)}),
    "fill-registry": document("fill-registry", {
        "file": STR, "output": STR, "communities": INT, "written": array(STR), "unchanged": array(STR),
        "kept": array(STR), "findings": FINDINGS}),
    "fill-ledger": document("fill-ledger", {
        "file": STR, "ledger": STR, "form": STR, "stage": STR, "ledger_rows": INT,
        "identity": obj({}, {"county": STR, "street": STR, "community": STR}),
        "counts": array(obj({"fact": STR, "label": STR, "value": {"type": ["integer", "string"]},
                             "rows": array(INT), "note": STR})),
        "months": array(obj({"month": INT, "employed": INT, "unemployed": INT})),
        "findings": FINDINGS, "written": STR, "backup": opt(STR)}),
    "merge": document("merge", {
        "inputs": array(STR), "refreshed": opt(STR), "summary": STR, "backup": opt(STR), "generated": STR,
        "ruleset": RULESET, "year": INT,
        "files": obj({"found": INT, "assessments": INT, "declarations": INT, "quarantined": INT}),
        "skipped": {"type": "object", "additionalProperties": INT},
        "communities": array(obj({
            "county": STR, "street": STR, "community": STR, "code": STR,
            "items": array(obj({"id": STR, "points": NUM, "score": SCORE})), "stage": STR,
            "totals": array(obj({"stage": STR, "label": STR, "recomputed": SCORE, "recorded": SCORE})),
            "total": SCORE, "gates": STR, "level": STR, "eligible": BOOL, "recommend": STR, "prior_title": STR,
            "prior_year": opt(INT), "change": STR, "national_subsidy": opt(BOOL), "provincial_subsidy": opt(BOOL),
            "subsidy": STR, "errors": INT, "warnings": INT, "in_registry": opt(BOOL), "file": STR,
            "declaration": opt(STR),
            "decisions": obj({k: STR for k in ("inspection", "objection", "city_objection", "final", "civil", "new_name",
                                               "note")}),
            "standing": obj({"county_notice": BOOL, "city_notice": BOOL, "certified": BOOL, "excluded": STR,
                             "step": STR})},
            {"parts": obj({}, {"base": SCORE, "bonus": SCORE, "penalty": SCORE})})),  # with 加分项/扣分项
        "counties": array(obj({"county": STR, "registry": opt(INT), "submitted": INT, "above_threshold": INT,
                               "eligible": INT, "average": opt(NUM), "lowest": opt(NUM)})),
        "duplicates": array(obj({k: STR for k in ("county", "street", "community", "kept", "dropped", "why")})),
        "missing": opt(array(obj({k: STR for k in ("county", "street", "community", "code")}))),
        "outside": array(STR),
        "quarantined": array(obj({"file": STR, "reason": STR})),
        "own_files": array(obj({"file": STR, "reason": STR})), "registry_notes": array(STR), "year_note": opt(STR),
        "problems": {"type": "object", "additionalProperties": INT},
        "kept_decisions": INT, "lost_decisions": array(STR), "changes": INT, "ambiguous": array(STR),
        "county": opt(STR), "county_summaries": array(STR), "carried": INT}),
    "documents": document("documents", {
        "file": STR,
        "documents": array(obj({"output": STR, "title": STR, "listed": INT},
                               {k: array({"type": "object"}) for k in ("excluded", "pending", "conflicts")})),
        "pdf": array(STR), "sheets": array(STR), "skipped": array(STR), "notes": array(STR), "problems": array(STR)},
        extra=True),  # plus what each document states: the 公示 period, or the subsidy year and totals
    "registry-next": document("registry-next", {
        "file": STR, "output": STR, "year": INT, "communities": INT, "with_title": INT,
        "entries": array(obj({"county": STR, "street": STR, "community": STR, "code": STR, "title": STR,
                              "year": opt(INT), "note": STR})),
        "removed": array(STR), "warnings": array(STR)}),
    "rules-list": document("rules-list", {
        "folder": STR,
        "rulesets": array(obj({"id": STR, "version": STR, "name": STR, "jurisdiction": STR, "items": INT,
                               "total": NUM, "provisional": opt(STR), "source": {"enum": ["builtin", "installed"]},
                               "path": STR}))}),
    "rules-show": document("rules-show", {
        "id": STR, "version": STR, "name": STR, "source": STR, "total": NUM, "provisional": opt(STR),
        "stages": array(obj({"id": STR, "label": STR})),
        "sections": array(obj({"id": STR, "title": STR, "points": NUM,
                               "items": array(obj({"id": STR, "points": NUM, "content": STR, "criteria": STR,
                                                   "reading": STR}, PRINTED))}, {**PRINTED, "max": opt(NUM)})),
        "facts": array(obj({"id": STR, "label": STR, "type": STR, "unit": STR})),
        "gates": array(obj({"id": STR, "label": STR})),
        "levels": array(obj({"min": NUM, "title": STR, "new_title": STR, "recommend": opt(STR)})),
        # the review process ([[process]]) and the summary's officials' columns it gives (key stable, header by stage)
        "process": array(obj({"stage": {"enum": ["county", "city"]}, "name": STR, "source": STR,
                              "steps": array(obj({"kind": {"enum": list(STEP_KINDS)}, "name": STR}))})),
        "official_columns": array(obj({"key": STR, "header": STR}))}),
    "rules-check": document("rules-check", {
        "file": STR, "ok": BOOL,
        "problems": array(obj({"key": STR, "severity": {"enum": ["error", "warning"]}, "message": STR}))}),
    "error": document("error", {"error": STR, "exit_code": INT}),
}
assert set(SCHEMAS) == set(VERSIONS), "every document has a schema"


def text(name: str) -> str:
    return json.dumps(SCHEMAS[name], ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    for name in SCHEMAS:
        (FOLDER / f"{name}.json").write_text(text(name), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
