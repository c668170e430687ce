"""Bulk import of the labour ledger (劳动力台账) from Excel (.xlsx) or CSV: read, check every row, then all or none.

Three steps, each a function:

- ``parse(data, filename)`` reads the file into rows of cleaned text (a broken, mis-encoded or dangerous file
  is refused as a whole with a DomainError);
- ``validate(actor, village, rows)`` checks every row with the same rules as the single-entry form
  (``services.workers.validate_entry``), finds duplicates inside the file and against the ledger and trades it
  cannot recognise (with suggestions), and returns a ``Preview``;
- ``commit(actor, village, rows)`` validates again and writes every row in one transaction with bulk inserts,
  or nothing at all.

Between the preview and the confirmation the uploaded file waits under the instance folder
(``instance/imports/<random token>.<xlsx|csv>`` with a ``.json`` beside it naming its owner and village): the
user's filename is never a path, and only the user who uploaded it, for their own village, can see it again.
"""
from __future__ import annotations

import csv
import io
import json
import re
import secrets
import time
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from matchmaker import vocabulary
from matchmaker.extensions import db
from matchmaker.models import Certificate, Trade, TrainingRecord, User, Village, WantedTrade, Worker, WorkerSkill
from matchmaker.orm import utcnow
from matchmaker.services import audit, matching, pii
from matchmaker.services.errors import DomainError, NotFound, refused_on_conflict
from matchmaker.services.permissions import load_for, require
from matchmaker.services.workers import LedgerEntry, _duplicate_error, validate_entry

# --- limits ------------------------------------------------------------------------------------------------

MAX_ROWS = 200_000
#: an .xlsx is a zip: refuse archives with too many entries or too much inflated data before opening them
MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED = 400 * 1024 * 1024
#: rows per INSERT … VALUES batch
BATCH = 1_000
#: at most this many new workers are announced to the matching index one by one; more → one rebuild
SMALL_IMPORT = 50
#: uploads left unconfirmed are removed after this many seconds
KEEP_UPLOADS = 7 * 24 * 3600
HEADER_SCAN_ROWS = 10

# --- the columns ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string: the header in the user's language
    hint: object  # what the instructions sheet says about it
    required: bool = False
    width: int = 12
    text: bool = False  # formatted as text in the template (ID numbers, phones)


COLUMNS: tuple[Column, ...] = (
    Column("name", _l("姓名"), _l("必填，不超过 40 个字。"), required=True, width=10),
    Column("id_number", _l("身份证号"), _l("必填，18 位，最后一位可为 X。本列已设为文本格式：请勿改为数字格式，"
                                          "Excel 数字只保留 15 位有效数字，后几位会变成 0。"),
           required=True, width=22, text=True),
    Column("phone", _l("手机号"), _l("选填，11 位手机号。"), width=14, text=True),
    Column("education", _l("文化程度"), _l("从下拉列表选择：未上学、小学、初中、高中/中专/技校、大专、本科及以上。"
                                          "留空按初中。")),
    Column("radius", _l("意向范围"), _l("愿意去多远就业，从下拉列表选择：本村附近、本县、本市、省内、不限。留空按本市。")),
    Column("min_wage", _l("期望月薪"), _l("选填，期望的最低月薪，整数（元），0–100000。")),
    Column("willing_to_train", _l("愿意培训"), _l("是 / 否，留空按否。")),
    Column("poor_household", _l("建档立卡贫困户"), _l("是 / 否（含脱贫户），留空按否。"), width=14),
    Column("no_employed_member", _l("零就业家庭"), _l("是 / 否，留空按否。")),
    Column("skills", _l("技能工种"), _l("选填。一个或多个工种，用分号“;”隔开；每个工种可在冒号后写等级，"
                                       "如“焊工:2;电工:中级”。等级 1–5：1 五级/初级工，2 四级/中级工，3 三级/高级工，"
                                       "4 二级/技师，5 一级/高级技师。平台会把常见叫法（如“电焊工”）对应到国家职业分类的工种名，"
                                       "认不出的会给出建议。"), width=20),
    Column("skill_level", _l("技能等级"), _l("选填，从下拉列表选择；用于“技能工种”中没有写等级的工种，都没写按初级。"),
           width=14),
    Column("wanted_trades", _l("意向工种"), _l("选填，想从事的工种，多个用分号“;”隔开。"), width=16),
    Column("available_from", _l("可上岗日期"), _l("选填，日期，如 2025-03-01。"), width=12),
    Column("certificates", _l("职业技能等级证书"), _l("选填。持有的证书，写法同“技能工种”：工种:等级，多个用分号“;”隔开，"
                                                  "如“焊工:3;电工:2”。证书必须写明等级。"), width=20),
    Column("trainings", _l("已结业培训"), _l("选填。已结业的培训课程名称，多个用分号“;”隔开，如“焊工岗前培训;电工安全培训”，"
                                         "每门不超过 120 个字，最多 20 门。"), width=20),
)
TRAINING_MAX, COURSE_MAX = 20, 120
COLUMN = {c.key: c for c in COLUMNS}

