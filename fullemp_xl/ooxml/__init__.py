"""What every reader and writer of the Office Open XML files shares: A1 cell references (`a1`), the one
safe XML parse (`xml`), part names and relationship targets (`parts`). Imports nothing of ours; screening,
the reader (`xlsx`), `writing`, the ledger, the summary and the Excel side use it.
"""
