"""What `fullemp merge` prints: a short text for people, and a JSON document for programs.

The JSON carries the same content as the workbook (read back from it, so they cannot differ), with
keys that do not depend on the rule set: stages and items are values in lists, not keys.
"""
from __future__ import annotations

from ..core.jsondoc import document
from ..core.model import SEVERITY_LABEL
from ..summary.load import load_summary
from .run import MergeResult
from ..summary.status import standing


def as_text(r: MergeResult) -> str:
    scope = f"{r.county}，" if r.county else ""
    lines = [f"汇总（{scope}规则集 {r.ruleset.id} {r.ruleset.version}，{r.year}年）：找到 {r.files['found']} 个工作簿"]
    if r.skipped:
        lines[-1] += "；另跳过 " + "、".join(f"{k} {v} 个" for k, v in r.skipped.items())
    if r.year_note:
        lines.append(f"  注意：{r.year_note}")
    lines += [f"  名册：{note}" for note in r.registry_notes]
    lines.append(f"  考评表 {r.files['assessments']} 份、申报表 {r.files['declarations']} 份，无法使用 {r.files['quarantined']} 份")
    lines.append(f"  社区 {r.communities} 个，符合认定条件 {r.eligible} 个；重复提交 {len(r.duplicates)} 处")
    if r.missing is not None:
        lines.append(f"  名册中未提交 {len(r.missing)} 个，名册外 {len(r.outside)} 个")
    if r.counties:
        lines.append("  分县统计：")
        for c in r.counties:
            reg = f"名册 {c['registry']}，" if c.get("registry") is not None else ""
            avg = "—" if c["average"] is None else f"{c['average']:g}"
            lines.append(f"    {c['county']}：{reg}提交 {c['submitted']}，符合认定条件 {c['eligible']}，平均分 {avg}")
    if r.own_files:
        lines.append("  跳过的本程序文件（不是提交的表格）：")
        lines += [f"    {source}：{reason}" for source, reason in r.own_files[:20]]
        if len(r.own_files) > 20:
            lines.append(f"    ……共 {len(r.own_files)} 个")
    if r.quarantined:
        lines.append("  无法使用的文件（详见“问题清单”）：")
        lines += [f"    {source}：{reason}" for source, reason in r.quarantined[:20]]
        if len(r.quarantined) > 20:
            lines.append(f"    ……共 {len(r.quarantined)} 个")
    for d in r.duplicates[:10]:
        lines.append(f"  重复提交：{d.county} {d.street} {d.community}：采用 {d.kept}，未采用 {d.dropped}（{d.why}）")
    counts = "，".join(f"{SEVERITY_LABEL[k]} {v} 条" for k, v in r.problems.items() if v)
    if counts:
        lines.append(f"  问题清单：{counts}")
    if r.kept_decisions:
        lines.append(f"  已保留官员在上次汇总中为 {r.kept_decisions} 个社区填写的内容（实地考察、公示异议、最终认定等）")
    if r.county_summaries:
        lines.append(f"  采用了 {len(r.county_summaries)} 份县（区）汇总表中的实地考察和县（区）公示结果（{r.carried} 个社区）："
                     + "、".join(r.county_summaries[:10]))
    if r.changes:
        lines.append(f"  官员填写的内容自上次汇总以来修改了 {r.changes} 处：已记入“变更记录”工作表")
    if r.lost_decisions:
        lines.append("  注意：以下社区上次填写了内容，本次找不到对应的社区（考评表未提交、改名或街道不同），"
                     "填写的内容保留在“未对应的决定”工作表：" + "、".join(r.lost_decisions[:10]))
    lines += [f"  注意：{a}" for a in r.ambiguous[:10]]
    lines += [f"  注意：{p}" for p in r.decision_problems[:10]]
    lines.append(f"已写入：{r.summary}" + (f"（原汇总表备份为 {r.backup}）" if r.backup else ""))
    return "\n".join(lines)


def as_json(r: MergeResult, refreshed: str | None = None) -> dict:
    """The document `fullemp merge --format json` prints (jsondoc: fullemp.merge/1)."""
    summary = load_summary(r.summary)
    rs = summary.ruleset
    communities = []
    for row in summary.rows:
        st = standing(row, rs.publication)
        d = row.decisions
        communities.append({
            "county": row.county, "street": row.street, "community": row.community, "code": row.code,
            "items": [{"id": i.id, "points": float(i.points), "score": row.items.get(i.id)} for i in rs.items],
            "stage": row.stage_label,
            "totals": [{"stage": s.id, "label": s.label, "recomputed": row.totals.get(s.id),
                        "recorded": row.recorded.get(s.id)} for s in rs.stages],
            "total": row.total, **({"parts": dict(row.parts)} if row.parts else {}), "gates": row.gates, "level": row.level, "eligible": row.eligible,
            "recommend": row.recommend, "prior_title": row.prior_title, "prior_year": row.prior_year,
            "change": row.change, "national_subsidy": row.national_subsidy,
            "provincial_subsidy": row.provincial_subsidy, "subsidy": row.subsidy,
            "errors": row.errors, "warnings": row.warnings, "in_registry": row.in_registry,
            "file": row.source, "declaration": row.declaration or None,
            "decisions": {"inspection": d.inspection, "objection": d.objection, "city_objection": d.city_objection,
                          "final": d.final, "civil": d.civil, "new_name": d.new_name, "note": d.note},
            "standing": {"county_notice": st.county_notice, "city_notice": st.city_notice, "certified": st.certified,
                         "excluded": st.excluded, "step": st.step},
        })
    return {
        **document("merge", inputs=summary.sources, refreshed=refreshed),
        "summary": str(r.summary), "backup": str(r.backup) if r.backup else None, "generated": r.generated,
        "ruleset": {"id": rs.id, "version": rs.version, "name": rs.name, "provisional": rs.provisional or None},
        "year": r.year, "files": r.files, "skipped": r.skipped_codes,
        "communities": communities,
        "counties": r.counties,
        "duplicates": [{"county": d.county, "street": d.street, "community": d.community, "kept": d.kept,
                        "dropped": d.dropped, "why": d.why} for d in r.duplicates],
        "missing": None if r.missing is None else [
            {"county": e.county, "street": e.street, "community": e.community, "code": e.code} for e in r.missing],
        "outside": r.outside,
        "quarantined": [{"file": s, "reason": reason} for s, reason in r.quarantined],
        "own_files": [{"file": s, "reason": reason} for s, reason in r.own_files],
        "registry_notes": r.registry_notes, "year_note": r.year_note or None,
        "problems": dict(r.problems),
        "kept_decisions": r.kept_decisions, "lost_decisions": r.lost_decisions, "changes": r.changes,
        "ambiguous": r.ambiguous, "county": r.county or None, "county_summaries": r.county_summaries,
        "carried": r.carried,
    }
