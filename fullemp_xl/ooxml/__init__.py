"""What every reader and writer of the Office Open XML files shares: A1 cell references (`a1`).
Imports nothing of ours but errors and core; screening, the reader (`xlsx`) and `writing` use it.
"""
