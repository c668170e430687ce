"""Ledger workbooks (.xlsx): the import template, the import's error report, and the export of a village's ledger.

Every workbook is written in openpyxl's write-only mode (rows streamed, so 100,000 workers fit), and every text
cell that a spreadsheet would take for a formula (= + - @, tab, carriage return) is neutralised with a
leading apostrophe (OWASP ASVS V1.2.10). The import reads that apostrophe off again.
"""
from __future__ import annotations

import io
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker import vocabulary
from matchmaker.extensions import db
from matchmaker.matching.trades import display_name
from matchmaker.models import Trade, User, Village, Worker
from matchmaker.services import audit
from matchmaker.services.ledger_import import (COLUMNS, EDUCATION_CHOICES, NO, RADIUS_CHOICES, SKILL_LEVEL_CHOICES,
                                               YES, Row)
from matchmaker.services.permissions import require

FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
#: drop-downs and formats apply to this many rows below the header
TEMPLATE_ROWS = 100_000

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_ERROR_FONT = Font(color="C00000")
_WRAP = Alignment(wrap_text=True, vertical="top")

SEX, WORKER_STATUS = vocabulary.SEX, vocabulary.WORKER_STATUS


def neutralise(value):
    """A text cell that cannot run as a formula: '=1+1' → "'=1+1"; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_LEAD):
        return "'" + value
    return value


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(ws, labels, text_columns=()) -> None:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=str(label))
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cells.append(cell)
    ws.append(cells)


def _ledger_sheet(wb: Workbook, extra: list[str] = ()):
    """The ledger sheet with the template's headers, widths, text-formatted ID/phone columns and drop-downs."""
    ws = wb.create_sheet(_("劳动力台账"))
    ws.freeze_panes = "A2"
    for i, column in enumerate(COLUMNS, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = column.width + 2
        if column.text:
            dim.number_format = "@"
    for j, _label in enumerate(extra, start=len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 50
    last = TEMPLATE_ROWS + 1
    letter = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}

    def choose(key, options):
        names = ",".join(str(o).replace(",", " ") for o in options)
        dv = DataValidation(type="list", formula1=f'"{names}"', allow_blank=True, showErrorMessage=True,
                            errorTitle=_("请从下拉列表选择"), error=_("请从下拉列表中选择一项。"))
        dv.add(f"{letter[key]}2:{letter[key]}{last}")
        ws.data_validations.append(dv)

    choose("education", EDUCATION_CHOICES.values())
    choose("radius", RADIUS_CHOICES.values())
    for key in ("willing_to_train", "poor_household", "no_employed_member"):
        choose(key, (YES, NO))
    choose("skill_level", SKILL_LEVEL_CHOICES.values())
    wage = DataValidation(type="whole", operator="between", formula1="0", formula2="100000", allow_blank=True,
                          showErrorMessage=True, error=_("请输入 0–100000 之间的整数。"))
    wage.add(f"{letter['min_wage']}2:{letter['min_wage']}{last}")
    ws.data_validations.append(wage)
    _header(ws, [c.label for c in COLUMNS] + list(extra))
    return ws


def _instructions(wb: Workbook) -> None:
    ws = wb.create_sheet(_("填写说明"))
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 90
    ws.append([_("劳动力台账导入模板 · 填写说明")])
    for line in (
        _("1. 在“劳动力台账”工作表中，从第 2 行起一行填写一个人；不要修改表头，不要合并单元格。"),
        _("2. 同一身份证号在文件中只能出现一次；已在台账中登记的人员不能重复导入，请在台账中直接修改。"),
        _("3. 上传后平台会逐行检查，先显示预览；全部通过检查才可确认导入，任何一行有误都不会写入任何数据。"),
        _("4. 有错误时可下载错误报告：它就是这张表，最后多一列“错误原因”。按原因改好后可直接重新上传，“错误原因”列会被忽略。"),
        _("5. 也可以上传 CSV 文件（UTF-8 或 GBK 编码，即 Excel 的“CSV（逗号分隔）”），列名与本模板相同。"),
        _("6. 身份证号、手机号属于个人信息，请妥善保管本文件，用完及时删除。"),
    ):
        ws.append([line])
    ws.append([])
    header = []
    for label in (_("列名"), _("是否必填"), _("填写要求")):
        cell = WriteOnlyCell(ws, value=label)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    ws.append(header)
    for column in COLUMNS:
        hint = WriteOnlyCell(ws, value=str(column.hint))
        hint.alignment = _WRAP
        ws.append([str(column.label), _("必填") if column.required else _("选填"), hint])
    ws.append([])
    ws.append([_("示例"), "", _("张三 | 44142419900517001X | 13812345678 | 初中 | 本市 | 5000 | 是 | 否 | 否 | "
                               "焊工:2;电工 | 初级 | 焊工 | 2025-03-01 | 焊工:2 | 焊工岗前培训")])


def template() -> bytes:
    """The import template: the ledger sheet (headers, drop-downs, ID column as text) and the instructions."""
    wb = Workbook(write_only=True)
    _ledger_sheet(wb)
    _instructions(wb)
    return _save(wb)


def error_report(rows: list[Row], errors: dict[int, str]) -> bytes:
    """The uploaded rows in the template's layout with a 错误原因 column, each row at the row number it had in
    the uploaded file where possible (the messages name those numbers)."""
    wb = Workbook(write_only=True)
    ws = _ledger_sheet(wb, extra=[_("错误原因")])
    current = 1
    for row in rows:
        while current + 1 < row.number:
            ws.append([])
            current += 1
        cells = []
        for column in COLUMNS:
            value = neutralise(row.values.get(column.key, ""))
            if column.text:
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "@"
                cells.append(cell)
            else:
                cells.append(value)
        message = errors.get(row.number)
        if message:
            cell = WriteOnlyCell(ws, value=neutralise(message))
            cell.font = _ERROR_FONT
            cells.append(cell)
        ws.append(cells)
        current += 1
    _instructions(wb)
    return _save(wb)


EXPORT_HEADERS = (_l("姓名"), _l("身份证号"), _l("手机号"), _l("性别"), _l("出生日期"), _l("文化程度"),
                  _l("意向范围"), _l("期望月薪"), _l("愿意培训"), _l("建档立卡贫困户"), _l("零就业家庭"),
                  _l("技能工种"), _l("意向工种"), _l("可上岗日期"), _l("状态"), _l("登记日期"))


def export_ledger(actor: User, village: Village) -> tuple[bytes, int, str]:
    """The village's workers as a workbook, ID numbers and phones masked; the export is audited.
    Returns (file, number of workers, download name)."""
    require(actor, "view", village)
    trade_names = {tid: display_name(name) for tid, name in db.session.execute(select(Trade.id, Trade.name))}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("劳动力台账"))
    ws.freeze_panes = "A2"
    for i, width in enumerate((10, 22, 14, 6, 12, 14, 10, 10, 8, 14, 10, 24, 16, 12, 10, 12), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _header(ws, EXPORT_HEADERS)
    yes, no = str(YES), str(NO)
    query = (select(Worker).where(Worker.home_region_id == village.region_id, Worker.anonymised_at.is_(None))
             .options(selectinload(Worker.skills), selectinload(Worker.wanted_trades)).order_by(Worker.id)
             .execution_options(yield_per=1000))
    count = 0
    for w in db.session.scalars(query):
        skills = ";".join(f"{trade_names.get(s.trade_id, '')}:{s.level}" for s in w.skills)
        wanted = ";".join(trade_names.get(t.trade_id, "") for t in w.wanted_trades)
        ws.append([neutralise(v) for v in (
            w.name, w.id_number_masked, w.phone_masked, str(SEX.get(w.sex, w.sex)), w.birth_date,
            str(EDUCATION_CHOICES.get(w.education, "")), str(RADIUS_CHOICES.get(w.radius, "")), w.min_wage,
            yes if w.willing_to_train else no, yes if w.poor_household else no,
            yes if w.no_employed_member else no, skills, wanted, w.available_from,
            str(WORKER_STATUS.get(w.status, w.status)), w.created_at.date() if w.created_at else None)])
        count += 1
    audit.record(actor, "ledger.export", "village", village.id, rows=count, masked=True)
    db.session.commit()
    name = _("劳动力台账-%(village)s-%(day)s.xlsx", village=village.region.name, day=date.today().isoformat())
    return _save(wb), count, name