# The listed choices are the names the pages use for the same codes.
EDUCATION_CHOICES, RADIUS_CHOICES, SKILL_LEVEL_CHOICES = vocabulary.EDUCATION, vocabulary.RADIUS, vocabulary.SKILL_LEVEL
YES, NO = _l("是"), _l("否")

# What people write besides the listed choices (input vocabulary, not shown on screen).
_EDUCATION_WORDS = {"文盲": 0, "无": 0, "没上过学": 0, "小学": 1, "初中": 2, "高中": 3, "中专": 3, "技校": 3,
                    "职高": 3, "中职": 3, "大专": 4, "高职": 4, "专科": 4, "本科": 5, "研究生": 5, "硕士": 5,
                    "博士": 5}
_RADIUS_WORDS = {"本村": "village", "本镇": "village", "村内": "village", "县内": "county", "本县内": "county",
                 "市内": "city", "本市内": "city", "全省": "province", "省内": "province", "全国": "anywhere",
                 "跨省": "anywhere", "外省": "anywhere"}
_TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无", "没有"}
_LEVEL_WORDS = (("高级技师", 5), ("技师", 4), ("一级", 5), ("二级", 4), ("三级", 3), ("四级", 2), ("五级", 1),
                ("初级", 1), ("中级", 2), ("高级", 3))
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Control characters (C0 but tab and newline, DEL, C1) and non-characters never belong in a ledger; a
# spreadsheet's line separators count as newlines. PostgreSQL refuses NUL outright.
_ZERO_WIDTH.update(dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                                  0xFFFE, 0xFFFF]))
_ZERO_WIDTH.update({0x2028: "\n", 0x2029: "\n"})
#: a cell quoted in an error message is cut to this many characters
QUOTE_MAX = 40
_FORMULA_LEAD = "=+-@\t\r"
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"[;,、\n]+")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


# --- reading the file --------------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row: ``number`` is the row as Excel shows it; ``values`` cleaned text by column key."""

    number: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)  # found while reading (an ID stored as a number)


def clean(value) -> str:
    """A cell as text: NFKC (full-width digits and letters → half-width), no zero-width characters, trimmed;
    a leading apostrophe that neutralised a formula-looking cell on export is taken off again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value)
    # Printable ASCII is its own NFKC form and holds nothing to strip out: most cells (IDs, phones, dates, levels)
    if not (s.isascii() and s.isprintable()):
        s = unicodedata.normalize("NFKC", s).translate(_ZERO_WIDTH)
    s = s.strip()
    if len(s) > 1 and s[0] == "'" and s[1] in _FORMULA_LEAD:
        s = s[1:]
    return s


def _quote(value: str) -> str:
    """A cell's text as an error message quotes it: a huge cell is cut, not copied whole into the report."""
    return value if len(value) <= QUOTE_MAX else value[:QUOTE_MAX] + "…"


def _header_key(text: str) -> str:
    s = clean(text).replace(" ", "")
    s = re.sub(r"\(.*?\)", "", s)  # "手机号(选填)" → "手机号"
    return s.strip("*")


def _header_map() -> dict[str, str]:
    """Header text (in every language the site speaks) → column key."""
    out: dict[str, str] = {}
    for lang in current_app.config.get("LANGUAGES", ["zh_CN"]):
        with force_locale(lang):
            for c in COLUMNS:
                out.setdefault(_header_key(str(c.label)), c.key)
    for c in COLUMNS:  # and in the current language
        out.setdefault(_header_key(str(c.label)), c.key)
    out.setdefault("身份证号码", "id_number")
    out.setdefault("手机号码", "phone")
    out.setdefault("联系电话", "phone")
    return out


