"""Bulk import of the ledger: files as coordinators really save them, every row checked, then all or nothing."""
from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, MatchingChange, Trade, TradeAlias, WantedTrade, Worker, WorkerSkill
from matchmaker.services import ledger_export, ledger_import, pii
from matchmaker.services.audit import verify_chain
from matchmaker.services.errors import DomainError
from matchmaker.services.ledger_import import ImportRejected, commit, parse, validate
from tests.factories import id_number, make_trade, make_worker

HEADER = ["姓名", "身份证号", "手机号", "文化程度", "意向范围", "期望月薪", "愿意培训", "建档立卡贫困户", "零就业家庭",
          "技能工种", "技能等级", "意向工种", "可上岗日期"]
# the template's every column (the two last are optional and left out of most test files)
ALL_COLUMNS = HEADER + ["职业技能等级证书", "已结业培训"]


def pid(i: int, sex: str = "M") -> str:
    """A valid ID number, different for every i (and from the world's workers, born 1990-05-17)."""
    return id_number(birth=date(1970, 1, 1) + timedelta(days=i // 400), sex=sex, serial=i % 400)


def person(i: int, name: str | None = None, **overrides) -> list:
    row = {"姓名": name or f"工人{i}", "身份证号": pid(i), "手机号": "", "文化程度": "初中", "意向范围": "本市",
           "期望月薪": "", "愿意培训": "", "建档立卡贫困户": "", "零就业家庭": "", "技能工种": "", "技能等级": "",
           "意向工种": "", "可上岗日期": ""}
    row.update(overrides)
    return [row[h] for h in HEADER]


def csv_bytes(rows, encoding="utf-8", header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER, merge: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "劳动力台账"
    ws.append(header)
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def trades(world):
    welder = db.session.query(Trade).filter_by(code="6-18-02-04").one()
    electrician = make_trade("6-31-01-03", "电工")
    db.session.add(TradeAlias(alias="电焊工", trade_id=welder.id))
    db.session.commit()
    return {"焊工": welder, "电工": electrician}


def _workers() -> int:
    return db.session.scalar(select(func.count(Worker.id)))


def _errors(world, rows) -> dict[int, str]:
    preview = validate(world.a.coordinator, world.a.village, rows)
    return {e.row: e.text for e in preview.errors}


# --- reading files ---------------------------------------------------------------------------------------------

def test_utf8_csv_is_read_checked_and_imported_with_skills_flags_and_intention(world, trades):
    data = csv_bytes([
        person(1, "李四", **{"手机号": "138 1234 5678", "文化程度": "高中/中专/技校", "意向范围": "省内",
                            "期望月薪": "5000", "愿意培训": "是", "建档立卡贫困户": "是", "技能工种": "焊工:3;电工",
                            "技能等级": "四级/中级工", "意向工种": "电焊工", "可上岗日期": "2025-03-01"}),
        person(2, "王五"),
    ])
    rows = parse(data, "台账.csv")
    assert [r.number for r in rows] == [2, 3]
    preview = validate(world.a.coordinator, world.a.village, rows)
    assert preview.ok and len(preview.new) == 2
    before = _workers()

    assert commit(world.a.coordinator, world.a.village, rows) == 2

    assert _workers() == before + 2
    li = db.session.scalar(select(Worker).where(Worker.name == "李四"))
    assert (li.education, li.radius, li.min_wage, li.willing_to_train, li.poor_household, li.no_employed_member) == \
        (3, "province", 5000, True, True, False)
    assert li.available_from == date(2025, 3, 1) and li.home_region_id == world.a.village.region_id
    assert pii.decrypt(li.id_number_enc) == pid(1) and li.phone_masked == "138****5678"
    assert li.source == "ledger" and li.status == "available" and li.version == 1
    skills = {s.trade_id: (s.level, s.typed_name) for s in
              db.session.scalars(select(WorkerSkill).where(WorkerSkill.worker_id == li.id))}
    assert skills == {trades["焊工"].id: (3, "焊工"), trades["电工"].id: (2, "电工")}
    assert db.session.scalars(select(WantedTrade.trade_id).where(WantedTrade.worker_id == li.id)).all() == \
        [trades["焊工"].id]
    audit = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (audit.action, audit.object_id, audit.detail["rows"]) == ("ledger.import", world.a.village.id, 2)
    assert verify_chain() is None
    kinds = db.session.scalars(select(MatchingChange.kind)).all()
    assert kinds.count("worker") == 2


def test_certificates_and_completed_training_are_imported_too(world, trades):
    header = ALL_COLUMNS
    data = xlsx_bytes([person(11, "证书甲") + ["焊工:3;高级电工", "焊工岗前培训;电工安全培训;焊工岗前培训"],
                       person(12, "证书乙") + ["", ""]], header=header)
    rows = parse(data, "a.xlsx")
    preview = validate(world.a.coordinator, world.a.village, rows)
    assert preview.ok and preview.summary()["sample"][0]["certificates"] == 2
    assert commit(world.a.coordinator, world.a.village, rows) == 2
    worker = db.session.scalar(select(Worker).where(Worker.name == "证书甲"))
    certificates = {(c.trade_id, c.level) for c in worker.certificates}
    assert certificates == {(trades["焊工"].id, 3), (trades["电工"].id, 3)}  # 高级电工: 高级 = level 3
    assert sorted((t.course, t.completed) for t in worker.trainings) == [("焊工岗前培训", True), ("电工安全培训", True)]
    other = db.session.scalar(select(Worker).where(Worker.name == "证书乙"))
    assert other.certificates == [] and other.trainings == []
    # The template and its instructions carry the two columns.
    template = load_workbook(io.BytesIO(ledger_export.template()), read_only=True)
    assert [c.value for c in next(template["劳动力台账"].iter_rows(max_row=1))][-2:] == header[-2:]


@pytest.mark.parametrize("certificates, trainings, message", [
    ("焊工", "", "请写明等级"),
    ("宇宙飞船驾驶:2", "", "无法识别"),
    ("焊工:9", "", "无法识别"),
    ("", "课" * 121, "超过 120 个字"),
    ("", ";".join(f"课程{i}" for i in range(21)), "最多填 20 门"),
])
def test_bad_certificates_or_training_are_row_errors_and_nothing_is_written(world, trades, certificates,
                                                                           trainings, message):
    header = ALL_COLUMNS
    rows = parse(xlsx_bytes([person(13) + [certificates, trainings], person(14) + ["", ""]], header=header),
                 "a.xlsx")
    before = _workers()
    errors = _errors(world, rows)
    assert list(errors) == [2] and message in errors[2]
    with pytest.raises(ImportRejected):
        commit(world.a.coordinator, world.a.village, rows)
    assert _workers() == before


def test_utf8_bom_csv_finds_the_first_header(world, trades):
    rows = parse(b"\xef\xbb\xbf" + csv_bytes([person(3)]), "a.csv")
    assert rows[0].values["name"] == "工人3"


def test_gbk_csv_as_excel_saves_it_and_gb18030_for_names_gbk_cannot_hold(world, trades):
    rows = parse(csv_bytes([person(4, "陈大文")], encoding="gbk"), "a.csv")
    assert rows[0].values["name"] == "陈大文"
    rows = parse(csv_bytes([person(5, "𠮷田")], encoding="gb18030"), "a.csv")
    assert rows[0].values["name"] == "𠮷田"
    assert validate(world.a.coordinator, world.a.village, rows).ok


def test_text_is_cleaned_full_width_digits_zero_width_and_lower_case_x(world, trades):
    number = next(pid(i) for i in range(20, 400) if pid(i).endswith("X"))
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + "x"
    rows = parse(csv_bytes([person(6, "赵\u200b六", **{"身份证号": " " + typed + "\u200b", "手机号": "１３８１２３４５６７８"})]),
                 "a.csv")
    assert rows[0].values == {**rows[0].values, "name": "赵六", "id_number": number, "phone": "13812345678"}
    assert validate(world.a.coordinator, world.a.village, rows).ok


def test_numeric_id_cell_in_xlsx_is_refused_explaining_the_15_digit_problem(world, trades):
    row = person(7)
    row[1] = int(pid(7)[:17])  # what Excel does to a number typed into a General cell
    rows = parse(xlsx_bytes([row, person(8)]), "a.xlsx")
    errors = _errors(world, rows)
    assert list(errors) == [2] and "15 位" in errors[2] and errors[2].startswith("第2行：")


def test_id_saved_by_excel_in_scientific_notation_in_a_csv_is_refused(world, trades):
    rows = parse(csv_bytes([person(9, **{"身份证号": "4.41424E+17"})]), "a.csv")
    assert "15 位" in _errors(world, rows)[2]


def test_merged_cells_read_as_empty_and_say_so(world, trades):
    rows = parse(xlsx_bytes([person(10), person(11, **{"姓名": ""})], merge="A2:A3"), "a.xlsx")
    errors = _errors(world, rows)
    assert list(errors) == [3] and "姓名" in errors[3] and "合并" in errors[3]


def test_bad_check_digit_names_the_row(world, trades):
    good = pid(12)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    errors = _errors(world, parse(csv_bytes([person(13), person(12, **{"身份证号": bad})]), "a.csv"))
    assert errors == {3: "第3行：身份证号校验位错误，请核对每一位数字。"}


def test_duplicate_inside_the_file_points_to_the_first_row(world, trades):
    errors = _errors(world, parse(csv_bytes([person(14), person(15), person(14, "又一个")]), "a.csv"))
    assert list(errors) == [4] and "第2行" in errors[4] and "重复" in errors[4]


def test_duplicate_against_the_ledger_says_where_when_the_user_may_know(world, trades):
    ours = make_worker(world.a.village, name="老张", birth=date(1980, 1, 1))
    theirs = make_worker(world.b.village, name="老李", birth=date(1981, 1, 1))
    db.session.commit()
    ours_id, theirs_id = (pii.decrypt(w.id_number_enc) for w in (ours, theirs))
    errors = _errors(world, parse(csv_bytes([person(16, **{"身份证号": ours_id}),
                                             person(17, **{"身份证号": theirs_id})]), "a.csv"))
    assert "老张" in errors[2] and world.a.village.region.name in errors[2]
    assert "其他村" in errors[3] and "老李" not in errors[3]


def test_unknown_trade_gets_suggestions_and_aliases_are_understood(world, trades):
    rows = parse(csv_bytes([person(18, **{"技能工种": "焊接工"}), person(19, **{"技能工种": "电焊工:高级"})]), "a.csv")
    preview = validate(world.a.coordinator, world.a.village, rows)
    errors = {e.row: e.text for e in preview.errors}
    assert list(errors) == [2] and "焊接工" in errors[2] and "焊工" in errors[2] and "是否要填" in errors[2]
    assert preview.new[0].skills == {trades["焊工"].id: (3, "电焊工")}


def test_coded_values_that_are_not_in_the_list_are_named(world, trades):
    errors = _errors(world, parse(csv_bytes([person(20, **{"文化程度": "幼儿园", "愿意培训": "也许",
                                                         "期望月薪": "面议"})]), "a.csv"))
    assert "文化程度“幼儿园”" in errors[2] and "愿意培训" in errors[2] and "期望月薪“面议”" in errors[2]


@pytest.mark.parametrize("data, filename, message", [
    (os.urandom(4096), "a.xlsx", "不是有效的 Excel"),
    (b"PK\x03\x04" + os.urandom(4096), "a.xlsx", "Excel"),
    (os.urandom(4096), "a.csv", ""),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(100), "a.xls", ".xls"),
    (b"hello", "a.pdf", "只支持"),
    (b"", "a.csv", "空"),
    ("姓名,身份证号\r\n".encode(), "a.csv", "没有数据行"),
    ("名字,号码\r\n张三,1\r\n".encode(), "a.csv", "表头"),
])
def test_broken_files_get_a_clear_message_never_a_crash(world, data, filename, message):
    with pytest.raises(DomainError) as e:
        parse(data, filename)
    assert message in e.value.message


def test_zip_bombs_are_refused_before_opening(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(ledger_import.MAX_ZIP_ENTRIES + 1):
            z.writestr(f"x/{i}.xml", "")
    with pytest.raises(DomainError, match="过大"):
        parse(out.getvalue(), "a.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (ledger_import.MAX_UNCOMPRESSED + 1))
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(DomainError, match="过大"):
        parse(out.getvalue(), "a.xlsx")


# --- all or nothing ------------------------------------------------------------------------------------------

def test_one_bad_row_and_nothing_is_written(world, trades):
    good = pid(30)
    rows = parse(csv_bytes([person(31), person(30, **{"身份证号": good[:17] + ("0" if good[17] != "0" else "1")}),
                            person(32)]), "a.csv")
    before, audits = _workers(), db.session.scalar(select(func.count(AuditEntry.id)))
    with pytest.raises(ImportRejected) as e:
        commit(world.a.coordinator, world.a.village, rows)
    assert [err.row for err in e.value.preview.errors] == [3]
    db.session.rollback()
    assert _workers() == before and db.session.scalar(select(func.count(AuditEntry.id))) == audits


def test_another_village_cannot_import_into_yours(world, trades):
    rows = parse(csv_bytes([person(33)]), "a.csv")
    with pytest.raises(DomainError):
        validate(world.b.coordinator, world.a.village, rows)


def test_ten_thousand_rows_in_one_go(world, trades):
    n = 10_000
    skills = ["焊工:2", "电工", "", "电焊工;电工:3"]
    data = xlsx_bytes([person(1000 + i, **{"技能工种": skills[i % 4], "手机号": f"139{i:08d}"}) for i in range(n)])
    started = time.perf_counter()
    rows = parse(data, "big.xlsx")
    parsed = time.perf_counter()
    assert commit(world.a.coordinator, world.a.village, rows) == n
    done = time.perf_counter()
    print(f"\n10,000-row import: parse {parsed - started:.1f}s, check and insert {done - parsed:.1f}s")
    assert db.session.scalar(select(func.count(Worker.id)).where(Worker.home_region_id == world.a.village.region_id)) \
        == n + 1
    assert db.session.scalar(select(func.count(WorkerSkill.id))) == n  # 1 + 1 + 0 + 2 per four rows
    assert db.session.scalars(select(MatchingChange.kind)).all() == ["rebuild"]


# --- workbooks out -------------------------------------------------------------------------------------------

def test_template_has_instructions_dropdowns_and_a_text_id_column(world):
    wb = load_workbook(io.BytesIO(ledger_export.template()))
    assert wb.sheetnames == ["劳动力台账", "填写说明"]
    ws = wb["劳动力台账"]
    assert [c.value for c in ws[1]] == ALL_COLUMNS
    assert ws.column_dimensions["B"].number_format == "@"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert "初中" in lists["D2"] and "本市" in lists["E2"] and lists["G2"] == '"是,否"' and "中级工" in lists["K2"]
    assert any("15 位" in str(c.value) for row in wb["填写说明"].iter_rows() for c in row)


def test_the_template_reads_back_as_a_file_with_no_rows(world):
    with pytest.raises(DomainError, match="没有数据行"):
        parse(ledger_export.template(), "template.xlsx")


def test_error_report_is_the_same_sheet_with_a_reason_column_and_can_be_re_uploaded(world, trades):
    good = pid(40)
    rows = parse(csv_bytes([person(41), person(40, **{"身份证号": good[:17] + ("0" if good[17] != "0" else "1")}),
                            person(42, "=1+2")]), "a.csv")
    errors = _errors(world, rows)
    report = ledger_export.error_report(rows, errors)
    ws = load_workbook(io.BytesIO(report))["劳动力台账"]
    assert ws.cell(1, len(ALL_COLUMNS) + 1).value == "错误原因"
    assert ws.cell(3, len(ALL_COLUMNS) + 1).value == errors[3] and ws.cell(2, len(ALL_COLUMNS) + 1).value is None
    assert ws.cell(4, 1).value == "'=1+2" and ws.cell(4, 1).data_type != "f"
    assert ws.cell(3, 2).value == rows[1].values["id_number"] and ws.cell(3, 2).data_type == "s"
    again = parse(report, "报告.xlsx")
    filled = lambda r: {k: v for k, v in r.values.items() if v}  # noqa: E731 (the report adds empty columns)
    assert [filled(r) for r in again] == [filled(r) for r in rows]


def test_export_masks_neutralises_formulas_and_is_audited(world, trades):
    make_worker(world.a.village, name="=HYPERLINK(\"http://x\")", birth=date(1985, 1, 1),
                phone_masked="138****5678")
    make_worker(world.b.village, name="别村的人", birth=date(1986, 1, 1))
    db.session.commit()
    data, count, name = ledger_export.export_ledger(world.a.coordinator, world.a.village)
    assert count == 2 and name.endswith(".xlsx") and "劳动力台账" in name
    ws = load_workbook(io.BytesIO(data)).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    names = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert "'=HYPERLINK(\"http://x\")" in names and "别村的人" not in names
    ids = [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)]
    assert all("**********" in i for i in ids)
    raw = pii.decrypt(world.a.worker.id_number_enc)
    assert not any(raw in str(c.value) for c in cells)
    assert "138****5678" in [ws.cell(r, 3).value for r in range(2, ws.max_row + 1)]
    audit = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (audit.action, audit.object_type, audit.object_id, audit.detail["rows"]) == \
        ("ledger.export", "village", world.a.village.id, 2)


def test_english_choice_labels_with_spaces_are_understood(app):
    from flask_babel import force_locale
    from matchmaker.services.ledger_import import _choice_key, _Vocabulary
    from tests.factories import make_world
    make_world()
    with app.test_request_context(), force_locale("en"):
        vocab = _Vocabulary()
    assert vocab.radius[_choice_key("Within the city")] == "city"
    assert vocab.radius[_choice_key("本市")] == "city"


def test_a_person_registered_between_the_check_and_the_insert_refuses_the_whole_import(world, trades, monkeypatch):
    """The unique index is the last word: the file is re-checked at commit, but another clerk may save one of
    its people in the moment after. Nothing of the file is written and the coordinator is told why."""
    rows = parse(csv_bytes([person(21, "甲"), person(22, "乙")]), "a.csv")
    checked = ledger_import.validate

    def check_then_someone_registers(actor, village, rows):
        preview = checked(actor, village, rows)
        other = make_worker(world.b.village, name="乙")
        other.id_number_index = pii.blind_index(pid(22))
        db.session.commit()
        return preview

    monkeypatch.setattr(ledger_import, "validate", check_then_someone_registers)
    before = _workers()
    with pytest.raises(DomainError, match="导入期间台账有了变化"):
        commit(world.a.coordinator, world.a.village, rows)
    assert _workers() == before + 1  # the other clerk's; none of the file's
    assert db.session.scalar(select(func.count(Worker.id)).where(Worker.name == "甲")) == 0
