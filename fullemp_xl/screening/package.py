"""The zip container: too many or too large members, compression bombs, encrypted members."""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import UnusableFile
from .limits import MIB, Limits

READABLE_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
BOMB = "文件解压后异常巨大（疑似“压缩炸弹”），已拒绝处理"


def check_members(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.members:
        raise UnusableFile(path, f"压缩包内的文件过多（{len(infos)} 个，上限 {limits.members} 个），不像正常的工作簿，已拒绝处理")
    if sum(i.file_size for i in infos) > limits.unpacked_bytes:
        raise UnusableFile(path, f"{BOMB}（解压后超过 {limits.unpacked_bytes // MIB} MB）")
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnusableFile(path, "工作簿的压缩包设置了密码，无法读取：请在 Excel 中打开后重新保存为普通的 .xlsx")
        if info.file_size > MIB and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise UnusableFile(path, BOMB)
        if info.compress_type not in READABLE_COMPRESSION:
            raise UnusableFile(path, "工作簿使用了不常见的压缩方式，无法读取：请用 Excel 打开后重新保存为 .xlsx")