def _file_kind(data: bytes, filename: str) -> str:
    ext = Path(filename or "").suffix.lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DomainError(_("不支持旧版 Excel（.xls）文件：请在 Excel 或 WPS 中“另存为”.xlsx 或 CSV 后再上传。"))
    if ext in (".xlsx", ".xlsm"):
        raise DomainError(_("该文件不是有效的 Excel（.xlsx）文件，可能已损坏。请重新保存后再上传。"))
    if ext in (".csv", ".txt"):
        return "csv"
    raise DomainError(_("只支持 Excel（.xlsx）和 CSV 文件。"))


def _check_zip(data: bytes) -> None:
    """Refuse zip bombs before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DomainError(_("该文件不是有效的 Excel（.xlsx）文件，可能已损坏。请重新保存后再上传。")) from None
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise DomainError(_("该 Excel 文件解压后过大，无法导入。请删除无关的工作表或分批上传。"))


def _open_workbook(data: bytes):
    """The workbook in read-only mode (rows streamed, never all in memory), after the zip-bomb check."""
    _check_zip(data)
    from openpyxl import load_workbook  # imported here: only the importer and exporter need it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure of an untrusted file is the file's fault
        raise DomainError(_("无法读取该 Excel 文件，可能已损坏或受密码保护。请重新保存后再上传。")) from None
    return wb


def _read_xlsx(data: bytes, headers: dict[str, str]) -> list[Row]:
    wb = _open_workbook(data)
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            ws.reset_dimensions()  # some writers (WPS, scripts) store a wrong or no dimension
            rows = ws.iter_rows(values_only=True)
            found = _find_header(((i, list(r)) for i, r in enumerate(rows, start=1)), headers)
            if found is not None:
                return _collect(found, numeric_ids=True, merged=_merged_cells(ws, found[0]))
    except DomainError:
        raise
    except Exception:  # noqa: BLE001
        raise DomainError(_("无法读取该 Excel 文件，可能已损坏。请重新保存后再上传。")) from None
    finally:
        wb.close()
    raise _no_header()


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')
#: merged cells over more ledger cells than this refuse the file (a real ledger merges a handful)
MAX_MERGED_CELLS = 1_000_000


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _merged_cells(ws, positions: dict[int, str]) -> dict[int, set[int]]:
    """Row number → positions of ledger columns inside a merged range but not its first cell. Read-only mode
    does not load merges, and their cells read as empty: found here so the rows are refused, not silently
    imported without the value the user sees in the merged cell."""
    source = getattr(ws, "_get_source", None)
    if source is None:
        return {}
    covered: dict[int, set[int]] = {}
    work = 0
    tail = b""
    with source() as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            last = 0
            for m in _MERGE.finditer(text):
                last = m.end()
                c1, r1, c2, r2 = _column_index(m[1]), int(m[2]), _column_index(m[3]), int(m[4])
                cols = [p for p in positions if c1 <= p <= c2]
                rows = min(r2, MAX_ROWS + HEADER_SCAN_ROWS) - r1 + 1
                work += len(cols) * max(rows, 0)
                if work > MAX_MERGED_CELLS:
                    raise DomainError(_("表格中合并的单元格过多，请取消合并后逐行填写。"))
                for row in range(r1, r1 + max(rows, 0)):
                    for p in cols:
                        if (row, p) != (r1, c1):
                            covered.setdefault(row, set()).add(p)
            tail = text[max(last, len(text) - 200):]
    return covered


def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("无法识别 CSV 文件的编码：请保存为 UTF-8 或 GBK（Excel 的“CSV（逗号分隔）”）后再上传。"))


def _read_csv(data: bytes, headers: dict[str, str]) -> list[Row]:
    text = _decode(data)
    if "\x00" in text:
        raise DomainError(_("该 CSV 文件含有无法识别的内容，可能不是文本文件。"))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        found = _find_header(((i, r) for i, r in enumerate(records, start=1)), headers)
        if found is None:
            raise _no_header()
        return _collect(found, numeric_ids=False)
    except csv.Error as e:
        if "field limit" in str(e):
            raise DomainError(_("CSV 文件中有单元格内容过长（超过 %(n)s 个字符），请检查后再上传。",
                                n=csv.field_size_limit())) from None
        raise DomainError(_("CSV 文件格式有误（如引号不成对），无法读取。")) from None


def _no_header() -> DomainError:
    return DomainError(_("找不到表头：请使用平台提供的模板，表头行应包含“姓名”和“身份证号”等列名。"))


def _find_header(numbered_rows, headers: dict[str, str]):
    """Find the header row among the first rows; return (column positions, the remaining rows)."""
    for number, cells in numbered_rows:
        keys = {}
        for pos, cell in enumerate(cells):
            key = headers.get(_header_key(cell)) if isinstance(cell, str) else None
            if key and key not in keys.values():
                keys[pos] = key
        if "name" in keys.values() and "id_number" in keys.values():
            return keys, numbered_rows
        if number >= HEADER_SCAN_ROWS:
            return None
    return None


def _collect(found, numeric_ids: bool, merged: dict[int, set[int]] | None = None) -> list[Row]:
    positions, numbered_rows = found
    merged = merged or {}
    out: list[Row] = []
    for number, cells in numbered_rows:
        values: dict[str, str] = {}
        problems: list[str] = []
        for pos in sorted(merged.get(number, ())):
            problems.append(_("“%(column)s”在合并单元格中，只有合并区域的第一格有内容：请取消合并后逐行填写。",
                              column=COLUMN[positions[pos]].label))
        for pos, key in positions.items():
            raw = cells[pos] if pos < len(cells) else None
            if key == "id_number" and numeric_ids and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                problems.append(_numeric_id_message())
            text = clean(raw)
            if key == "id_number":
                text = text.lstrip("'").replace(" ", "").upper()
                if _SCIENTIFIC.match(text) and not problems:
                    problems.append(_numeric_id_message())
            elif key == "phone":
                text = text.lstrip("'")
            if key in ("name", "phone"):
                text = " ".join(text.split())  # a line break or tab inside a name is a typing slip
            values[key] = text
        if not any(values.values()):
            continue  # blank line
        if len(out) >= MAX_ROWS:
            raise DomainError(_("文件超过 %(n)s 行，请分批上传。", n=MAX_ROWS))
        out.append(Row(number, values, problems))
    return out


def _numeric_id_message() -> str:
    return _("身份证号被存成了数字：Excel 的数字只保留 15 位有效数字，后几位已经丢失，无法还原。"
             "请把该列设为“文本”格式后重新输入身份证号（或使用平台模板）。")


def parse(data: bytes, filename: str) -> list[Row]:
    """Rows of cleaned text from an .xlsx or CSV file (UTF-8 with or without BOM, GBK/GB18030)."""
    if not data:
        raise DomainError(_("上传的文件是空的。"))
    headers = _header_map()
    rows = _read_xlsx(data, headers) if _file_kind(data, filename) == "xlsx" else _read_csv(data, headers)
    if not rows:
        raise DomainError(_("文件中没有数据行：请在表头下面逐行填写。"))
    return rows


# --- checking the rows -------------------------------------------------------------------------------------


@dataclass
class NewWorker:
    """A checked row, ready to insert."""

    row: int
    entry: LedgerEntry
    id_number: str
    birth: date
    sex: str
    phone: str
    index: str
    skills: dict[int, tuple[int, str]]  # trade id → (level, what was typed)
    wanted: list[int]
    skill_names: list[str]
    certificates: dict[int, int] = field(default_factory=dict)  # trade id → level
    trainings: list[str] = field(default_factory=list)  # completed courses


@dataclass
class RowError:
    row: int
    messages: list[str]

    @property
    def text(self) -> str:
        return _("第%(row)s行：%(messages)s", row=self.row, messages=" ".join(self.messages))


@dataclass
class Preview:
    total: int
    new: list[NewWorker]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.new)

    def summary(self, sample: int = 50) -> dict:
        """What the preview page shows (plain data, kept beside the upload)."""
        return {"total": self.total, "new": len(self.new), "errors": [[e.row, e.text] for e in self.errors],
                "sample": [{"row": w.row, "name": w.entry.name, "id_number": pii.mask_id_number(w.id_number),
                            "phone": pii.mask_phone(w.phone) if w.phone else "", "skills": w.skill_names,
                            "certificates": len(w.certificates), "trainings": len(w.trainings)}
                           for w in self.new[:sample]]}


def _choice_key(text: str) -> str:
    """How a coded cell is compared: case and spaces do not matter ("Within the city" = "within thecity")."""
    return clean(text).lower().replace(" ", "")


def _choice_map(choices: dict, words: dict) -> dict[str, object]:
    out: dict[str, object] = {}
    for lang in current_app.config.get("LANGUAGES", ["zh_CN"]):
        with force_locale(lang):
            out.update({_choice_key(str(label)): code for code, label in choices.items()})
    out.update({_choice_key(str(label)): code for code, label in choices.items()})
    out.update({_choice_key(w): code for w, code in words.items()})
    return out


def _level_of(text: str) -> int | None:
    s = clean(text)
    if s in ("1", "2", "3", "4", "5"):  # not int(s): a cell of 5,000 digits would raise
        return int(s)
    for word, level in _LEVEL_WORDS:
        if word in s:
            return level
    return None


class _Vocabulary:
    """The coded columns' accepted values, and trade names resolved once per distinct text."""

    def __init__(self):
        self.education = _choice_map(EDUCATION_CHOICES, _EDUCATION_WORDS)
        self.radius = _choice_map(RADIUS_CHOICES, _RADIUS_WORDS)
        self.skill_level = _choice_map(SKILL_LEVEL_CHOICES, {})
        self.true = {w.lower() for w in _TRUE_WORDS} | {clean(str(YES)).lower()}
        self.false = {w.lower() for w in _FALSE_WORDS} | {clean(str(NO)).lower()}
        self.catalogue = matching.current().catalogue
        self.trade_ids = dict(db.session.execute(select(Trade.code, Trade.id)).all())
        self._trades: dict[str, tuple[int | None, int | None, str]] = {}

    def flag(self, text: str, label, errors: list[str]) -> bool:
        s = text.lower()
        if not s or s in self.false:
            return False
        if s in self.true:
            return True
        errors.append(_("“%(column)s”应填“是”或“否”，不能是“%(value)s”。", column=label, value=_quote(text)))
        return False

    def trade(self, text: str) -> tuple[int | None, int | None, str]:
        """(trade id, level found in the text, error message)."""
        if text not in self._trades:
            found = self.catalogue.normalise(text)
            trade_id = self.trade_ids.get(found.code) if found.code else None
            if trade_id is not None:
                self._trades[text] = (trade_id, found.level, "")
            else:
                names = "、".join(dict.fromkeys(name for _code, name, _score in found.candidates[:3]))
                message = (_("工种“%(text)s”无法识别，您是否要填：%(names)s？", text=_quote(text), names=names) if names
                           else _("工种“%(text)s”无法识别，请填写国家职业分类中的工种名称。", text=_quote(text)))
                self._trades[text] = (None, None, message)
        return self._trades[text]


