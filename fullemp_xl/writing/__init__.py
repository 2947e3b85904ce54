"""The one write path: every workbook fullemp changes or creates goes through here.

In:  the bytes of a workbook as read from disk (or a callable that writes a new file), and the
     cells, formats, notes and sheets fullemp owns.
Out: a file on disk, written atomically — under a lock, refusing a file open in Excel, changed
     since it was read or read-only, with a backup that never overwrites an earlier one.

- `files`     temporary file + rename, backups, modes, symlinks, stale temporary files;
              `write_output` (a new file) and `replace_file` / `Update` (in place).
- `lock`      our lock files, Excel's '~$' owner files, FileState (changed since read?).
- `workbook`  WorkbookPatch: surgical changes to a package; every part we do not own is copied
              with its stored bytes (`package`, `sheet`, `styles`, `notes`, `newsheet`, `zipout`).
- `text`      the safe-text rule for outside data (`looks_like_formula`, `put_text`, `Formula`).
- `stamp`     many copies of one form with a few cells changed each, fast (registry fill).

May import: openpyxl (cell-reference and formula utilities), the standard library, and
`fullemp_xl.errors`. Nothing else of ours.
"""
from importlib import import_module

# Loaded on first use: a worker that only needs `text` (the merge reads, it writes nothing) must not pay
# for openpyxl, which `workbook` and `newsheet` import.
_WHERE = {"Update": "files", "replace_file": "files", "write_output": "files", "FileState": "lock",
          "Formula": "text", "looks_like_formula": "text", "put_text": "text", "WorkbookPatch": "workbook"}
__all__ = list(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
