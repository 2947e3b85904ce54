"""The 汇总 button: in a 汇总表, refresh it from its recorded sources; anywhere else, merge a folder.

In a summary the officials' columns are kept: the workbook is saved first (so what was just typed
counts), closed while the file is rewritten (Excel holds open files locked on Windows), and opened
again. Elsewhere Excel's own folder picker asks for the counties' folder and the new summary is
written beside that folder and opened. Both need desktop Excel (the folder picker and reopening go
through Excel's object model); on Excel on the web the button says to use `fullemp merge` instead.
"""
from __future__ import annotations

from pathlib import Path

from .. import api
from .handlers import _alert, _guard

FOLDER_PICKER = 4  # msoFileDialogFolderPicker
WEB = "Excel 网页版不能选择文件夹、也不能重新打开工作簿：请在命令行运行 `fullemp merge 文件夹 -o 汇总表.xlsx`（或 `--refresh 汇总表.xlsx`）。"


def is_summary(book) -> bool:
    return api.is_summary_book(api.excel_book(book))


def summary_path(folder: Path) -> Path:
    """Beside the folder, named after it: 县区报送 -> 县区报送-汇总表.xlsx (never inside it, where the next
    merge would read it again)."""
    return folder.parent / f"{folder.name}-汇总表.xlsx"


def describe(result) -> str:
    text = (f"汇总完成：{result.communities} 个社区，符合认定条件 {result.eligible} 个；"
            f"无法使用的文件 {len(result.quarantined)} 个，重复提交 {len(result.duplicates)} 处")
    if result.missing is not None:
        text += f"，名册中未提交 {len(result.missing)} 个"
    if result.kept_decisions:
        text += f"。已保留官员为 {result.kept_decisions} 个社区填写的内容"
    return text + "。详见“问题清单”等工作表。"


def desktop(book) -> bool:
    """Desktop Excel (COM / AppleScript): the engine that can pick folders and reopen workbooks."""
    try:
        return book.app.engine.name == "excel"
    except Exception:
        return False


def pick_folder(book) -> Path | None:
    """Excel's own folder picker (desktop Excel); None when cancelled. Raises where there is none (web)."""
    dialog = book.app.api.FileDialog(FOLDER_PICKER)
    dialog.Title = "选择各县区报送的文件夹"
    if not dialog.Show():
        return None
    return Path(dialog.SelectedItems(1))


@_guard
def merge_book(book, folder: str | None = None) -> str:
    """汇总: refresh the open 汇总表, or merge a folder into a new one beside it."""
    if is_summary(book):
        if not desktop(book):  # the web has no file here to save, close and reopen
            return _alert(book, WEB)
        path = Path(book.fullname)
        book.save()
        app = book.app
        book.close()
        try:
            result = api.refresh(path)
        finally:
            reopened = app.books.open(str(path))
        return _alert(reopened, describe(result))
    if folder is None:
        if not desktop(book):
            return _alert(book, WEB)
        chosen = pick_folder(book)
        if chosen is None:
            return _alert(book, "没有选择文件夹，未汇总。")
    else:
        chosen = Path(folder)
    out = summary_path(chosen)
    result = api.merge([chosen], out, force=False)
    if desktop(book):
        book.app.books.open(str(out))
    return _alert(book, describe(result) + f"\n汇总表：{out}")


def merge() -> None:
    """RunPython entry point of the 汇总 button (classic add-in)."""
    import xlwings as xw

    merge_book(xw.Book.caller())