def _entry_of(row: Row, vocab: _Vocabulary, errors: list[str]) -> LedgerEntry:
    v = row.values
    for key in ("name", "id_number"):
        if not v.get(key):
            errors.append(_("“%(column)s”为空（合并的单元格只有第一行有内容，请取消合并后逐行填写）。",
                            column=COLUMN[key].label))
    education = 2
    if v.get("education"):
        education = vocab.education.get(_choice_key(v["education"]), -1)
        if education == -1:
            errors.append(_("文化程度“%(value)s”无法识别，请从下拉列表选择。", value=_quote(v["education"])))
            education = 2
    radius = "city"
    if v.get("radius"):
        radius = vocab.radius.get(_choice_key(v["radius"]))
        if radius is None:
            errors.append(_("意向范围“%(value)s”无法识别，请从下拉列表选择。", value=_quote(v["radius"])))
            radius = "city"
    min_wage = None
    if v.get("min_wage"):
        digits = re.sub(r"[,元\s]|/月|每月", "", v["min_wage"])
        if re.fullmatch(r"\d{1,9}(\.0+)?", digits):  # more digits is no wage (and 1e400 would not fit a float)
            min_wage = int(float(digits))
        else:
            errors.append(_("期望月薪“%(value)s”不是整数金额。", value=_quote(v["min_wage"])))
    available_from = None
    if v.get("available_from"):
        available_from = _date_of(v["available_from"])
        if available_from is None:
            errors.append(_("可上岗日期“%(value)s”无法识别，请写成 2025-03-01 这样的日期。", value=_quote(v["available_from"])))
    return LedgerEntry(
        name=v.get("name", ""), id_number=v.get("id_number", ""), phone=v.get("phone", ""), education=education,
        radius=radius, min_wage=min_wage, available_from=available_from,
        willing_to_train=vocab.flag(v.get("willing_to_train", ""), COLUMN["willing_to_train"].label, errors),
        poor_household=vocab.flag(v.get("poor_household", ""), COLUMN["poor_household"].label, errors),
        no_employed_member=vocab.flag(v.get("no_employed_member", ""), COLUMN["no_employed_member"].label, errors))


