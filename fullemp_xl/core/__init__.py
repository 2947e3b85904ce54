"""Plain data and pure helpers: the model, numbers as people type them, money, working days, ID numbers,
file names, the JSON documents. Imports nothing of ours but errors; every other part may import it.
"""

DEFAULT_RULESET = "zhangye-2023"  # the rule set used when none is given or recorded: the one place it is named
