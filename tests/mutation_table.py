"""The mutation table of docs/developer.md, from what `mutmut run` left in mutants/ (run from the project root).

    python3 tests/mutation_table.py            # the table, then every survivor not listed as equivalent

Killed counts what a test noticed (a failure, a timeout, a crash); survived counts what none did (a mutant no
test even runs included). Equivalent mutants (below) change the code without changing any result; the score is
killed ÷ (mutants − equivalent). Mutant names are numbered per function: after an edit, re-check this list.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DETECTED = {"killed", "timeout", "segfault", "suspicious"}

# mutant name -> why no input can tell it from the original (kept in step with docs/developer.md)
_OTHER_PATH = ("整数快路径的条件改了：换走另一条路，两条路都按精确分数比较（计数是整数，其他事实是 Fraction），"
               "结果相同")
_SHARED_RESULT = ("最常见的格（0–1000 的整数、“是”“否”）的共享结果：条件改了就走一般的路，得到相等的 Parsed"
                  "（冻结的数据类，按值比较）")
_RATES_UNUSED = "rates 换成 None：条件的 fields 不读比率定义（FactTest、RateTest、AllOf 都不用这个参数）"
EQUIVALENT: dict[str, str] = {
    "fullemp_xl.engine.scoring.x__compiled__mutmut_17": "seen.setdefault(fact, None) 写成 setdefault(fact)：None 本来就是默认值",
    "fullemp_xl.engine.scoring.x__compiled__mutmut_18": "缓存在 ≥ 10 000 条而不是 > 10 000 条时清空：只是内存上限，返回的基础数据相同",
    "fullemp_xl.engine.scoring.x__compiled__mutmut_19": "缓存在超过 10 001 条而不是 10 000 条时清空：同上",
    "fullemp_xl.engine.scoring.x_total__mutmut_8": "有分数时求和不写起始值 Fraction(0)：整数 0 加 Fraction 仍是 Fraction，和相等",
    "fullemp_xl.rules.conditions.xǁAllOfǁfields__mutmut_1": _RATES_UNUSED,
    # the integer fast paths: choosing the other path changes nothing, both compare exactly (the property tests in
    # tests/rules/test_rule_parts_exact.py hold either path to exact fractions; counts are ints, other facts Fractions)
    "fullemp_xl.rules.conditions.xǁFactTestǁholds__mutmut_15": _OTHER_PATH,
    "fullemp_xl.rules.conditions.xǁFactTestǁholds__mutmut_16": _OTHER_PATH,
    "fullemp_xl.rules.conditions.xǁRateTestǁholds__mutmut_7": _OTHER_PATH,
    "fullemp_xl.rules.conditions.xǁRateTestǁholds__mutmut_8": _OTHER_PATH,
    "fullemp_xl.rules.conditions.xǁRateTestǁholds__mutmut_9": _OTHER_PATH,
    "fullemp_xl.rules.conditions.xǁRateTestǁholds__mutmut_10": _OTHER_PATH,
    "fullemp_xl.rules.conditions.xǁRateTestǁholds__mutmut_11": _OTHER_PATH,
    "fullemp_xl.rules.kinds.xǁAwardǁfields__mutmut_2": _RATES_UNUSED,
    "fullemp_xl.rules.kinds.xǁDeductǁfields__mutmut_2": _RATES_UNUSED,
    "fullemp_xl.rules.kinds.xǁBandsǁfields__mutmut_2": _RATES_UNUSED,
    "fullemp_xl.rules.kinds.xǁVetoǁfields__mutmut_2": _RATES_UNUSED,
    # the shared results for the commonest cells: without them the general path gives an equal Parsed
    "fullemp_xl.core.numbers.x_parse_count__mutmut_2": _SHARED_RESULT,
    "fullemp_xl.core.numbers.x_parse_count__mutmut_4": _SHARED_RESULT,
    "fullemp_xl.core.numbers.x_parse_count__mutmut_5": _SHARED_RESULT,
    "fullemp_xl.core.numbers.x_parse_count__mutmut_6": _SHARED_RESULT,
    "fullemp_xl.core.numbers.x_parse_flag__mutmut_3": _SHARED_RESULT,
    "fullemp_xl.core.numbers.x_parse_flag__mutmut_8": _SHARED_RESULT,
    "fullemp_xl.core.workdays.x_add_workdays__mutmut_5": "step = 1 if n > 0：只在 n = 0 时不同，而那时一步也不走",
    "fullemp_xl.core.workdays.x_add_workdays__mutmut_6": "step = 1 if n >= 1：同上",
}


def status(code) -> str:
    from mutmut.stats import status_by_exit_code

    return status_by_exit_code[code]


def rows(root: Path = ROOT):
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    for path in config["only_mutate"]:
        meta = root / "mutants" / f"{path}.meta"
        if not meta.exists():
            yield path, None
            continue
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        yield path, {name: status(code) for name, code in codes.items()}


def main() -> int:
    print("| module | mutants | killed | survived | equivalent | score |")
    print("|---|---:|---:|---:|---:|---:|")
    open_survivors = []
    for path, results in rows():
        module = path.removeprefix("fullemp_xl/")
        if results is None or "not checked" in results.values():
            print(f"| {module} | not run | | | | |")
            continue
        killed = sum(s in DETECTED for s in results.values())
        equivalent = [n for n, s in results.items() if s not in DETECTED and n in EQUIVALENT]
        survived = [n for n, s in results.items() if s not in DETECTED and n not in EQUIVALENT]
        open_survivors += survived
        score = killed / (len(results) - len(equivalent))
        print(f"| {module} | {len(results)} | {killed} | {len(survived)} | {len(equivalent)} | {score:.1%} |")
    for name in open_survivors:
        print("survived:", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
