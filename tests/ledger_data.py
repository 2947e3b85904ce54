"""A test ledger of 205 persons in hand-described groups, and the counts worked out by hand from them.

The expected values below were counted from the group descriptions, not computed by fullemp.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from fullemp_xl.builder.lists import FIRST_DATA_ROW, build_ledger
from fullemp_xl.core.idnumber import check_digit

D = dt.date


def id_number(n: int, born: D = D(1985, 6, 1), region: str = "620702") -> str:
    first = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return first + check_digit(first)


# (how many, attributes) — attributes use the ledger column ids of zhangye-2023
GROUPS = [
    (60, dict(employed=True, employment_date=D(2020, 3, 1), stable_months=36)),                        # G1
    (20, dict(registered_unemployed=True, registration_date=D(2023, 1, 10), willing_able=True,        # G2 re-employed
              employed=True, employment_date=D(2023, 6, 15), stable_months=5, guided=True, tracked=True,
              service_recorded=True)),
    (5, dict(registered_unemployed=True, registration_date=D(2023, 2, 1), willing_able=True, trained=True,  # G3
             tracked=True, service_recorded=True)),
    (3, dict(registered_unemployed=True, registration_date=D(2023, 3, 1), tracked=True)),               # G4 not willing, not recorded
    (2, dict(unregistered=True)),                                                                      # G5
    (10, dict(hardship=True, employed=True, employment_date=D(2022, 1, 1), stable_months=20, trained=True,  # G6
              assistance_times=2, service_recorded=True)),
    (2, dict(hardship=True, assistance_times=1)),                                                      # G7 no record
    (1, dict(zero_family_id="F1", zero_family_date=D(2023, 4, 1), willing_able=True, employed=True,    # G8 F1 cleared
             employment_date=D(2023, 4, 20), stable_months=8)),
    (1, dict(zero_family_id="F1", zero_family_date=D(2023, 4, 1))),
    (1, dict(zero_family_id="F2", zero_family_date=D(2023, 5, 1), willing_able=True, employed=True,    # G9 F2 late
             employment_date=D(2023, 7, 15), stable_months=3, guided=True, service_recorded=True)),
    (1, dict(zero_family_id="F2", zero_family_date=D(2023, 5, 1), willing_able=True, guided=True)),
    (1, dict(zero_family_id="F2", zero_family_date=D(2023, 5, 1))),
    (9, dict(disabled=True, disabled_registered=True, willing_able=True, employed=True,                # G10
             employment_date=D(2019, 1, 1), stable_months=48)),
    (1, dict(disabled=True, disabled_registered=True, willing_able=True)),
    (17, dict(disabled=True, disabled_registered=True)),
    (3, dict(disabled=True)),
    (48, dict(retired=True, retired_managed=True)),                                                    # G11
    (2, dict(retired=True)),
    (4, dict(graduate=True, willing_able=True, guided=True)),                                          # G12
    (2, dict(veteran=True, willing_able=True, employed=True, employment_date=D(2023, 2, 1), stable_months=10)),
    (1, dict()),                                                                                       # G13 nobody special
    (1, dict(employment_date=D(2023, 1, 1), leave_date=D(2023, 6, 30))),                               # G14 left
    (10, dict(employed=True)),                                                                         # G15 no date
]

EXPECTED_COUNTS = {
    "unemployed_unregistered": 2,
    "unemployed_willing": 25,          # G2 20 + G3 5
    "unemployed_reemployed": 20,       # G2
    "hardship_total": 12,              # G6 10 + G7 2
    "hardship_employed": 10,
    "hardship_trained": 10,
    "hardship_assisted": 12,
    "zero_families": 2,                # F1, F2
    "zero_families_cleared": 1,        # F1 (20 days); F2's first job came 2.5 months later
    "zero_members_unstable": 2,        # F2: the one employed 3 months, the one not employed
    "disabled_total": 30,
    "disabled_registered": 27,
    "disabled_able_willing": 10,
    "disabled_employed": 9,
    "retirees_total": 50,
    "retirees_managed": 48,
}
EXPECTED_FLAGS = {
    "zero_service_recorded": False,    # F2's second member was guided without a record
    "unemployed_served": True,         # G2 guided, G3 trained
    "key_groups_served": True,
    "assistance_recorded": False,      # G7
    "tracking_served": True,           # G2, G3, G4 all tracked
    "tracking_recorded": False,        # G4
}


def persons(groups=GROUPS) -> list[dict]:
    out, n = [], 0
    for count, attrs in groups:
        for _ in range(count):
            n += 1
            out.append({"name": f"测试{n:03d}", "id_number": id_number(n), **attrs})
    return out


def write_ledger(path: Path, ruleset, people: list[dict], identity=("甘州区", "东街街道", "南关社区")) -> Path:
    wb = build_ledger(ruleset)
    info = wb["单位信息"]
    for row, value in zip((3, 4, 5), identity):
        info[f"B{row}"] = value
    ws = wb["台账"]
    order = [c.id for c in ruleset.ledger.columns]
    for k, person in enumerate(people):
        for j, col in enumerate(order, start=1):
            value = person.get(col)
            if isinstance(value, bool):
                value = "是" if value else None
            ws.cell(FIRST_DATA_ROW + k, j, value)
    wb.save(path)
    return path
