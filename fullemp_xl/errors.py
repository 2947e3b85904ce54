"""The errors fullemp reports to a person: one base class carrying a Chinese message and an exit code.

The exit codes are the documented ones (README 退出码): 0 clean, 1 the input has errors (findings),
2 the input or the arguments cannot be used. Every error a command may end with derives from
`FullempError`; its `message` is Chinese and says what to do, its `exit_code` is 1 or 2. The
command line and the Excel buttons turn them into a message, never a traceback.

Imports nothing of ours: every part of the package may import it.
"""
from __future__ import annotations

from pathlib import Path

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class FullempError(Exception):
    """Base of every error fullemp reports: `message` (Chinese, what to do) and `exit_code` (1 or 2)."""

    exit_code: int = EXIT_UNUSABLE

    def __init__(self, message: str = "", *args):
        self.message = message
        super().__init__(*(args or (message,)))


class UnusableFile(FullempError):
    """The file cannot be used at all; `message` is Chinese and says what to do (exit code 2)."""

    def __init__(self, path, message: str):
        self.path = Path(path)
        super().__init__(message, f"{self.path.name}: {message}")
