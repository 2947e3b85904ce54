"""文书: the Word documents published from the summary — 公示, 认定公告, 补助资金明细 — and their PDFs.

In: the summary workbook (summary.load.Summary, with the officials' decision columns), the issuing-office
profile (profile.py), the holiday calendar (workdays), a template (templates.py builds the defaults;
an office may bring its own .docx with jinja2 tags, listed in tags.py).
Out: .docx files on the GB/T 9704 layout (layout.py), PDFs through LibreOffice (pdf.py, fonts.conf),
and the subsidy table as a workbook for the finance office (finance.py).

    context   → who is listed (summary.status.standing, shared with the summary) and each tag's value
    engine    → template check (broken / unknown tags, with where) and sandboxed docxtpl rendering
    publish   → the entry points: make_notice, make_announcement, make_subsidy
It may import core, errors, rules, summary (load, model, status, the workbook's constants) and writing.
Only the api, the Excel handlers and the demo import it.
"""
