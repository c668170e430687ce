"""The bureau's KPI pages: scoped to the bureau's region (drilling outside it is "not found"), figures as the
service counts them, small counts suppressed per village, and the Excel export with its audit entry."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEntry, FollowUp, Placement, Vacancy

THIS_YEAR = date.today().year


def _place(side, n=1, channel="pairing", start=None):
    """n placements of side's worker (one worker, so the shares' denominators stay 1)."""
    vacancy = Vacancy(enterprise=side.enterprise, title="普工", site_county=side.county, headcount=10, wage_min=4000,
                      wage_max=5000, status="open", age_max=55)
    db.session.add(vacancy)
    for k in range(n):
        p = Placement(worker=side.worker, vacancy=vacancy, enterprise_id=side.enterprise.id,
                      start_date=start or date(THIS_YEAR, 1, 1 + k), channel=channel, transfer_type="local")
        p.follow_ups.append(FollowUp(due_month=6, due_on=date(THIS_YEAR, 1, 1 + k), done_on=date(THIS_YEAR, 1, 1 + k),
                                     still_employed=True))
        db.session.add(p)
    db.session.commit()


def _card(html: str, key: str) -> str:
    m = re.search(rf'data-kpi="{key}">\s*<span class="kpi-label">[^<]*</span>\s*<strong class="kpi-value">([^<]*)<',
                  html)
    assert m, key
    return m.group(1)


def test_county_bureau_sees_only_its_county(world, login):
    _place(world.a, 6)
    _place(world.b, 2)
    c = login(world.a.county_bureau)
    html = c.get("/bureau/kpi/").get_data(as_text=True)
    assert "五华县 · 就业指标" in html
    assert _card(html, "placements") == "6" and _card(html, "pairing_transfers") == "6"
    assert _card(html, "retention_6m_pct") == "100%" and _card(html, "local_pct") == "100%"
    assert "惠城区" not in html
    # Its villages one click down; the province sees both sides.
    assert f'/bureau/kpi/r/{world.a.village.region_id}' in html
    html = login(world.province_bureau).get("/bureau/kpi/").get_data(as_text=True)
    assert _card(html, "placements") == "8"
    assert "梅州市" in html and "惠州市" in html


def test_drilling_outside_the_region_is_not_found(world, login):
    c = login(world.a.county_bureau)
    city = world.a.county.parent
    province = city.parent
    town = world.a.village.region.parent
    for region_id in (world.b.county.id, city.id, province.id, world.b.village.region_id, town.id, 999_999):
        assert c.get(f"/bureau/kpi/r/{region_id}").status_code == 404, region_id
        assert c.get(f"/bureau/kpi/r/{region_id}/export.xlsx").status_code == 404, region_id
    assert c.get(f"/bureau/kpi/r/{world.a.county.id}").status_code == 200
    p = login(world.province_bureau)
    html = p.get(f"/bureau/kpi/r/{city.id}").get_data(as_text=True)
    assert "梅州市 · 就业指标" in html and f"/bureau/kpi/r/{world.a.county.id}" in html
    # The trail leads back up to the bureau's own region, never above it.
    assert f'href="/bureau/kpi/r/{province.id}' in html
    assert f'href="/bureau/kpi/r/{province.id}' not in c.get(f"/bureau/kpi/r/{world.a.village.region_id}").get_data(
        as_text=True)
    assert not db.session.scalar(select(AuditEntry).where(AuditEntry.action == "kpi.export"))


def test_other_roles_are_refused(world, login):
    for user in (world.a.coordinator, world.a.employer, world.a.teacher, world.a.seeker):
        assert login(user).get("/bureau/kpi/").status_code == 403

def test_anonymous_is_sent_to_sign_in(world, client):
    r = client.get("/bureau/kpi/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_village_figures_are_suppressed_below_five(world, login):
    _place(world.a, 3)
    c = login(world.a.county_bureau)
    html = c.get(f"/bureau/kpi/r/{world.a.village.region_id}").get_data(as_text=True)
    assert _card(html, "placements") == "&lt;5" and _card(html, "trained_share_pct") in ("*", "—")
    assert 'id="kpi-data"' not in html  # no monthly chart that would show the small numbers
    county_page = c.get("/bureau/kpi/").get_data(as_text=True)
    row = re.search(r'id="kpi-children".*?</table>', county_page, re.S).group(0)
    assert "&lt;5" in row and ">3<" not in row
    assert _card(county_page, "placements") == "3"  # the county's own total is not suppressed


def test_a_bad_year_keeps_the_page_with_a_message(world, login):
    html = login(world.a.county_bureau).get("/bureau/kpi/?year=20x6&month=4").get_data(as_text=True)
    assert "年份应为" in html and f"{THIS_YEAR} 年" in html
    html = login(world.a.county_bureau).get(f"/bureau/kpi/?year={THIS_YEAR}&month=13").get_data(as_text=True)
    assert "月份应为 1–12" in html


def test_month_and_year_select_the_period(world, login):
    _place(world.a, 2)  # January
    _place(world.a, 1, start=date(THIS_YEAR - 1, 6, 1))
    c = login(world.a.county_bureau)
    assert _card(c.get(f"/bureau/kpi/?year={THIS_YEAR}&month=1").get_data(as_text=True), "placements") == "2"
    assert _card(c.get(f"/bureau/kpi/?year={THIS_YEAR}&month=2").get_data(as_text=True), "placements") == "0"
    assert _card(c.get(f"/bureau/kpi/?year={THIS_YEAR - 1}").get_data(as_text=True), "placements") == "1"


def test_export_holds_the_dashboards_tables_and_is_audited(world, login):
    _place(world.a, 6)
    c = login(world.a.county_bureau)
    r = c.get(f"/bureau/kpi/r/{world.a.county.id}/export.xlsx?year={THIS_YEAR}")
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.data), read_only=True)
    assert wb.sheetnames == ["指标", "下级地区", "月度", "功能区流向", "按功能区", "说明"]
    kpi_rows = {row[0]: row for row in wb["指标"].iter_rows(min_row=2, values_only=True)}
    assert kpi_rows["转移就业人次"][1] == "6" and kpi_rows["一企一村转移就业人数"][1] == "6"
    assert kpi_rows["6 个月在岗率"][1] == "100%" and kpi_rows["6 个月在岗率"][4] == 60
    children = list(wb["下级地区"].iter_rows(min_row=2, values_only=True))
    assert children == [(world.a.village.region.name, world.a.village.region.code, "6", "6", "0", "*", "*", "100%",
                         "0", "0")]  # one worker: shares over < 5 withheld; 6 follow-ups: retention shown
    months = list(wb["月度"].iter_rows(min_row=2, values_only=True))
    assert months[0][:2] == (1, "6") and all(m[1] == "0" for m in months[1:])
    zones = {row[0]: row[-1] for row in wb["功能区流向"].iter_rows(min_row=2, values_only=True)}
    assert zones["劳动力重点输出区"] == 6 and zones["优化配置区"] == 0
    by_zone = {row[0]: row[1:] for row in wb["按功能区"].iter_rows(min_row=2, values_only=True)}
    assert by_zone["劳动力重点输出区"][:3] == ("6", "6", "0") and by_zone["就近转移区"][0] == "0"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "kpi.export"))
    assert entry.actor_id == world.a.county_bureau.id and entry.object_type == "region"
    assert entry.object_id == world.a.county.id and entry.detail["year"] == THIS_YEAR


def test_csv_export_is_one_flat_table_excel_reads_and_is_audited(world, login):
    _place(world.a, 6)
    c = login(world.a.county_bureau)
    page = c.get(f"/bureau/kpi/r/{world.a.county.id}?year={THIS_YEAR}").get_data(as_text=True)
    assert f"/bureau/kpi/r/{world.a.county.id}/export.csv?year={THIS_YEAR}" in page
    r = c.get(f"/bureau/kpi/r/{world.a.county.id}/export.csv?year={THIS_YEAR}")
    assert r.status_code == 200 and r.mimetype == "text/csv" and r.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    header, total, children = rows[0], rows[1], rows[2:]
    assert header[:3] == ["地区", "区划代码", "期间"] and "转移就业人次" in header and "在粤东西北就业占比" in header
    assert total[:2] == [world.a.county.name, world.a.county.code]
    assert total[header.index("转移就业人次")] == "6" and total[header.index("6 个月在岗率")] == "100%"
    assert [row[1] for row in children] == [world.a.village.region.code]
    assert children[0][header.index("转移就业者受训率")] == "*"  # one worker: the share is withheld
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "kpi.export_csv")).object_id \
        == world.a.county.id
    assert login(world.b.county_bureau).get(f"/bureau/kpi/r/{world.a.county.id}/export.csv").status_code == 404


def test_map_colours_counties_by_zone_or_by_a_kpi(world, login):
    _place(world.a, 6)
    c = login(world.province_bureau)
    html = c.get("/bureau/kpi/").get_data(as_text=True)
    svg = re.search(r'<svg class="kpi-map".*?</svg>', html, re.S).group(0)
    assert 'class="zone-output"' in svg and 'class="zone-optimisation"' in svg
    assert f'/bureau/kpi/r/{world.a.county.id}' in svg
    html = c.get("/bureau/kpi/?colour=placements").get_data(as_text=True)
    svg = re.search(r'<svg class="kpi-map".*?</svg>', html, re.S).group(0)
    assert re.search(r'class="q\d"><title>五华县[^<]*6</title>', svg)
    assert re.search(r'class="q-none"><title>惠城区', svg)
    table = re.search(r'id="kpi-map-table".*?</table>', html, re.S).group(0)  # the map's numbers, one click away
    assert re.search(r'五华县</a></td>\s*<td[^>]*>劳动力重点输出区</td>\s*<td[^>]*>6</td>', table)
    assert c.get("/bureau/kpi/?colour=nonsense").status_code == 200