def _date_of(text: str) -> date | None:
    s = text.split(" ")[0]
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
        try:
            return datetime.strptime(s, pattern).date()
        except ValueError:
            continue
    return None


def _trade_levels(text: str, vocab: _Vocabulary, errors: list[str]):
    """Each "工种[:等级]" of a list cell: (trade id, what was typed, its level or None when none was given — in
    the cell or in a name like 高级焊工). Unknown trades and unreadable levels go to ``errors``."""
    for part in _LIST_SPLIT.split(text):
        part = part.strip()
        if not part:
            continue
        typed, _sep, level_part = part.partition(":")
        typed = typed.strip()
        trade_id, level, message = vocab.trade(typed)
        if message:
            errors.append(message)
            continue
        if level_part.strip():
            level = _level_of(level_part)
            if not level:
                errors.append(_("工种“%(text)s”的等级“%(value)s”无法识别，请填 1–5。", text=_quote(typed),
                                value=_quote(level_part.strip())))
                continue
        yield trade_id, typed, level or None


def _skills_of(row: Row, vocab: _Vocabulary, errors: list[str]):
    default_level = 1
    level_text = row.values.get("skill_level", "")
    if level_text:
        default_level = vocab.skill_level.get(_choice_key(level_text)) or _level_of(level_text) or 0
        if not default_level:
            errors.append(_("技能等级“%(value)s”无法识别，请填 1–5 或 初级、中级、高级、技师、高级技师。", value=_quote(level_text)))
            default_level = 1
    skills: dict[int, tuple[int, str]] = {}
    names: list[str] = []
    for trade_id, typed, level in _trade_levels(row.values.get("skills", ""), vocab, errors):
        level = level or default_level
        if level >= skills.get(trade_id, (0, ""))[0]:
            skills[trade_id] = (level, typed[:60])
        names.append(f"{typed}:{level}")
    wanted: list[int] = []
    for part in _LIST_SPLIT.split(row.values.get("wanted_trades", "")):
        part = part.strip()
        if part:
            trade_id, _level, message = vocab.trade(part)
            if message:
                errors.append(message)
            elif trade_id not in wanted:
                wanted.append(trade_id)
    return skills, wanted, names


