"""The Excel add-in: ribbon buttons as data, the VBA generated from them, the .xlam, check and install.

In: `buttons.BUTTONS` (one entry per ribbon button, naming its RunPython entry point) and the
UDFs of `excel.udfs`. Out: the macros/ sources (customUI.xml and our VBA modules), `fullemp.xlam`
with those modules and xlwings' runtime module in a VBA project written by `addin.vba`, the
findings of `fullemp addin check`, and the Windows install. It sits below `api` (which offers
build, check and install to the command line) and so names the Excel side only by module name:
`excel.udfs` and the handlers the buttons name are imported by name (importlib) when the VBA is
generated or checked, never by an import statement; xlwings only for its runtime module.
"""
from .buttons import ADDIN_NAME, BUTTONS, Button
from .macros import custom_ui, macro_files, vba_modules, write_macros
from .package import build_xlam

__all__ = ["ADDIN_NAME", "BUTTONS", "Button", "build_xlam", "custom_ui", "macro_files", "vba_modules", "write_macros"]
