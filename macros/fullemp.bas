Attribute VB_Name = "fullemp"
Option Explicit
' 充分就业 选项卡的按钮：每个按钮通过 xlwings 的 RunPython 调用 fullemp_xl.excel.handlers。
' 本文件由 `fullemp addin build` 生成，请勿手改。

Sub OnFill(control As IRibbonControl)
    RunPython "import fullemp_xl.excel.handlers as h; h.fill()"
End Sub

Sub OnValidate(control As IRibbonControl)
    RunPython "import fullemp_xl.excel.handlers as h; h.validate()"
End Sub

Sub OnScore(control As IRibbonControl)
    RunPython "import fullemp_xl.excel.handlers as h; h.score()"
End Sub

Sub OnClear(control As IRibbonControl)
    RunPython "import fullemp_xl.excel.handlers as h; h.clear()"
End Sub
