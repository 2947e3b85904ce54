"""A city's own rule set, installed once, is as good as a built-in one: forms built from it score, validate
and work in the Excel add-in without `--rules`; an unknown one is a clear message; a changed one is noticed."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, make_assessment, totals
from fullemp_xl.rules import load_ruleset
from conftest import run

OTHER = ROOT / "tests" / "rulesets" / "other-city-150.toml"
VALUES = dict(hall=True, complaints=1, helped=25, task_target=10, task_done=12, training_target=8, trained=8, visits=30,
              families_helped=3, disabled_total=20, disabled_registered=19, new_jobs=10)


@pytest.fixture
def rules_dir(tmp_path, monkeypatch):
    folder = tmp_path / "installed"
    monkeypatch.setenv("FULLEMP_RULES_DIR", str(folder))
    return folder


@pytest.fixture
def custom(tmp_path):
    """A rule file a county received from its city, somewhere on disk, and a form built from it."""
    path = tmp_path / "某市-2025.toml"
    path.write_bytes(OTHER.read_bytes())
    form = make_assessment(tmp_path / "考评表.xlsx", load_ruleset(path), {"self": VALUES, "assessed": VALUES})
    return path, form


def test_an_unknown_rule_set_says_how_to_install_it(rules_dir, custom):
    _, form = custom
    for command in ("score", "validate"):
        proc = run(command, form)
        assert proc.returncode == 2
        assert "other-city-150" in proc.stderr and "fullemp rules install" in proc.stderr


def test_installed_rule_set_works_without_flags(rules_dir, custom, tmp_path):
    path, form = custom
    proc = run("rules", "install", path)
    assert proc.returncode == 0 and "已安装" in proc.stdout
    assert (rules_dir / "other-city-150.toml").read_bytes() == path.read_bytes()
    listed = json.loads(run("rules", "list", "--format", "json").stdout)["rulesets"]
    assert {"id": "other-city-150", "source": "installed", "total": 150} == {
        k: v for k, v in next(r for r in listed if r["id"] == "other-city-150").items() if k in ("id", "source", "total")}
    assert "已安装" in run("rules", "list").stdout

    scored = run("score", form, "--format", "json")
    assert scored.returncode == 0, scored.stdout + scored.stderr
    data = json.loads(scored.stdout)
    assert totals(data) == {"self": 143.5, "assessed": 143.5}  # 1.5 off for a complaint, 5 for 25 of 30 helped
    assert run("validate", form).returncode == 0
    written = run("score", form, "--write", "-o", tmp_path / "打分.xlsx")
    assert written.returncode == 0 and (tmp_path / "打分.xlsx").exists()
    assert run("rules", "show", "other-city-150").returncode == 0


def test_the_excel_buttons_find_an_installed_rule_set(rules_dir, custom, tmp_path):
    pytest.importorskip("xlwings")
    from fullemp_xl.excel import handlers
    from xl_remote import run_handler

    path, form = custom
    message, _ = run_handler(handlers.score_book, form, tmp_path / "xl.xlsx")
    assert "没有这个规则集" in message and "fullemp rules install" in message
    run("rules", "install", path)
    message, _ = run_handler(handlers.score_book, form, tmp_path / "xl.xlsx")
    assert "考评合计 143.5 分" in message


def test_a_changed_rule_set_with_the_same_id_and_version_is_noticed(rules_dir, custom, tmp_path):
    path, form = custom
    assert run("rules", "install", path).returncode == 0
    assert "内容相同" in run("rules", "install", path).stdout
    edited = tmp_path / "edited.toml"
    edited.write_text(path.read_text(encoding="utf-8").replace("最高30分", "最高三十分"), encoding="utf-8")
    refused = run("rules", "install", edited)
    assert refused.returncode == 2 and "--force" in refused.stderr
    forced = run("rules", "install", edited, "--force")
    assert forced.returncode == 0 and "已备份" in forced.stdout
    assert len(list(rules_dir.glob("other-city-150.bak-*"))) == 1
    proc = run("validate", form, "--format", "json")
    warnings = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "template.ruleset"]
    assert warnings and warnings[0]["severity"] == "warning" and "内容不同" in warnings[0]["message"]


def test_install_refuses_broken_and_builtin_rule_sets(rules_dir, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(OTHER.read_text(encoding="utf-8").replace("points = 1.5,", "points = -1.5,"), encoding="utf-8")
    proc = run("rules", "install", broken)
    assert proc.returncode == 2 and "序号 1.2" in proc.stderr and not rules_dir.exists()
    builtin = tmp_path / "copy.toml"
    builtin.write_text((ROOT / "fullemp_xl" / "rulesets" / "zhangye-2023.toml").read_text(encoding="utf-8"), encoding="utf-8")
    proc = run("rules", "install", builtin)
    assert proc.returncode == 2 and "内置规则集" in proc.stderr


def test_uninstall(rules_dir, custom):
    path, _ = custom
    run("rules", "install", path)
    assert run("rules", "uninstall", "other-city-150").returncode == 0
    assert not (rules_dir / "other-city-150.toml").exists()
    proc = run("rules", "uninstall", "other-city-150")
    assert proc.returncode == 2 and "没有安装" in proc.stderr


def test_templates_build_from_a_file_says_to_install_it(rules_dir, custom, tmp_path):
    path, _ = custom
    proc = run("templates", "build", "--rules", path, "-o", tmp_path / "模板")
    assert proc.returncode == 0 and "fullemp rules install" in proc.stdout
    run("rules", "install", path)
    proc = run("templates", "build", "--rules", path, "-o", tmp_path / "模板2")
    assert "rules install" not in proc.stdout


def test_merge_reads_forms_of_an_installed_rule_set_without_flags(rules_dir, custom, tmp_path):
    path, form = custom
    folder = tmp_path / "甘州区"
    folder.mkdir()
    (folder / "南关社区考评表.xlsx").write_bytes(form.read_bytes())
    unknown = run("merge", folder, "-o", tmp_path / "汇总表1.xlsx", "--quiet", "--format", "json")
    assert unknown.returncode == 2 and "fullemp rules install" in unknown.stdout  # no form it can merge: refused
    run("rules", "install", path)
    proc = run("merge", folder, "-o", tmp_path / "汇总表.xlsx", "--quiet", "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    assert "143.5" in proc.stdout and "other-city-150" in proc.stdout
