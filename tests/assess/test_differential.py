"""One reader, one verdict (issue 18): mutated 考评表 through score, validate, merge and score --write.

Every mutant (tests/mutants.py: addresses in lower case, absolute or missing, parts missing, renamed,
in another case or damaged, duplicate sheet names, version metadata blank or re-pointed, blank
identity cells, a merged range over an input cell, a chart sheet first, random XML and values) must
get the same verdict from every command — the same totals, decision and error count, or the same
refusal with the same reason — and no command may fail internally. bench/bench_differential.py runs
more mutants.
"""
from __future__ import annotations

import os

import pytest

import mutants as M

pytestmark = pytest.mark.xdist_group("assess_differential")  # its module-scoped `verdicts` (8 s) is built once per run

N = int(os.environ.get("FULLEMP_DIFFERENTIAL_N", "240"))


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("differential")
    base = M.build_base(folder)
    found, kinds = M.run_all(M.mutants(base, N, seed=18), folder, write_every=6)
    return found, kinds


def test_every_command_reaches_the_same_verdict_on_every_mutant(verdicts):
    found, kinds = verdicts
    problems = M.disagreements(found)
    assert not problems, "\n".join(f"{kinds[p.split(':')[0]]} {p}" for p in problems[:20])


def test_the_mutants_cover_every_kind_and_both_outcomes(verdicts):
    found, kinds = verdicts
    seen = {k.split(":")[0] for labels in kinds.values() for k in labels}
    assert {"lower_r", "lower_r_all", "absolute_r", "no_r", "styles_missing", "damage_unread", "content_types_renamed",
            "member_case", "duplicate_sheet", "meta_blank", "meta_repointed", "blank_identity", "merge_over",
            "chartsheet_first", "value", "xml_random"} <= seen
    codes = [by["score"].code for by in found.values()]
    assert codes.count(2) >= N // 10 and sum(c in (0, 1) for c in codes) >= N // 2


@pytest.mark.parametrize("kind, expected", [
    ("lower_r", (1, "")), ("absolute_r", (1, "")), ("no_r", (1, "")),
])
def test_addresses_as_excel_and_libreoffice_write_them_read_the_same(tmp_path, kind, expected):
    """r="e49", r="$E$17" and cells without r= read as the cell they are (the 97 of the assessed stage stays 97)."""
    import random

    base = M.build_base(tmp_path)
    members = dict(base.members)
    M.MUTATIONS[kind](random.Random(1), base, members)
    path = M.write_mutant(M.Mutant("m.xlsx", [kind], members), tmp_path)
    plain = M.write_mutant(M.Mutant("plain.xlsx", [], dict(base.members)), tmp_path)
    assert M.score_verdict(path).key() == M.score_verdict(plain).key()
    assert M.score_verdict(path).totals == (100, 97)


def test_damage_in_a_part_no_command_reads_is_refused_by_every_command(tmp_path):
    """The documented policy (README: 数据安全): docProps or theme damaged -> refused everywhere, with one reason."""
    base = M.build_base(tmp_path)
    (tmp_path / "in").mkdir()
    mutant = M.Mutant("m.xlsx", ["damage_unread"], dict(base.members), [("docProps/app.xml", "crc")])
    path = M.write_mutant(mutant, tmp_path / "in")
    M.write_mutant(M.Mutant("good.xlsx", [], dict(base.members)), tmp_path / "in")  # merge needs one usable form
    score, validate = M.score_verdict(path), M.score_verdict(path, "validate")
    merged = M.merge_verdicts(tmp_path / "in", tmp_path / "s.xlsx")["m.xlsx"]
    written = M.write_verdict(path, tmp_path / "out.xlsx")
    assert score.code == validate.code == merged.code == written.code == 2
    assert "docProps/app.xml" in score.reason and score.reason == validate.reason == merged.reason == written.reason