def _certificates_of(row: Row, vocab: _Vocabulary, errors: list[str]) -> dict[int, int]:
    """trade id → level; a certificate always names its level."""
    certificates: dict[int, int] = {}
    for trade_id, typed, level in _trade_levels(row.values.get("certificates", ""), vocab, errors):
        if level is None:
            errors.append(_("证书“%(text)s”请写明等级，如“%(text)s:2”（1–5）。", text=_quote(typed)))
        else:
            certificates[trade_id] = max(level, certificates.get(trade_id, 0))
    return certificates


def _trainings_of(row: Row, errors: list[str]) -> list[str]:
    courses: list[str] = []
    for part in _LIST_SPLIT.split(row.values.get("trainings", "")):
        course = part.strip()
        if not course or course in courses:
            continue
        if len(course) > COURSE_MAX:
            errors.append(_("培训课程“%(text)s”超过 %(n)s 个字。", text=_quote(course), n=COURSE_MAX))
            continue
        courses.append(course)
    if len(courses) > TRAINING_MAX:
        errors.append(_("已结业培训最多填 %(n)s 门。", n=TRAINING_MAX))
    return courses


def validate(actor: User, village: Village, rows: list[Row]) -> Preview:
    """Check every row; nothing is written. Each error names its row, as the user's spreadsheet numbers it."""
    require(actor, "edit", village)
    vocab = _Vocabulary()
    checked: list[tuple[Row, list[str], NewWorker | None]] = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        errors = list(row.problems)
        entry = _entry_of(row, vocab, errors)
        skills, wanted, names = _skills_of(row, vocab, errors)
        certificates, trainings = _certificates_of(row, vocab, errors), _trainings_of(row, errors)
        new = None
        if not row.problems and entry.name and entry.id_number:
            try:
                id_number, birth, sex, phone = validate_entry(entry)
            except DomainError as e:
                errors.insert(0, e.message)
            else:
                entry.name = entry.name.strip()
                index = pii.blind_index(id_number)
                if index in first_row_of:
                    errors.insert(0, _("与第%(row)s行的身份证号重复（同一人只能登记一次）。", row=first_row_of[index]))
                else:
                    first_row_of[index] = row.number
                    new = NewWorker(row.number, entry, id_number, birth, sex, phone, index, skills, wanted, names,
                                    certificates, trainings)
        checked.append((row, errors, new))

    existing = _existing(list(first_row_of))
    out_new: list[NewWorker] = []
    out_errors: list[RowError] = []
    for row, errors, new in checked:
        if new is not None and new.index in existing:
            errors.insert(0, _duplicate_error(actor, existing[new.index]).message)
        if errors:
            out_errors.append(RowError(row.number, errors))
        elif new is not None:
            out_new.append(new)
    return Preview(total=len(rows), new=out_new, errors=out_errors)


