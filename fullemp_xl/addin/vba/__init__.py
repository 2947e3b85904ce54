"""A VBA project (`vbaProject.bin`) written from module sources, without Office — MS-OVBA.

In: the project's name, description and modules (name, kind, ASCII source). Out: the bytes of the
compound file Excel reads from `xl/vbaProject.bin`. `compression` is MS-OVBA §2.4.1; `project`
writes the dir, PROJECT, PROJECTwm and _VBA_PROJECT streams and hands the storage tree to
ms-cfb, which writes the compound file. Imports nothing of fullemp's.
"""
from .compression import compress
from .project import Module, vba_project

__all__ = ["Module", "compress", "vba_project"]
