"""The coordinator's import and export pages: upload, preview, confirm, error report, template, export."""
from __future__ import annotations

import io
import os
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, Worker
from tests.factories import make_worker
from tests.services.test_ledger_import import ALL_COLUMNS, csv_bytes, person, pid

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_instance_folder(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))


def _upload(client, data: bytes, filename: str):
    return client.post("/village/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _token(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def _workers(village) -> int:
    return db.session.scalar(select(func.count(Worker.id)).where(Worker.home_region_id == village.region_id))


def test_the_ledger_page_links_to_import_and_export(world, login):
    page = login(world.a.coordinator).get("/village/").get_data(as_text=True)
    assert "/village/import" in page and "/village/ledger.xlsx" in page


def test_upload_page_offers_the_template_and_the_instructions(world, login):
    c = login(world.a.coordinator)
    page = c.get("/village/import").get_data(as_text=True)
    assert "/village/import/template.xlsx" in page and 'href="#instructions"' in page
    assert 'enctype="multipart/form-data"' in page and "身份证号" in page and "15 位" in page
    r = c.get("/village/import/template.xlsx")
    assert r.status_code == 200 and r.mimetype == XLSX
    assert r.headers["Content-Disposition"] == (
        "attachment; filename=\"ledger-template.xlsx\"; filename*=UTF-8''"
        "%E5%8A%B3%E5%8A%A8%E5%8A%9B%E5%8F%B0%E8%B4%A6%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")
    assert load_workbook(io.BytesIO(r.data)).sheetnames == ["劳动力台账", "填写说明"]


def test_upload_preview_confirm_imports_everyone(world, login):
    c = login(world.a.coordinator)
    before = _workers(world.a.village)
    token = _token(_upload(c, csv_bytes([person(1, "李四"), person(2, "王五", **{"手机号": "13812345678"})],
                                        encoding="gb18030"), "台账.csv"))
    assert _workers(world.a.village) == before  # nothing written by the upload
    page = c.get(f"/village/import/{token}").get_data(as_text=True)
    assert "导入预览" in page and "确认导入 2 人" in page and "李四" in page
    assert pid(1) not in page and pid(1)[:4] + "**********" + pid(1)[-4:] in page and "138****5678" in page
    r = c.post(f"/village/import/{token}/confirm", follow_redirects=True)
    assert "已将 2 人导入台账" in r.get_data(as_text=True)
    assert _workers(world.a.village) == before + 2
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "ledger.import"
    # the upload is gone once imported: confirming twice does not import twice
    assert c.post(f"/village/import/{token}/confirm").status_code == 404
    assert _workers(world.a.village) == before + 2


def test_a_file_with_errors_shows_them_offers_the_report_and_no_confirm_button(world, login):
    c = login(world.a.coordinator)
    good = pid(3)
    token = _token(_upload(c, csv_bytes([person(4), person(3, **{"身份证号": good[:17] + ("0" if good[17] != "0" else "1")}),
                                         person(4, "重复的人")]), "a.csv"))
    page = c.get(f"/village/import/{token}").get_data(as_text=True)
    assert "第3行：身份证号校验位错误" in page and "第4行：与第2行的身份证号重复" in page
    assert "确认导入" not in page and f"/village/import/{token}/errors.xlsx" in page
    before = _workers(world.a.village)
    r = c.post(f"/village/import/{token}/confirm", follow_redirects=True)
    assert "未导入任何数据" in r.get_data(as_text=True) and _workers(world.a.village) == before
    report = c.get(f"/village/import/{token}/errors.xlsx")
    assert report.status_code == 200 and report.headers["Content-Disposition"].startswith("attachment;")
    ws = load_workbook(io.BytesIO(report.data))["劳动力台账"]
    assert ws.cell(1, len(ALL_COLUMNS) + 1).value == "错误原因" and "校验位" in ws.cell(3, len(ALL_COLUMNS) + 1).value


def test_random_bytes_get_a_message_on_the_upload_page_not_a_500(world, login):
    c = login(world.a.coordinator)
    for name in ("a.xlsx", "a.csv"):
        r = _upload(c, os.urandom(5000), name)
        assert r.status_code == 200 and 'class="error"' in r.get_data(as_text=True)
    r = c.post("/village/import", data={}, content_type="multipart/form-data")
    assert r.status_code == 200 and "请选择要上传的文件" in r.get_data(as_text=True)


def test_too_large_a_file_gets_a_clear_chinese_page(world, login, app):
    c = login(world.a.coordinator)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        r = _upload(c, b"x" * 20_000, "a.csv")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert r.status_code == 413 and "文件太大" in r.get_data(as_text=True)


def test_another_village_cannot_see_download_or_confirm_your_import(world, login):
    token = _token(_upload(login(world.a.coordinator), csv_bytes([person(5)]), "a.csv"))
    other = login(world.b.coordinator)
    for url in (f"/village/import/{token}", f"/village/import/{token}/errors.xlsx"):
        assert other.get(url).status_code == 404
    assert other.post(f"/village/import/{token}/confirm").status_code == 404
    assert login(world.a.employer).get(f"/village/import/{token}").status_code == 403
    assert login(world.a.employer).get("/village/ledger.xlsx").status_code == 403
    assert other.get("/village/import/..%2F..%2Fsecret_key").status_code == 404
    assert _workers(world.b.village) == 1 and _workers(world.a.village) == 1


def test_export_is_masked_neutralised_audited_and_an_attachment(world, login):
    make_worker(world.a.village, name="@SUM(1)", birth=date(1984, 3, 3))
    db.session.commit()
    r = login(world.a.coordinator).get("/village/ledger.xlsx")
    assert r.status_code == 200 and r.mimetype == XLSX
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    ws = load_workbook(io.BytesIO(r.data)).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells) and "'@SUM(1)" in [c.value for c in cells]
    assert "工人乙" not in [c.value for c in cells]
    assert all("*" in ws.cell(row, 2).value for row in range(2, ws.max_row + 1))
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert (entry.action, entry.actor_id, entry.detail["rows"]) == ("ledger.export", world.a.coordinator.id, 2)
