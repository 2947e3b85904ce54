"""The buttons of the 充分就业 ribbon tab, as plain data: adding a button is adding one entry.

Each button names its RunPython entry point (a function without arguments that acts on the
workbook Excel has open); `fullemp addin build` generates the ribbon XML and the VBA callback from
the entry, and `fullemp addin check` verifies that the entry point imports and takes no arguments.
"""
from __future__ import annotations

from dataclasses import dataclass

ADDIN_NAME = "fullemp"  # the .xlam, its VBA project and the xlwings config sheet (fullemp.conf)
TAB = ("fullempTab", "充分就业")


@dataclass(frozen=True)
class Button:
    id: str  # ribbon control fe<id>, VBA callback On<id>
    label: str
    target: str  # "module:function", the RunPython entry point
    image: str  # imageMso: a name in excel_imagemso.txt (Excel's own control identifiers)
    tip: str
    group: str = "考评表与申报表"

    @property
    def control(self) -> str:
        return f"fe{self.id}"

    @property
    def callback(self) -> str:
        return f"On{self.id}"

    @property
    def module(self) -> str:
        return self.target.split(":")[0]

    @property
    def function(self) -> str:
        return self.target.split(":")[1]


BUTTONS = (
    Button("Fill", "填报", "fullemp_xl.excel.handlers:fill", "GetExternalDataImportClassic", "从台账数出基础数据，填入考评表或申报表"),
    Button("Validate", "校验", "fullemp_xl.excel.handlers:validate", "DataValidationCircleInvalid",
           "检查数据，把有问题的单元格标色并加批注"),
    Button("Score", "打分", "fullemp_xl.excel.handlers:score", "AutoSum", "按评分标准重新计算，写入扣分说明和认定意见"),
    Button("Clear", "清除标记", "fullemp_xl.excel.handlers:clear", "ClearFormats", "清除“校验”添加的颜色、批注和校验结果表"),
    Button("Merge", "汇总", "fullemp_xl.excel.merge_handler:merge", "PivotTableInsert",
           "在汇总表中：按记录的来源重新汇总，保留官员填写的列；在别处：选择各县区报送的文件夹，生成新的汇总表",
           group="汇总与公示"),
    Button("Notice", "公示", "fullemp_xl.excel.documents_handlers:notice", "FilePublishAsWebPage",
           "按打开的汇总表生成公示文书（Word），写在汇总表旁边", group="汇总与公示"),
    Button("Announce", "公告", "fullemp_xl.excel.documents_handlers:announce", "SignatureLineInsert",
           "按汇总表中最终认定的社区生成认定公告（Word）", group="汇总与公示"),
    Button("Subsidy", "补助", "fullemp_xl.excel.documents_handlers:subsidy", "AccountingFormat",
           "按县区生成补助资金明细（Word 和给财务的工作簿）", group="汇总与公示"),
)
