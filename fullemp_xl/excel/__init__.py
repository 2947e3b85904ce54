"""The Excel side: the 填报 / 校验 / 打分 / 清除标记 / 汇总 / 公示 / 公告 / 补助 buttons, the UDFs, xlwings Server.

It reaches the rest of the package only through `fullemp_xl.api` (plus `errors` and `core`); the
xlwings adapter is forms.xlwingsbook, the add-in's generator is fullemp_xl.addin.

Importing this package imports nothing heavy; xlwings itself is imported only by the modules that
Excel calls, and only xlwings' open-source parts are needed for the classic Windows / macOS path.
"""
