"""汇总: many submissions in, one working summary workbook (汇总表.xlsx) out.

In: folders, workbooks and .zip archives as counties send them, an optional 社区名册, a rule set.
Out: the summary workbook the rest of the year runs on (公示, 认定公告, 补助资金, next year's registry), and
the same content as JSON.

    discover  → the files to read (zips opened in memory, lock/hidden/system files skipped and counted)
    workers   → each file read and scored in a child process (fullemp_xl.xlsx's strict reader + the pipeline)
    combine   → duplicates, 考评表/申报表 pairs, the registry, level changes, subsidy eligibility
    fullemp_xl.summary → the workbook; load reads it back (officials' columns included) for refresh and documents

It may import core, errors, rules, forms, assess (the pipeline), summary, registry (reading a 社区名册),
xlsx, screening and writing; nothing imports it but the api, the Excel merge handler and the demo.
"""