def _existing(indexes: list[str]) -> dict[str, Worker]:
    """Workers already on any ledger with one of these ID numbers (by blind index), in chunks."""
    found: dict[str, Worker] = {}
    for i in range(0, len(indexes), 500):
        chunk = indexes[i:i + 500]
        for w in db.session.scalars(select(Worker).options(selectinload(Worker.home_region))
                                    .where(Worker.id_number_index.in_(chunk))):
            found[w.id_number_index] = w
    return found


# --- writing -------------------------------------------------------------------------------------------------


class ImportRejected(DomainError):
    """The rows did not all pass: nothing was written. ``preview`` says why."""

    def __init__(self, preview: Preview):
        super().__init__(_("有 %(n)s 行未通过检查，未导入任何数据。请修改后重新上传。", n=len(preview.errors)))
        self.preview = preview


def commit(actor: User, village: Village, rows: list[Row]) -> int:
    """Validate again and insert every row in one transaction, or none; returns the number of workers added."""
    preview = validate(actor, village, rows)
    if preview.errors:
        raise ImportRejected(preview)
    if not preview.new:
        raise DomainError(_("文件中没有可导入的行。"))
    # Someone registered one of these people between the check and now: the unique index catches it.
    with refused_on_conflict(_("导入期间台账有了变化（有人同时登记了文件中的人员），未导入任何数据。请重新检查后再确认。")):
        worker_ids = _insert(preview.new, village)
    audit.record(actor, "ledger.import", "village", village.id, rows=len(worker_ids))
    if len(worker_ids) > SMALL_IMPORT:
        matching.note_change("rebuild")
    else:
        for wid in worker_ids:
            matching.note_change("worker", wid)
    db.session.commit()
    return len(worker_ids)


def _insert(people: list[NewWorker], village: Village) -> list[int]:
    """Insert the workers with their skills, wanted trades, certificates and courses, in batches; their ids."""
    now = utcnow()
    worker_ids: list[int] = []
    for start in range(0, len(people), BATCH):
        batch = people[start:start + BATCH]
        ids = db.session.execute(
            insert(Worker.__table__).returning(Worker.__table__.c.id, sort_by_parameter_order=True),
            [_worker_values(w, village, now) for w in batch]).scalars().all()
        skills = [{"worker_id": wid, "trade_id": tid, "level": level, "typed_name": typed}
                  for wid, w in zip(ids, batch) for tid, (level, typed) in w.skills.items()]
        wanted = [{"worker_id": wid, "trade_id": tid} for wid, w in zip(ids, batch) for tid in w.wanted]
        certificates = [{"worker_id": wid, "trade_id": tid, "level": level, "number": "", "issuer": ""}
                        for wid, w in zip(ids, batch) for tid, level in w.certificates.items()]
        trainings = [{"worker_id": wid, "course": course, "provider": "", "hours": 0, "completed": True,
                      "certified": False} for wid, w in zip(ids, batch) for course in w.trainings]
        for table, values in ((WorkerSkill, skills), (WantedTrade, wanted), (Certificate, certificates),
                              (TrainingRecord, trainings)):
            if values:
                db.session.execute(insert(table.__table__), values)
        worker_ids.extend(ids)
    return worker_ids


