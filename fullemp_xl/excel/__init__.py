"""The Excel side: an xlwings adapter, the 填报 / 校验 / 打分 / 清除标记 buttons and the UDFs.

Importing this package imports nothing heavy; xlwings itself is imported only by the modules that
Excel calls, and only xlwings' open-source parts are needed for the classic Windows / macOS path.
"""