def _worker_values(w: NewWorker, village: Village, now: datetime) -> dict:
    e = w.entry
    return {
        "name": e.name, **pii.id_number_columns(w.id_number, w.index), "birth_date": w.birth, "sex": w.sex,
        **pii.phone_columns(w.phone), "home_region_id": village.region_id,
        "education": e.education, "poor_household": e.poor_household, "no_employed_member": e.no_employed_member,
        "status": "available", "source": "ledger", "school_id": None, "radius": e.radius, "min_wage": e.min_wage,
        "willing_to_train": e.willing_to_train, "available_from": e.available_from, "version": 1,
        "created_at": now, "updated_at": now, "anonymised_at": None,
    }


# --- the upload between preview and confirmation ---------------------------------------------------------------


def _folder() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _sweep(folder: Path) -> None:
    cutoff = time.time() - KEEP_UPLOADS
    for p in folder.iterdir():
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except OSError:
            pass


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)


def stage(actor: User, village: Village, data: bytes, filename: str) -> str:
    """Read and check an uploaded file, keep it for the confirmation step; returns its token.

    A file that cannot be read at all raises a DomainError and is not kept; a file with row errors is kept,
    so its preview and error report can be seen."""
    require(actor, "edit", village)
    kind = _file_kind(data, filename)
    rows = parse(data, filename)
    preview = validate(actor, village, rows)
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    _write(folder / f"{token}.{kind}", data)
    meta = {"user_id": actor.id, "village_id": village.id, "kind": kind,
            "filename": Path(filename or "").name[-120:], "uploaded_at": utcnow().isoformat(),
            "preview": preview.summary()}
    _write(folder / f"{token}.json", json.dumps(meta, ensure_ascii=False).encode())
    return token


@dataclass
class Upload:
    token: str
    village: Village
    meta: dict
    path: Path

    @property
    def preview(self) -> dict:
        return self.meta["preview"]

    @property
    def filename(self) -> str:
        return self.meta.get("filename", "")

    def rows(self) -> list[Row]:
        return parse(self.path.read_bytes(), f"upload.{self.meta['kind']}")


def load_upload(actor: User, token: str) -> Upload:
    """The upload behind a token, for the user who made it and only for their village (else NotFound)."""
    meta_path = _folder() / f"{token}.json" if _TOKEN.match(token or "") else None
    if meta_path is None or not meta_path.is_file():
        raise NotFound(_("找不到该导入文件，可能已导入或已过期。请重新上传。"))
    meta = json.loads(meta_path.read_text())
    if meta.get("user_id") != actor.id or meta.get("village_id") != getattr(actor, "village_id", None):
        raise NotFound(_("找不到该导入文件，可能已导入或已过期。请重新上传。"))
    village = load_for(actor, Village, meta["village_id"], action="edit")
    path = meta_path.with_suffix("." + meta["kind"])
    if meta["kind"] not in ("xlsx", "csv") or not path.is_file():
        raise NotFound(_("找不到该导入文件，可能已导入或已过期。请重新上传。"))
    return Upload(token, village, meta, path)


def confirm(actor: User, token: str) -> int:
    """Import a staged upload: all rows or none. The file is removed once its rows are in the ledger."""
    upload = load_upload(actor, token)
    try:
        count = commit(actor, upload.village, upload.rows())
    except ImportRejected as e:
        upload.meta["preview"] = e.preview.summary()
        _write(upload.path.with_suffix(".json"), json.dumps(upload.meta, ensure_ascii=False).encode())
        raise
    for p in (upload.path, upload.path.with_suffix(".json")):
        p.unlink(missing_ok=True)
    return count


def error_rows(actor: User, token: str) -> tuple[list[Row], dict[int, str]]:
    """The upload's rows and, by row number, why each failed: what the error report is made of."""
    upload = load_upload(actor, token)
    rows = upload.rows()
    preview = validate(actor, upload.village, rows)
    return rows, {e.row: e.text for e in preview.errors}
